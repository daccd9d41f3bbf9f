/** With a firewall, the top Envoy and the top dnsmasq resolve through the firewall's DNS proxy, and their NetworkPolicies let them reach it. */
import { parseAllDocuments } from 'yaml';
import { parseConfig } from '../../lib/model';
import { synthManifests } from '../../lib/synth/manifests';
import { BASE } from '../support/configs';

const files = synthManifests(parseConfig(`${BASE}firewall:\n  placement: top\n`, 'egress.yaml'));
const docs = (file: string): any[] => parseAllDocuments(files.get(file)!).map((d) => d.toJS());
const FIREWALL_IP = '172.16.192.4';

test('the top dnsmasq forwards what it forwards to the firewall DNS proxy, never to Azure DNS directly', () => {
  const conf = (level: string) => docs(`${level}/dnsmasq.yaml`).find((d) => d.kind === 'ConfigMap')?.data['dnsmasq.conf'] as string | undefined;
  const top = conf('l4')!;
  const servers = top.split('\n').filter((l) => l.startsWith('server='));
  expect(servers.length).toBeGreaterThan(0);
  for (const line of servers) expect(line.endsWith(`/${FIREWALL_IP}`) || line === `server=${FIREWALL_IP}`).toBe(true);
  expect(top).not.toContain('168.63.129.16');
});

test('the top Envoy resolves upstream names through the firewall DNS proxy, and its NetworkPolicy allows exactly that resolver on 53', () => {
  const envoy = files.get('l4/envoy.yaml')!;
  expect(envoy).toContain(`address: ${FIREWALL_IP}`);
  expect(envoy).not.toContain('168.63.129.16');
  const policy = docs('l4/network-policies.yaml').find((d) => d.kind === 'NetworkPolicy' && d.metadata.name === 'envoy');
  const dnsRules = policy.spec.egress.filter((r: any) => r.ports?.some((p: any) => p.port === 53));
  expect(dnsRules.flatMap((r: any) => r.to.map((t: any) => t.ipBlock.cidr))).toEqual([`${FIREWALL_IP}/32`]);
});
