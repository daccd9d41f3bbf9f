/**
 * Property: below the top level nothing leaves except through the parent's proxy. For
 * random level counts, address plans, network plugins and allow-list ports, every
 * outbound Allow rule of every lower level's NSG (as synthesized in cdk.tf.json) names
 * only private destinations the chain needs (the parent's Envoy and DNS IPs, the level's
 * own cluster ranges), never `Internet`, `*`, a service tag or a public prefix; Azure DNS
 * is denied; and every lower cluster uses `userDefinedRouting` with no public IP.
 * Runs: 30, or 100 when CI=true (a cdktf synth per run).
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { cidrContains, cidrLast, parseCidr } from '../../lib/model';
import { model, resources, synthStacks, TfJson } from './fixtures';

const RUNS = process.env.CI === 'true' ? 100 : 30;
const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'];
const FORBIDDEN_NAME = /^(internet|\*|any|azurecloud.*|azurefrontdoor.*|microsoftcontainerregistry.*)$/i;

const cidr = (text: string) => {
  const r = parseCidr(text.includes('/') ? text : `${text}/32`);
  if (!r.ok) throw new Error(`not an address: ${text}`);
  return r.value;
};
const isPrivate = (prefix: string): boolean => {
  const c = cidr(prefix);
  return PRIVATE.some((p) => cidrContains(cidr(p), c.network) && cidrContains(cidr(p), cidrLast(c)));
};
const prefixesOf = (r: Record<string, any>, side: 'source' | 'destination'): string[] => r[`${side}_address_prefixes`] ?? [r[`${side}_address_prefix`]];

const config = fc
  .record({
    count: fc.integer({ min: 1, max: 6 }),
    octets: fc.shuffledSubarray(
      [...Array(14).keys()].map((k) => 16 + k),
      { minLength: 6, maxLength: 6 },
    ),
    prefix: fc.integer({ min: 16, max: 20 }),
    plugin: fc.constantFrom('azure-overlay', 'azure', 'kubenet'),
    ports: fc.uniqueArray(fc.constantFrom(443, 8084, 8443, 8883, 80), { minLength: 1, maxLength: 3 }),
  })
  .map(({ count, octets, prefix, plugin, ports }) =>
    stringify({
      name: 'edge',
      location: 'westeurope',
      levels: octets.slice(0, count).map((o, i) => ({ name: `lv${i}`, addressSpace: `172.${o}.0.0/${prefix}` })),
      allowList: [{ domain: 'mcr.microsoft.com', ports }, { domain: '*.blob.core.windows.net' }],
      cluster: { networkPlugin: plugin, ...(plugin === 'kubenet' ? { networkPolicy: 'calico' } : {}) },
    }),
  );

describe('levels below the top are sealed (random configs)', () => {
  test(
    "outbound Allow rules name only the chain's private destinations; Azure DNS denied; userDefinedRouting without a public IP",
    () => {
      fc.assert(
        fc.property(config, (text) => {
          const m = model(text);
          const { json } = synthStacks(m);
          for (const [i, level] of m.levels.entries()) {
            const j: TfJson = json[level.name];
            const [cluster] = resources(j, 'azurerm_kubernetes_cluster');
            expect(resources(j, 'azurerm_public_ip')).toEqual([]);
            if (!level.parent) {
              expect(cluster.network_profile.outbound_type).toBe('loadBalancer');
              continue;
            }
            const parent = m.levels[i - 1];
            const needed = new Set([
              parent.addresses.envoyIp,
              parent.addresses.dnsIp,
              level.addresses.nodeSubnet.cidr,
              ...(m.cluster.networkPlugin === 'azure' ? [] : [m.cluster.podCidr]),
            ]);
            const outbound = resources(j, 'azurerm_network_security_rule').filter((r) => r.direction === 'Outbound');
            for (const r of outbound.filter((x) => x.access === 'Allow')) {
              for (const p of prefixesOf(r, 'destination')) {
                expect(p).not.toMatch(FORBIDDEN_NAME);
                expect({ rule: r.name, prefix: p, private: isPrivate(p) }).toEqual({ rule: r.name, prefix: p, private: true });
                expect({ rule: r.name, prefix: p, needed: needed.has(p) }).toEqual({ rule: r.name, prefix: p, needed: true });
              }
            }
            const denies = outbound.filter((r) => r.access === 'Deny').map((r) => r.destination_address_prefix);
            expect(denies).toEqual(expect.arrayContaining(['AzurePlatformDNS', 'Internet']));
            expect(cluster.network_profile.outbound_type).toBe('userDefinedRouting');
            expect(cluster.network_profile.load_balancer_profile).toBeUndefined();
            expect(resources(j, 'azurerm_route')).toEqual([
              expect.objectContaining({ address_prefix: '0.0.0.0/0', next_hop_type: 'VirtualAppliance', next_hop_in_ip_address: parent.addresses.envoyIp }),
            ]);
          }
        }),
        { numRuns: RUNS },
      );
    },
    RUNS * 2_000,
  );
});
