import { Source } from '../types';
import { addressOf, TfBlock, TfResolver, TfStack } from './terraform';

/**
 * Azure Firewall facts of the Terraform JSON: each firewall with its subnet, private IP
 * (Azure gives the firewall the first usable address, `.4`, of `AzureFirewallSubnet`) and
 * policy (DNS proxy, rule collection groups with their network and application rule
 * collections, IP groups resolved to CIDRs), and each route table with its routes and the
 * subnets it is associated with.
 */

export interface FirewallRuleFact {
  readonly name: string;
  /** CIDRs or `*`; an IP group that cannot be resolved counts as `*`. */
  readonly sources: readonly string[];
  /** Network rules: `TCP`, `UDP`, `Any`, `ICMP`. Application rules: `Https:443`, `Http:80`. */
  readonly protocols: readonly string[];
  /** Network rules: destination ports (`443`, `8000-8100`, `*`). Application rules: the protocols' ports. */
  readonly ports: readonly string[];
  readonly fqdns: readonly string[];
  readonly fqdnTags: readonly string[];
  readonly addresses: readonly string[];
  readonly terminateTls: boolean;
}

export interface FirewallCollectionFact {
  readonly kind: 'network' | 'application';
  readonly group: string;
  readonly groupPriority: number;
  readonly name: string;
  readonly priority: number;
  readonly action: 'Allow' | 'Deny';
  readonly rules: readonly FirewallRuleFact[];
  readonly source: Source;
}

export interface FirewallFact {
  readonly stack: string;
  readonly name?: string;
  /** Prefix of the firewall's subnet. */
  readonly subnet?: string;
  /** `.4` of the subnet. */
  readonly privateIp?: string;
  readonly dnsProxy: boolean;
  /** Every rule collection of the policy, in processing order within each kind (group priority, then collection priority). */
  readonly collections: readonly FirewallCollectionFact[];
  readonly source: Source;
}

export interface RouteFact {
  readonly name?: string;
  readonly prefix: string;
  readonly nextHopType: string;
  readonly nextHopIp?: string;
  /** The `azurerm_route` resource, or the table's inline `route` block. */
  readonly source: Source;
}

export interface RouteTableFact {
  readonly key: string;
  readonly stack: string;
  readonly name?: string;
  readonly routes: readonly RouteFact[];
  /**
   * Whether routes learned by BGP (from a gateway) reach the table's subnets:
   * `bgp_route_propagation_enabled`, or the older `disable_bgp_route_propagation`
   * negated; azurerm's default is on.
   */
  readonly bgpRoutePropagation: boolean;
  /** Keys (`<stack>/<address>`) of the subnets associated with the table. */
  readonly subnets: readonly string[];
  readonly source: Source;
}

const keyOf = (b: TfBlock) => `${b.stack}/${addressOf(b)}`;
const src = (b: TfBlock, detail = ''): Source => ({ file: b.file, object: `${addressOf(b)}${detail}`, line: b.line });
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** The first usable address of a subnet (Azure reserves four). */
export function firstUsable(prefix: string | undefined): string | undefined {
  const m = prefix ? /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/\d+$/.exec(prefix) : null;
  if (!m) return undefined;
  const n = ((+m[1] << 24) >>> 0) + (+m[2] << 16) + (+m[3] << 8) + +m[4] + 4;
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Every firewall of every stack. */
export function readFirewallFacts(stacks: readonly TfStack[]): FirewallFact[] {
  const r = new TfResolver(stacks);
  const all = stacks.flatMap((s) => s.blocks);
  const of = (type: string) => all.filter((b) => b.mode === 'resource' && b.type === type);
  const ipGroupCidrs = (b: TfBlock, value: unknown): string[] => {
    const ref = r.ref(b.stack, value);
    if (!ref || ref.block.type !== 'azurerm_ip_group') return ['*'];
    const cidrs = r.strings(ref.block.stack, ref.block.body.cidrs);
    return cidrs.length > 0 ? cidrs : ['*'];
  };

  return of('azurerm_firewall').map((fw) => {
    const config = list(fw.body.ip_configuration).map((c) => c as Record<string, unknown>);
    const subnetRef = config.map((c) => r.ref(fw.stack, c.subnet_id)).find((ref) => ref?.block.type === 'azurerm_subnet');
    const subnet = subnetRef ? r.strings(subnetRef.block.stack, subnetRef.block.body.address_prefixes ?? subnetRef.block.body.address_prefix)[0] : undefined;
    const policyRef = r.ref(fw.stack, fw.body.firewall_policy_id);
    const policy = policyRef?.block.type === 'azurerm_firewall_policy' ? policyRef.block : undefined;
    const dns = policy ? (list(policy.body.dns)[0] as Record<string, unknown> | undefined) : undefined;
    const collections: FirewallCollectionFact[] = [];
    for (const g of of('azurerm_firewall_policy_rule_collection_group')) {
      const owner = r.ref(g.stack, g.body.firewall_policy_id);
      if (!policy || !owner || owner.block !== policy) continue;
      const group = String(r.value(g.stack, g.body.name) ?? addressOf(g));
      const groupPriority = Number(r.value(g.stack, g.body.priority));
      for (const kind of ['network', 'application'] as const) {
        for (const [ci, c] of list(g.body[`${kind}_rule_collection`]).entries()) {
          const body = c as Record<string, unknown>;
          const name = String(body.name);
          const rules: FirewallRuleFact[] = list(body.rule).map((x) => {
            const rule = x as Record<string, unknown>;
            const sources = [...r.strings(g.stack, rule.source_addresses), ...list(rule.source_ip_groups).flatMap((id) => ipGroupCidrs(g, id))];
            const appProtocols = list(rule.protocols).map((p) => p as Record<string, unknown>);
            return {
              name: String(rule.name),
              sources,
              protocols: kind === 'network' ? r.strings(g.stack, rule.protocols) : appProtocols.map((p) => `${p.type}:${p.port}`),
              ports: kind === 'network' ? r.strings(g.stack, rule.destination_ports) : appProtocols.map((p) => String(p.port)),
              fqdns: r.strings(g.stack, rule.destination_fqdns).map((f) => f.toLowerCase()),
              fqdnTags: r.strings(g.stack, rule.destination_fqdn_tags),
              addresses: [...r.strings(g.stack, rule.destination_addresses), ...list(rule.destination_ip_groups).flatMap((id) => ipGroupCidrs(g, id))],
              terminateTls: rule.terminate_tls === true,
            };
          });
          collections.push({
            kind,
            group,
            groupPriority,
            name,
            priority: Number(body.priority),
            action: /^deny$/i.test(String(body.action)) ? 'Deny' : 'Allow',
            rules,
            source: src(g, ` ${kind}_rule_collection[${ci}] (${name})`),
          });
        }
      }
    }
    collections.sort((a, b) => a.groupPriority - b.groupPriority || a.priority - b.priority);
    return {
      stack: fw.stack,
      name: r.string(fw.stack, fw.body.name),
      subnet,
      privateIp: firstUsable(subnet),
      dnsProxy: dns?.proxy_enabled === true,
      collections,
      source: src(fw),
    };
  });
}

/** Every route table of every stack, with its routes (inline or standalone) and subnet associations. */
export function readRouteTables(stacks: readonly TfStack[]): RouteTableFact[] {
  const r = new TfResolver(stacks);
  const all = stacks.flatMap((s) => s.blocks);
  const of = (type: string) => all.filter((b) => b.mode === 'resource' && b.type === type);
  const tables = of('azurerm_route_table').map((b) => ({
    key: keyOf(b),
    stack: b.stack,
    name: r.string(b.stack, b.body.name),
    routes: list(b.body.route).map((x, i) => readRoute(r, b, x as Record<string, unknown>, src(b, ` route[${i}]`))),
    bgpRoutePropagation: bgpRoutePropagation(r, b),
    subnets: [] as string[],
    source: src(b),
  }));
  const tableOf = (b: TfBlock, value: unknown) => {
    const ref = r.ref(b.stack, value);
    if (ref?.block.type === 'azurerm_route_table') return tables.find((t) => t.key === keyOf(ref.block));
    const name = r.string(b.stack, value);
    return tables.find((t) => t.stack === b.stack && t.name === name);
  };
  for (const b of of('azurerm_route')) tableOf(b, b.body.route_table_name)?.routes.push(readRoute(r, b, b.body as Record<string, unknown>, src(b)));
  for (const b of of('azurerm_subnet_route_table_association')) {
    const subnet = r.ref(b.stack, b.body.subnet_id);
    const table = tableOf(b, b.body.route_table_id);
    if (subnet?.block.type === 'azurerm_subnet' && table) table.subnets.push(keyOf(subnet.block));
  }
  return tables;
}

function readRoute(r: TfResolver, b: TfBlock, body: Record<string, unknown>, source: Source): RouteFact {
  return {
    name: r.string(b.stack, body.name),
    prefix: String(r.value(b.stack, body.address_prefix)),
    nextHopType: String(r.value(b.stack, body.next_hop_type)),
    nextHopIp: r.string(b.stack, body.next_hop_in_ip_address),
    source,
  };
}

/** azurerm 4 names it `bgp_route_propagation_enabled`, azurerm 3 `disable_bgp_route_propagation`; both default to propagation on. */
function bgpRoutePropagation(r: TfResolver, b: TfBlock): boolean {
  const enabled = r.value(b.stack, b.body.bgp_route_propagation_enabled);
  if (enabled !== undefined) return enabled !== false && enabled !== 'false';
  const disabled = r.value(b.stack, b.body.disable_bgp_route_propagation);
  return !(disabled === true || disabled === 'true');
}
