/**
 * The allow-list as Azure Firewall policy rules, as plain data (no CDK imports): the
 * firewall construct writes it as `azurerm_firewall_policy_rule_collection_group`
 * resources, tests and docs read it directly.
 *
 * Azure Firewall processes network rules (every collection, by group then collection
 * priority; a match is final) before application rules, then its built-in
 * infrastructure FQDN collection, then denies. So:
 *
 * - port 443 of an entry: one application rule, protocol `Https:443`, the entry's
 *   pattern as its only FQDN. Exact names and `*.b.com` mean what they mean in the
 *   allow-list (`*.b.com`: subdomains at any depth, not `b.com`). `terminate_tls` when
 *   the entry asks for TLS inspection.
 * - any other port: application rules read only HTTP, HTTPS and MSSQL, so one network
 *   rule per entry and port, TCP, the exact name as its FQDN (resolved by the firewall's
 *   DNS proxy). Network rules match no wildcards: the config check refuses them there.
 * - hub placement: network rules for exactly the hops of the chain, child level to the
 *   parent's Envoy IP on the allow-list ports and to the parent's DNS IP on 53.
 * - more than FIREWALL_RULES_PER_GROUP rules: the allow-list continues in further groups.
 * - last: an application rule collection that denies every name on HTTP and HTTPS from
 *   anywhere, which also switches off the implicit infrastructure FQDN allows.
 *
 * No FQDN tags, no service tags, no `*` destination in an Allow rule, no broad network
 * rule: the firewall allows exactly what the allow-list says, a second and independent
 * enforcement next to Envoy's SNI filter chains.
 */
import { createHash } from 'node:crypto';
import type { AllowEntry } from '../model/allow-entries';
import { FIREWALL_HTTPS_PORT, FIREWALL_MAX_ALLOW_RULES, FIREWALL_RULES_PER_GROUP } from '../model/firewall-rules';

export { FIREWALL_HTTPS_PORT, FIREWALL_MAX_ALLOW_RULES, FIREWALL_RULES_PER_GROUP };
/** DNS, opened to each parent's DNS IP in hub placement. */
export const FIREWALL_DNS_PORT = 53;
/** Longest rule name written; longer names end in a short hash of the full name. */
export const FIREWALL_RULE_NAME_MAX = 80;

/** Fixed priorities: adding entries never renumbers a group or collection (until a list outgrows one group). */
export const FIREWALL_PRIORITY = {
  hopsGroup: 100,
  allowListGroup: 200,
  finalDenyGroup: 65000,
  hopsCollection: 100,
  networkCollection: 100,
  applicationCollection: 200,
  finalDenyCollection: 65000,
} as const;

/** One application rule (`application_rule_collection.rule`). */
export interface FirewallApplicationRule {
  readonly name: string;
  readonly description: string;
  /** Keys of the IP groups the traffic comes from (resolved to ids by the construct). */
  readonly sourceIpGroups: readonly string[];
  /** Literal source addresses; `['*']` only in the final deny. */
  readonly sourceAddresses: readonly string[];
  readonly protocols: ReadonlyArray<{ readonly type: 'Http' | 'Https'; readonly port: number }>;
  readonly destinationFqdns: readonly string[];
  /** Premium TLS inspection. */
  readonly terminateTls: boolean;
}

/** One network rule (`network_rule_collection.rule`). */
export interface FirewallNetworkRule {
  readonly name: string;
  readonly description: string;
  readonly protocols: ReadonlyArray<'TCP' | 'UDP'>;
  readonly sourceIpGroups: readonly string[];
  /** Exact names, resolved by the firewall's DNS proxy. */
  readonly destinationFqdns: readonly string[];
  /** Single private IPs (hub hops). */
  readonly destinationAddresses: readonly string[];
  /** Port numbers as strings, ascending. */
  readonly destinationPorts: readonly string[];
}

export interface FirewallRuleCollection<R> {
  readonly name: string;
  readonly priority: number;
  readonly action: 'Allow' | 'Deny';
  readonly rules: readonly R[];
}

/** One `azurerm_firewall_policy_rule_collection_group`. */
export interface FirewallRuleCollectionGroup {
  readonly name: string;
  readonly priority: number;
  readonly networkRuleCollections: readonly FirewallRuleCollection<FirewallNetworkRule>[];
  readonly applicationRuleCollections: readonly FirewallRuleCollection<FirewallApplicationRule>[];
}

/** A hop of the chain the firewall lets through in hub placement: a level to its parent's Envoy and DNS. */
export interface FirewallHop {
  readonly child: string;
  readonly parent: string;
  /** IP group key of the child level. */
  readonly sourceIpGroup: string;
  readonly parentEnvoyIp: string;
  readonly parentDnsIp: string;
}

export interface FirewallRulesInput {
  readonly entries: readonly Pick<AllowEntry, 'pattern' | 'kind' | 'ports' | 'tlsInspection'>[];
  /** IP group keys allowed to the internet (the top level's). */
  readonly internetSources: readonly string[];
  /** Hub placement: every child-to-parent hop. @default [] */
  readonly hops?: readonly FirewallHop[];
}

/** Names used in the output. */
export const FIREWALL_NAMES = {
  hopsGroup: 'level-hops',
  hopsCollection: 'allow-child-to-parent',
  allowListGroup: 'allow-list',
  networkCollection: 'allow-list-tls-ports',
  applicationCollection: 'allow-list-https',
  finalDenyGroup: 'final-deny',
  finalDenyCollection: 'deny-everything-else',
  finalDenyRule: 'deny-all-names',
} as const;

/**
 * A rule name from a pattern: `*` becomes `_` (never valid in an allow-list domain, so no
 * collision with a real name), capped at {@link FIREWALL_RULE_NAME_MAX} characters.
 */
export function firewallRuleName(kind: string, port: number, pattern: string): string {
  const name = `${kind}-${port}-${pattern.replace(/\*/g, '_')}`;
  if (name.length <= FIREWALL_RULE_NAME_MAX) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 10);
  return `${name.slice(0, FIREWALL_RULE_NAME_MAX - 11)}-${hash}`;
}

/** The rule collection groups of the firewall policy, in priority order. */
export function renderFirewallRules(input: FirewallRulesInput): FirewallRuleCollectionGroup[] {
  const entries = [...input.entries].sort((a, b) => (a.pattern < b.pattern ? -1 : a.pattern > b.pattern ? 1 : 0));
  const sources = [...input.internetSources].sort();
  const groups: FirewallRuleCollectionGroup[] = [];

  const hops = [...(input.hops ?? [])].sort((a, b) => (a.child < b.child ? -1 : a.child > b.child ? 1 : 0));
  if (hops.length > 0) {
    const ports = proxiedPorts(entries);
    const rules: FirewallNetworkRule[] = hops.flatMap((hop) => [
      {
        name: `${hop.child}-to-${hop.parent}-envoy`,
        description: `Level ${hop.child} sends allowed TLS to ${hop.parent}'s Envoy on the allow-list ports`,
        protocols: ['TCP'],
        sourceIpGroups: [hop.sourceIpGroup],
        destinationFqdns: [],
        destinationAddresses: [hop.parentEnvoyIp],
        destinationPorts: ports,
      },
      {
        name: `${hop.child}-to-${hop.parent}-dns`,
        description: `Level ${hop.child}'s VNET DNS is ${hop.parent}'s dnsmasq`,
        protocols: ['TCP', 'UDP'],
        sourceIpGroups: [hop.sourceIpGroup],
        destinationFqdns: [],
        destinationAddresses: [hop.parentDnsIp],
        destinationPorts: [String(FIREWALL_DNS_PORT)],
      },
    ]);
    groups.push({
      name: FIREWALL_NAMES.hopsGroup,
      priority: FIREWALL_PRIORITY.hopsGroup,
      networkRuleCollections: [{ name: FIREWALL_NAMES.hopsCollection, priority: FIREWALL_PRIORITY.hopsCollection, action: 'Allow', rules }],
      applicationRuleCollections: [],
    });
  }

  // In pattern order, so a chunk boundary moves only when entries are added before it.
  const allowRules: Array<{ kind: 'network'; rule: FirewallNetworkRule } | { kind: 'application'; rule: FirewallApplicationRule }> = [];
  for (const entry of entries) {
    for (const port of entry.ports) {
      if (port === FIREWALL_HTTPS_PORT) {
        allowRules.push({
          kind: 'application',
          rule: {
            name: firewallRuleName('https', port, entry.pattern),
            description: `allowList '${entry.pattern}' on HTTPS ${port}${entry.tlsInspection ? ', TLS inspected' : ''}`,
            sourceIpGroups: sources,
            sourceAddresses: [],
            protocols: [{ type: 'Https', port }],
            destinationFqdns: [entry.pattern],
            terminateTls: entry.tlsInspection,
          },
        });
      } else {
        if (entry.kind === 'wildcard')
          throw new Error(`'${entry.pattern}' on port ${port}: a network rule cannot match a wildcard (the config check refuses it)`);
        allowRules.push({
          kind: 'network',
          rule: {
            name: firewallRuleName('tcp', port, entry.pattern),
            description: `allowList '${entry.pattern}' on TCP ${port} (not HTTPS: a network rule, resolved by the DNS proxy)`,
            protocols: ['TCP'],
            sourceIpGroups: sources,
            destinationFqdns: [entry.pattern],
            destinationAddresses: [],
            destinationPorts: [String(port)],
          },
        });
      }
    }
  }
  if (allowRules.length > FIREWALL_MAX_ALLOW_RULES) {
    throw new Error(`${allowRules.length} firewall rules exceed the ${FIREWALL_MAX_ALLOW_RULES} that fit a policy (the config check refuses it)`);
  }
  if (sources.length > 0) {
    for (let chunk = 0; chunk * FIREWALL_RULES_PER_GROUP < allowRules.length; chunk++) {
      const part = allowRules.slice(chunk * FIREWALL_RULES_PER_GROUP, (chunk + 1) * FIREWALL_RULES_PER_GROUP);
      const networkRules = part.flatMap((r) => (r.kind === 'network' ? [r.rule] : []));
      const applicationRules = part.flatMap((r) => (r.kind === 'application' ? [r.rule] : []));
      groups.push({
        name: chunk === 0 ? FIREWALL_NAMES.allowListGroup : `${FIREWALL_NAMES.allowListGroup}-${chunk + 1}`,
        priority: FIREWALL_PRIORITY.allowListGroup + chunk,
        networkRuleCollections:
          networkRules.length > 0
            ? [{ name: FIREWALL_NAMES.networkCollection, priority: FIREWALL_PRIORITY.networkCollection, action: 'Allow', rules: networkRules }]
            : [],
        applicationRuleCollections:
          applicationRules.length > 0
            ? [{ name: FIREWALL_NAMES.applicationCollection, priority: FIREWALL_PRIORITY.applicationCollection, action: 'Allow', rules: applicationRules }]
            : [],
      });
    }
  }

  groups.push({
    name: FIREWALL_NAMES.finalDenyGroup,
    priority: FIREWALL_PRIORITY.finalDenyGroup,
    networkRuleCollections: [],
    applicationRuleCollections: [
      {
        name: FIREWALL_NAMES.finalDenyCollection,
        priority: FIREWALL_PRIORITY.finalDenyCollection,
        action: 'Deny',
        rules: [
          {
            name: FIREWALL_NAMES.finalDenyRule,
            description: 'Everything the allow-list does not name, including the implicit infrastructure FQDNs',
            sourceIpGroups: [],
            sourceAddresses: ['*'],
            protocols: [
              { type: 'Http', port: 80 },
              { type: 'Https', port: FIREWALL_HTTPS_PORT },
            ],
            destinationFqdns: ['*'],
            terminateTls: false,
          },
        ],
      },
    ],
  });
  return groups;
}

/** Every allow-list port, ascending, as strings. */
function proxiedPorts(entries: FirewallRulesInput['entries']): string[] {
  return [...new Set(entries.flatMap((e) => e.ports))].sort((a, b) => a - b).map(String);
}
