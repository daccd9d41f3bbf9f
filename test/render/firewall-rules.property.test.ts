/**
 * The firewall renderer against the verifier's model of Azure Firewall, on generated
 * allow-lists: for every list, the rendered rules let every listed name out on each of
 * its ports and nothing else (wildcard apexes, look-alikes, subdomains of exact names,
 * foreign names, listed names on other ports). Two independent pieces of code, the
 * renderer and the evaluator, must agree on every case.
 */
import fc from 'fast-check';
import { evaluateFirewall } from '../../lib/verify/engines/firewall';
import { FirewallCollectionFact, FirewallFact } from '../../lib/verify/parse/firewall';
import { FirewallRuleCollectionGroup, renderFirewallRules } from '../../lib/render/firewall-rules';

const SOURCE_CIDR = '10.1.0.0/18';
const SOURCE_IP = '10.1.0.4';

/** The rendered groups as the verifier reads them (the IP group key becomes its CIDR). */
function asFact(groups: readonly FirewallRuleCollectionGroup[]): FirewallFact {
  const collections: FirewallCollectionFact[] = [];
  const source = { file: 'rendered', object: 'rules' };
  for (const g of groups) {
    for (const c of g.networkRuleCollections) {
      collections.push({
        kind: 'network',
        group: g.name,
        groupPriority: g.priority,
        name: c.name,
        priority: c.priority,
        action: c.action,
        source,
        rules: c.rules.map((r) => ({
          name: r.name,
          sources: r.sourceIpGroups.map(() => SOURCE_CIDR),
          protocols: [...r.protocols],
          ports: [...r.destinationPorts],
          fqdns: [...r.destinationFqdns],
          fqdnTags: [],
          addresses: [...r.destinationAddresses],
          terminateTls: false,
        })),
      });
    }
    for (const c of g.applicationRuleCollections) {
      collections.push({
        kind: 'application',
        group: g.name,
        groupPriority: g.priority,
        name: c.name,
        priority: c.priority,
        action: c.action,
        source,
        rules: c.rules.map((r) => ({
          name: r.name,
          sources: [...r.sourceAddresses, ...r.sourceIpGroups.map(() => SOURCE_CIDR)],
          protocols: r.protocols.map((p) => `${p.type}:${p.port}`),
          ports: r.protocols.map((p) => String(p.port)),
          fqdns: [...r.destinationFqdns],
          fqdnTags: [],
          addresses: [],
          terminateTls: r.terminateTls,
        })),
      });
    }
  }
  collections.sort((a, b) => a.groupPriority - b.groupPriority || a.priority - b.priority);
  return { stack: 'top', dnsProxy: true, collections, source, privateIp: '10.1.192.4', subnet: '10.1.192.0/26' };
}

const label = fc.constantFrom('a', 'b', 'api', 'mcr', 'x1', 'data', 'eu');
const suffix = fc.constantFrom('contoso.com', 'b.com', 'azure.net', 'example.org');
const entryArb = fc
  .tuple(fc.boolean(), fc.array(label, { minLength: 0, maxLength: 2 }), suffix, fc.subarray([443, 8084, 8883, 5671], { minLength: 1 }))
  .map(([wild, labels, tail, ports]) => {
    const domain = [...labels, tail].join('.');
    const kind = wild ? ('wildcard' as const) : ('exact' as const);
    // Network rules cannot match wildcards: the config check keeps wildcards on 443.
    return { pattern: wild ? `*.${domain}` : domain, kind, domain, ports: wild ? [443] : ports.sort((a, b) => a - b), tlsInspection: false };
  });
const listArb = fc.uniqueArray(entryArb, { selector: (e) => e.pattern, minLength: 1, maxLength: 8 });

const listedOn = (entries: ReadonlyArray<{ kind: string; domain: string; ports: readonly number[] }>, name: string, port: number) =>
  entries.some((e) => e.ports.includes(port) && (e.kind === 'exact' ? name === e.domain : name.endsWith(`.${e.domain}`)));

test('rendered firewall rules allow exactly the list, name by name and port by port (2,000 generated lists)', () => {
  fc.assert(
    fc.property(listArb, (entries) => {
      const firewall = asFact(renderFirewallRules({ entries, internetSources: ['top'] }));
      const names = new Set<string>(['unlisted.le-probe.net']);
      for (const e of entries)
        for (const n of [e.domain, `le-probe.${e.domain}`, `le-probe.deep.${e.domain}`, `lookalike${e.domain}`, `${e.domain}.evil.net`]) names.add(n);
      for (const name of names) {
        for (const port of [80, 443, 8084, 8883, 5671]) {
          const got = evaluateFirewall(firewall, { sourceIp: SOURCE_IP, name, port }).action === 'Allow';
          if (got !== listedOn(entries, name, port))
            throw new Error(`${name}:${port}: firewall ${got ? 'allows' : 'denies'}, the list ${got ? 'does not name it' : 'names it'}`);
          // Any other source is denied whatever the name.
          if (evaluateFirewall(firewall, { sourceIp: '192.168.7.9', name, port }).action === 'Allow')
            throw new Error(`${name}:${port} allowed from outside the top IP group`);
        }
      }
    }),
    { numRuns: 2000 },
  );
});
