/**
 * Checks of the `firewall:`, `hub:` and `allowList[].tlsInspection` keys that the schema
 * cannot express: TLS inspection where it would break traffic or cannot work, ports the
 * firewall cannot filter, wildcards on ports only a network rule can carry, a hub that
 * collides with a level or a cluster range, and options the firewall replaces. Each
 * problem names the config key to change; `parseConfig` reports them with every other
 * problem at once.
 */
import type { AllowEntry } from './allow-entries';
import { PRIVATE_RANGES } from './azure-facts';
import type { RawConfig } from './config';
import type { DeploymentProblem } from './deployment-rules';
import { buildFirewallModel, FIREWALL_MAX_PORT, FIREWALL_SUBNET_PREFIX, planTopFirewall } from './firewall';
import { Cidr, cidrContains, cidrLast, cidrsOverlap, formatCidr, parseCidr } from './ipv4';
import type { ClusterOptions } from './options';
import { AddressOverrides, LevelAddressPlan, planLevelAddresses } from './address-plan';

/** The one port Azure Firewall reads as HTTPS in an application rule here; every other allow-list port becomes a network rule. */
export const FIREWALL_HTTPS_PORT = 443;

/**
 * AKS API servers and tunnels live under this zone (`<dns-prefix>.hcp.<region>.azmk8s.io`,
 * `privatelink.<region>.azmk8s.io`). Their clients (kubelet, the konnectivity agent,
 * kubectl) trust only the cluster's own CA and authenticate with client certificates,
 * which a TLS-terminating firewall cannot present: inspecting them breaks the cluster.
 */
export const AKS_API_ZONE = 'azmk8s.io';

/** Ranges no VNET or cluster range may use (the same list the level checks use). */
const FORBIDDEN_FOR_HUB: ReadonlyArray<{ cidr: string; why: string }> = [
  { cidr: '0.0.0.0/8', why: 'the "this network" block' },
  { cidr: '127.0.0.0/8', why: 'loopback' },
  { cidr: '169.254.0.0/16', why: 'link-local (Azure metadata and DNS live there)' },
  { cidr: '168.63.129.16/32', why: "Azure's platform DNS and health-probe address" },
  { cidr: '224.0.0.0/3', why: 'multicast and reserved' },
  { cidr: '172.30.0.0/16', why: 'a range AKS refuses' },
  { cidr: '172.31.0.0/16', why: 'a range AKS refuses' },
  { cidr: '192.0.2.0/24', why: 'a range AKS refuses' },
];

/**
 * Allow-list rules per rule collection group. Azure caps the rules of one group at 2 MB
 * (1 MB for policies created before July 2022; "Azure subscription and service limits",
 * Azure Firewall limits); a rule as Azure stores it stays under about 1.2 KiB even with the
 * longest names this project accepts, so a group of this many stays clear of both. Longer lists continue in `allow-list-2`, `allow-list-3`, ... at the
 * next priorities: Azure processes the network rules of every group before any
 * application rule, so the split changes nothing the firewall decides.
 */
export const FIREWALL_RULES_PER_GROUP = 500;

/** Rule collection groups one firewall policy may hold ("Azure Firewall limits", policies created after July 2022). */
export const FIREWALL_POLICY_MAX_GROUPS = 90;

/** Of those, the allow-list's: all but the hop group and the final-deny group. */
export const FIREWALL_MAX_ALLOW_GROUPS = FIREWALL_POLICY_MAX_GROUPS - 2;

/** Allow-list rules (entries x ports) one policy can carry. */
export const FIREWALL_MAX_ALLOW_RULES = FIREWALL_RULES_PER_GROUP * FIREWALL_MAX_ALLOW_GROUPS;

/** Stack name of the hub (`firewall.placement: hub`); no level may take it. */
export const HUB_STACK_NAME = 'hub';

const insideCidr = (inner: Cidr, outer: Cidr) => cidrContains(outer, inner.network) && cidrContains(outer, cidrLast(inner));

const cidr = (text: string): Cidr => (parseCidr(text) as { ok: true; value: Cidr }).value;

/** Every problem, in config order; empty when the firewall options can deploy. `entries` are the normalised allow-list. */
export function firewallProblems(
  raw: Pick<RawConfig, 'firewall' | 'hub' | 'cluster' | 'workloads'>,
  levels: ReadonlyArray<{ readonly name: string; readonly addresses: LevelAddressPlan; readonly addressOverrides?: AddressOverrides }>,
  entries: readonly AllowEntry[],
  cluster: Pick<ClusterOptions, 'serviceCidr' | 'podCidr' | 'networkPlugin'>,
): DeploymentProblem[] {
  const problems: DeploymentProblem[] = [];
  const add = (path: DeploymentProblem['path'], value: unknown, rule: string) => problems.push({ path, value, rule });
  const firewall = raw.firewall;

  if (firewall?.placement === 'hub' && !raw.hub) {
    add(['firewall', 'placement'], 'hub', "needs a 'hub:' section with the hub VNET's addressSpace (for example 10.0.0.0/22 if nothing else uses it)");
  }
  if (firewall?.placement === 'hub') {
    levels.forEach((level, i) => {
      if (level.name === HUB_STACK_NAME) {
        add(['levels', i, 'name'], level.name, `'${HUB_STACK_NAME}' is the name of the hub's Terraform stack with firewall.placement 'hub': rename the level`);
      }
      if (!PRIVATE_RANGES.some((r) => insideCidr(cidr(level.addresses.addressSpace), cidr(r)))) {
        add(
          ['levels', i, 'addressSpace'],
          level.addresses.addressSpace,
          `must lie inside ${PRIVATE_RANGES.join(', ')} with firewall.placement 'hub': Azure Firewall translates the source of network-rule traffic to any other range ("Azure Firewall SNAT private IP address ranges"), so the parent's Envoy and DNS would see the firewall instead of this level and refuse it`,
        );
      }
    });
  }
  if (raw.hub && firewall?.placement !== 'hub') {
    add(['hub'], undefined, "applies only with firewall.placement 'hub': remove it, or set firewall.placement: hub");
  }
  if (firewall && (firewall.sku ?? 'Premium') === 'Standard') {
    if (firewall.idps !== undefined && firewall.idps !== 'Off') {
      add(['firewall', 'idps'], firewall.idps, "IDPS is an Azure Firewall Premium feature: set sku 'Premium' or idps 'Off'");
    }
    if (firewall.tls) add(['firewall', 'tls'], undefined, "TLS inspection is an Azure Firewall Premium feature: set sku 'Premium' or remove tls");
  }
  const hubIssues = firewall?.placement === 'hub' && raw.hub ? hubProblems(raw.hub.addressSpace, levels, cluster) : [];
  problems.push(...hubIssues);

  if (firewall) {
    if (raw.cluster?.outboundType === 'loadBalancer') {
      add(
        ['cluster', 'outboundType'],
        'loadBalancer',
        "with a firewall the top level's nodes leave through it ('userDefinedRouting', 0.0.0.0/0 to the firewall): remove outboundType",
      );
    }
    const plannable = levels.length > 0 && hubIssues.length === 0 && (firewall.placement === 'top' || raw.hub !== undefined);
    const planned = plannable ? buildFirewallModel(firewall, raw.hub, levels[0].addresses) : undefined;
    if (plannable && firewall.placement === 'top' && !planned) problems.push(noRoomForFirewall(levels[0]));
    const dnsProxy = planned?.addresses.privateIp;
    const envoyDns = raw.workloads?.envoy?.upstreamDns;
    if (dnsProxy && envoyDns && (envoyDns.length !== 1 || envoyDns[0] !== dnsProxy)) {
      add(
        ['workloads', 'envoy', 'upstreamDns'],
        envoyDns,
        `with a firewall the top Envoy resolves through the firewall's DNS proxy (${dnsProxy}), so both see the same answers (network rules with FQDNs need it): remove upstreamDns or set it to [${dnsProxy}]`,
      );
    }
    const dnsmasqDns = raw.workloads?.dnsmasq?.upstreamDns;
    if (dnsProxy && dnsmasqDns && dnsmasqDns !== dnsProxy) {
      add(
        ['workloads', 'dnsmasq', 'upstreamDns'],
        dnsmasqDns,
        `with a firewall the top dnsmasq resolves through the firewall's DNS proxy (${dnsProxy}), so both see the same answers: remove upstreamDns or set it to ${dnsProxy}`,
      );
    }
  }

  const ruleCount = entries.reduce((n, e) => n + e.ports.length, 0);
  if (firewall && ruleCount > FIREWALL_MAX_ALLOW_RULES) {
    add(
      ['allowList'],
      undefined,
      `needs ${ruleCount} firewall rules (one per entry and port), more than the ${FIREWALL_MAX_ALLOW_RULES} one firewall policy holds (${FIREWALL_MAX_ALLOW_GROUPS} rule collection groups of ${FIREWALL_RULES_PER_GROUP}; "Azure Firewall limits"): shorten the list, merge names under a wildcard, or remove the firewall`,
    );
  }

  for (const entry of [...entries].sort((a, b) => a.sources[0] - b.sources[0])) {
    const at = entry.sources[0];
    if (firewall) {
      for (const port of entry.ports) {
        if (port > FIREWALL_MAX_PORT) {
          add(
            ['allowList', at, 'ports'],
            port,
            `Azure Firewall rules accept destination ports 0-${FIREWALL_MAX_PORT} only ("Azure Firewall FAQ"): use a lower port or remove the firewall`,
          );
        } else if (port !== FIREWALL_HTTPS_PORT && entry.kind === 'wildcard') {
          add(
            ['allowList', at, 'domain'],
            entry.pattern,
            `port ${port} is not HTTPS, so the firewall can only allow it with a network rule, and network rules match exact names only (FQDNs resolved by the DNS proxy, no wildcards): list the exact names on port ${port}`,
          );
        }
      }
    }
    if (!entry.tlsInspection) continue;
    const path = ['allowList', at, 'tlsInspection'];
    if (!firewall) {
      add(
        path,
        true,
        "TLS inspection is done by Azure Firewall Premium: add a 'firewall:' section with sku 'Premium' and tls.keyVaultSecretId, or remove tlsInspection",
      );
      continue;
    }
    if ((firewall.sku ?? 'Premium') !== 'Premium') add(path, true, "TLS inspection needs firewall.sku 'Premium'");
    else if (!firewall.tls)
      add(path, true, 'TLS inspection needs firewall.tls.keyVaultSecretId: the intermediate CA the firewall signs the inspected connections with');
    const other = entry.ports.filter((p) => p !== FIREWALL_HTTPS_PORT);
    if (other.length > 0) {
      add(
        path,
        true,
        `the firewall inspects TLS only in application rules on port ${FIREWALL_HTTPS_PORT}; port(s) ${other.join(', ')} become network rules, which cannot terminate TLS: give those ports their own entry without tlsInspection`,
      );
    }
    if (entry.domain === AKS_API_ZONE || entry.domain.endsWith(`.${AKS_API_ZONE}`)) {
      add(
        path,
        true,
        `'${entry.pattern}' is an AKS API server name (*.hcp.<region>.azmk8s.io): its clients trust only the cluster's own CA and use client certificates, so an inspected connection fails and the nodes lose their API server`,
      );
    }
  }
  return problems;
}

/**
 * Why the top level holds no /26 for the firewall, blaming what the user can change: the
 * subnets they set when the automatic plan of the same space would leave one free, else
 * the address space.
 */
function noRoomForFirewall(top: { readonly addresses: LevelAddressPlan; readonly addressOverrides?: AddressOverrides }): DeploymentProblem {
  const space = top.addresses.addressSpace;
  const given = top.addressOverrides ?? {};
  const takenBy = (['loadBalancerSubnet', 'nodeSubnet'] as const).filter((key) => given[key] !== undefined);
  const automaticFits = planTopFirewall(planLevelAddresses(cidr(space))) !== undefined;
  const azure = `Azure requires at least a /${FIREWALL_SUBNET_PREFIX}`;
  if (takenBy.length > 0 && automaticFits) {
    const keys = takenBy.map((key) => `levels[0].${key}`).join(' and ');
    return {
      path: ['levels', 0, takenBy[0]],
      value: given[takenBy[0]],
      rule: `leaves no free /${FIREWALL_SUBNET_PREFIX} for AzureFirewallSubnet in the top level's address space ${space} (${azure}; firewall.placement 'top'): give ${keys} smaller blocks so an aligned /${FIREWALL_SUBNET_PREFIX} stays free`,
    };
  }
  return {
    path: ['levels', 0, 'addressSpace'],
    value: space,
    rule: `has no free /${FIREWALL_SUBNET_PREFIX} for AzureFirewallSubnet next to the planned node and load balancer subnets (${azure}): give the top level a larger address space`,
  };
}

/** The hub's address space: room for the firewall's /26, and no collision with a level, a cluster range or a reserved range. */
function hubProblems(
  space: string,
  levels: ReadonlyArray<{ readonly name: string; readonly addresses: { readonly addressSpace: string } }>,
  cluster: Pick<ClusterOptions, 'serviceCidr' | 'podCidr' | 'networkPlugin'>,
): DeploymentProblem[] {
  const problems: DeploymentProblem[] = [];
  const path = ['hub', 'addressSpace'];
  const hub = cidr(space);
  if (hub.prefix < 8 || hub.prefix > FIREWALL_SUBNET_PREFIX) {
    problems.push({
      path,
      value: space,
      rule: `must be a /8 to /${FIREWALL_SUBNET_PREFIX}: it holds AzureFirewallSubnet, which Azure requires to be at least a /${FIREWALL_SUBNET_PREFIX}`,
    });
  }
  if (!PRIVATE_RANGES.some((r) => insideCidr(hub, cidr(r)))) {
    problems.push({
      path,
      value: space,
      rule: `must lie inside ${PRIVATE_RANGES.join(', ')}: Azure treats any other range as internet addresses ("Azure Firewall SNAT private IP address ranges")`,
    });
  }
  for (const level of levels) {
    if (cidrsOverlap(hub, cidr(level.addresses.addressSpace))) {
      problems.push({
        path,
        value: space,
        rule: `overlaps level '${level.name}' (${level.addresses.addressSpace}): peered VNETs need distinct address spaces`,
      });
    }
  }
  const ranges: Array<[string, string]> = [['cluster.serviceCidr', cluster.serviceCidr]];
  if (cluster.networkPlugin !== 'azure') ranges.push(['cluster.podCidr', cluster.podCidr]);
  for (const [key, value] of ranges) {
    if (cidrsOverlap(hub, cidr(value))) {
      problems.push({
        path,
        value: space,
        rule: `overlaps ${key} (${value}): every cluster would route the firewall's address inside itself; choose another hub range or move ${key}`,
      });
    }
  }
  for (const reserved of FORBIDDEN_FOR_HUB) {
    if (cidrsOverlap(hub, cidr(reserved.cidr))) problems.push({ path, value: space, rule: `overlaps ${formatCidr(cidr(reserved.cidr))}, ${reserved.why}` });
  }
  return problems;
}
