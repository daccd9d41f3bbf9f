/**
 * The NSG model's platform DNS exception ("Azure network security groups overview", Azure
 * platform considerations: DNS to 168.63.129.16 "isn't subject to the configured network
 * security groups unless targeted by service tags specific to each service"), and the
 * `AzurePlatformDNS` tag, which covers that one address ("Azure service tags overview").
 */
import { parseRange } from '../../lib/verify/engines/addresses';
import { evaluateNsg, Flow, PLATFORM_DNS_EXEMPTION } from '../../lib/verify/engines/nsg';
import { NsgFact, NsgRuleFact } from '../../lib/verify/parse/network';

const NODES = parseRange('10.2.0.0/18')!;

function rule(name: string, priority: number, access: 'Allow' | 'Deny', destination: string, extra: Partial<NsgRuleFact> = {}): NsgRuleFact {
  return {
    name,
    priority,
    direction: 'Outbound',
    access,
    protocol: '*',
    sourcePrefixes: ['*'],
    destinationPrefixes: [destination],
    destinationPorts: ['*'],
    ...extra,
  };
}

function nsg(...rules: NsgRuleFact[]): NsgFact {
  return { key: 'down/azurerm_network_security_group.nsg', stack: 'down', name: 'nsg-down', rules, problems: [], source: { file: 'x', object: 'nsg' } };
}

function flow(to: string, port = 53, protocol: 'Tcp' | 'Udp' = 'Udp'): Flow {
  return {
    direction: 'Outbound',
    protocol,
    port,
    source: { kind: 'range', range: NODES },
    destination: { kind: 'range', range: parseRange(to)! },
    virtualNetwork: [parseRange('10.2.0.0/16')!],
  };
}

const denyTag = rule('deny-azure-dns', 4010, 'Deny', 'AzurePlatformDNS');

describe('DNS to Azure platform DNS (168.63.129.16:53)', () => {
  test('passes with no rule: the default DenyAllOutBound does not reach it', () => {
    const d = evaluateNsg(nsg(), flow('168.63.129.16'));
    expect([d.access, d.rule]).toEqual(['Allow', PLATFORM_DNS_EXEMPTION]);
  });

  test('is denied by a rule naming the AzurePlatformDNS tag, on UDP and TCP', () => {
    for (const protocol of ['Udp', 'Tcp'] as const) {
      const d = evaluateNsg(nsg(denyTag), flow('168.63.129.16', 53, protocol));
      expect([d.access, d.rule.name]).toEqual(['Deny', 'deny-azure-dns']);
    }
  });

  test('a tag Deny limited to UDP leaves TCP open', () => {
    const n = nsg({ ...denyTag, protocol: 'Udp' });
    expect(evaluateNsg(n, flow('168.63.129.16', 53, 'Udp')).access).toBe('Deny');
    expect(evaluateNsg(n, flow('168.63.129.16', 53, 'Tcp')).rule).toBe(PLATFORM_DNS_EXEMPTION);
  });

  test('a Deny by address (*, Internet, the /32) does not count: only the tag reaches platform DNS', () => {
    for (const destination of ['*', 'Internet', '168.63.129.16/32', '168.63.0.0/16']) {
      const d = evaluateNsg(nsg(rule('deny-by-address', 100, 'Deny', destination)), flow('168.63.129.16'));
      expect([destination, d.access]).toEqual([destination, 'Allow']);
    }
  });

  test('an earlier Allow matching the address shadows the tag Deny', () => {
    for (const destination of ['168.63.129.16', '168.63.129.16/32', '*', 'Internet', 'AzurePlatformDNS']) {
      const allow = rule('allow-first', 500, 'Allow', destination, { protocol: 'Udp', destinationPorts: ['53'] });
      const d = evaluateNsg(nsg(allow, denyTag), flow('168.63.129.16'));
      expect([destination, d.access, d.rule.name]).toEqual([destination, 'Allow', 'allow-first']);
    }
  });

  test('an Allow that does not match the flow (another address, port, protocol or source) does not shadow it', () => {
    const others = [
      rule('parent-dns', 1110, 'Allow', '172.16.64.5', { destinationPorts: ['53'] }),
      rule('other-port', 500, 'Allow', '168.63.129.16', { destinationPorts: ['80'] }),
      rule('tcp-only', 500, 'Allow', '168.63.129.16', { protocol: 'Tcp' }),
      rule('other-source', 500, 'Allow', '168.63.129.16', { sourcePrefixes: ['10.9.0.0/16'] }),
    ];
    for (const other of others) {
      const d = evaluateNsg(nsg(other, denyTag), flow('168.63.129.16'));
      expect([other.name, d.access]).toEqual([other.name, 'Deny']);
    }
  });

  test('a tag Deny whose source does not cover the nodes does not deny them', () => {
    const d = evaluateNsg(nsg({ ...denyTag, sourcePrefixes: ['10.9.0.0/16'] }), flow('168.63.129.16'));
    expect(d.rule).toBe(PLATFORM_DNS_EXEMPTION);
  });
});

describe('the AzurePlatformDNS tag', () => {
  test('covers 168.63.129.16 only', () => {
    const allowTag = nsg(rule('allow-tag', 100, 'Allow', 'AzurePlatformDNS', { destinationPorts: ['80'] }));
    expect(evaluateNsg(allowTag, flow('168.63.129.16', 80, 'Tcp')).rule.name).toBe('allow-tag');
    for (const other of ['168.63.129.17', '10.2.0.5', '8.8.8.8']) {
      expect([other, evaluateNsg(allowTag, flow(other, 80, 'Tcp')).rule.name]).not.toEqual([other, 'allow-tag']);
    }
  });

  test('other ports to 168.63.129.16 follow the rules as usual: a Deny by address decides', () => {
    const d = evaluateNsg(nsg(rule('deny-all', 100, 'Deny', '*')), flow('168.63.129.16', 80, 'Tcp'));
    expect([d.access, d.rule.name]).toEqual(['Deny', 'deny-all']);
  });

  test('inbound and other addresses on 53 are not the platform exception', () => {
    const d = evaluateNsg(nsg(rule('deny-all', 100, 'Deny', '*')), flow('8.8.8.8'));
    expect([d.access, d.rule.name]).toEqual(['Deny', 'deny-all']);
    const inbound = evaluateNsg(nsg(), { ...flow('168.63.129.16'), direction: 'Inbound' });
    expect(inbound.access).toBe('Deny');
  });
});
