import { AZURE_PLATFORM_DNS_TAG, AZURE_PLATFORM_IP } from '../../model/azure-facts';
import { NsgFact, NsgRuleFact } from '../parse/network';
import { contains, overlaps, parseRange, PRIVATE, Range } from './addresses';

/**
 * Azure NSG evaluation (network-security-groups-overview): rules of one direction in
 * ascending priority, first match decides; Azure's default rules follow the user's
 * (AllowVnetInBound 65000, AllowAzureLoadBalancerInBound 65001, DenyAllInBound 65500;
 * AllowVnetOutBound 65000, AllowInternetOutBound 65001, DenyAllOutBound 65500). The
 * `VirtualNetwork` tag covers the VNET's own address space and its peered VNETs'.
 *
 * Azure's platform DNS (168.63.129.16, port 53) is the exception: "these services aren't
 * subject to the configured network security groups unless targeted by service tags
 * specific to each service" (network-security-groups-overview, "Azure platform
 * considerations"); a rule denying the `AzurePlatformDNS` tag is the way to block it.
 * See {@link evaluateNsg}.
 */

/** The DNS port the platform exemption applies to. */
const PLATFORM_DNS_PORT = 53;

/**
 * What decides a platform DNS flow no rule takes: Azure lets it through, whatever the
 * default rules say. Not a rule of any file; named for the verdicts that cite it.
 */
export const PLATFORM_DNS_EXEMPTION: NsgRuleFact = {
  name: 'AzurePlatformDNS not denied (Azure lets platform DNS past the NSG unless a rule names the tag)',
  priority: 65500,
  direction: 'Outbound',
  access: 'Allow',
  protocol: '*',
  sourcePrefixes: ['*'],
  destinationPrefixes: [AZURE_PLATFORM_DNS_TAG],
  destinationPorts: [String(PLATFORM_DNS_PORT)],
  builtIn: true,
};

export const DEFAULT_RULES: readonly NsgRuleFact[] = [
  {
    name: 'AllowVnetInBound',
    priority: 65000,
    direction: 'Inbound',
    access: 'Allow',
    protocol: '*',
    sourcePrefixes: ['VirtualNetwork'],
    destinationPrefixes: ['VirtualNetwork'],
    destinationPorts: ['*'],
    builtIn: true,
  },
  {
    name: 'AllowAzureLoadBalancerInBound',
    priority: 65001,
    direction: 'Inbound',
    access: 'Allow',
    protocol: '*',
    sourcePrefixes: ['AzureLoadBalancer'],
    destinationPrefixes: ['*'],
    destinationPorts: ['*'],
    builtIn: true,
  },
  {
    name: 'DenyAllInBound',
    priority: 65500,
    direction: 'Inbound',
    access: 'Deny',
    protocol: '*',
    sourcePrefixes: ['*'],
    destinationPrefixes: ['*'],
    destinationPorts: ['*'],
    builtIn: true,
  },
  {
    name: 'AllowVnetOutBound',
    priority: 65000,
    direction: 'Outbound',
    access: 'Allow',
    protocol: '*',
    sourcePrefixes: ['VirtualNetwork'],
    destinationPrefixes: ['VirtualNetwork'],
    destinationPorts: ['*'],
    builtIn: true,
  },
  {
    name: 'AllowInternetOutBound',
    priority: 65001,
    direction: 'Outbound',
    access: 'Allow',
    protocol: '*',
    sourcePrefixes: ['*'],
    destinationPrefixes: ['Internet'],
    destinationPorts: ['*'],
    builtIn: true,
  },
  {
    name: 'DenyAllOutBound',
    priority: 65500,
    direction: 'Outbound',
    access: 'Deny',
    protocol: '*',
    sourcePrefixes: ['*'],
    destinationPrefixes: ['*'],
    destinationPorts: ['*'],
    builtIn: true,
  },
];

/** One side of a flow: private addresses, or an internet host (with the service tags known to cover it). */
export type Endpoint = { readonly kind: 'range'; readonly range: Range } | { readonly kind: 'internet'; readonly tags: readonly string[] };

export interface Flow {
  readonly direction: 'Inbound' | 'Outbound';
  readonly protocol: 'Tcp' | 'Udp';
  readonly source: Endpoint;
  readonly destination: Endpoint;
  readonly port: number;
  /** Address space of the NSG's VNET plus its peered VNETs (the `VirtualNetwork` tag). */
  readonly virtualNetwork: readonly Range[];
}

export interface NsgDecision {
  readonly access: 'Allow' | 'Deny';
  /** The rule that decided; `partial` when an Allow rule covers only part of the flow's addresses. */
  readonly rule: NsgRuleFact;
  readonly partial: boolean;
}

type Cover = 'all' | 'some' | 'none';

const PLATFORM_IP: Range = parseRange(AZURE_PLATFORM_IP)!;

const isPlatformDnsTag = (prefix: string): boolean => prefix.trim().toLowerCase() === AZURE_PLATFORM_DNS_TAG.toLowerCase();

function coverPrefix(prefix: string, ep: Endpoint, vnet: readonly Range[]): Cover {
  const p = prefix.trim();
  if (p === '*' || /^any$/i.test(p) || p === '0.0.0.0/0') return 'all';
  if (ep.kind === 'internet') {
    if (/^internet$/i.test(p)) return 'all';
    const tag = p.toLowerCase();
    if (ep.tags.some((t) => t.toLowerCase() === tag || tag.startsWith(`${t.toLowerCase()}.`))) return 'all';
    return 'none';
  }
  if (/^virtualnetwork$/i.test(p)) return coverRanges(vnet, ep.range);
  // AzurePlatformDNS covers the platform address only ("Azure service tags overview").
  if (/^azureloadbalancer$/i.test(p) || isPlatformDnsTag(p)) return coverRanges([PLATFORM_IP], ep.range);
  if (/^internet$/i.test(p)) return PRIVATE.some((r) => contains(r, ep.range)) ? 'none' : 'some';
  const r = parseRange(p);
  if (!r) return 'none'; // other service tags: Azure public ranges, never the private flow
  return contains(r, ep.range) ? 'all' : overlaps(r, ep.range) ? 'some' : 'none';
}

function coverRanges(ranges: readonly Range[], target: Range): Cover {
  if (ranges.some((r) => contains(r, target))) return 'all';
  return ranges.some((r) => overlaps(r, target)) ? 'some' : 'none';
}

function coverList(prefixes: readonly string[], ep: Endpoint, vnet: readonly Range[]): Cover {
  const covers = prefixes.map((p) => coverPrefix(p, ep, vnet));
  return covers.includes('all') ? 'all' : covers.includes('some') ? 'some' : 'none';
}

function portMatches(ranges: readonly string[], port: number): boolean {
  return ranges.some((r) => {
    const t = r.trim();
    if (t === '*') return true;
    const m = /^(\d+)(?:-(\d+))?$/.exec(t);
    if (!m) return false;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    return lo <= port && port <= hi;
  });
}

function protocolMatches(rule: string, protocol: 'Tcp' | 'Udp'): boolean {
  return rule === '*' || rule.toLowerCase() === protocol.toLowerCase();
}

/** Rules of one direction, user rules then Azure's defaults, by priority. */
export function effectiveRules(nsg: NsgFact, direction: 'Inbound' | 'Outbound'): NsgRuleFact[] {
  return [...nsg.rules, ...DEFAULT_RULES].filter((r) => r.direction === direction).sort((a, b) => a.priority - b.priority);
}

/** Whether `flow` is a DNS query to Azure's platform DNS, which NSG rules only stop by naming its tag. */
export function isPlatformDnsFlow(flow: Flow): boolean {
  return (
    flow.direction === 'Outbound' &&
    flow.port === PLATFORM_DNS_PORT &&
    flow.destination.kind === 'range' &&
    flow.destination.range.lo === PLATFORM_IP.lo &&
    flow.destination.range.hi === PLATFORM_IP.hi
  );
}

/**
 * Evaluates one NSG for a flow: the first matching rule by priority decides, Azure's
 * default rules last. A DNS query to the platform DNS is allowed unless a rule naming
 * the `AzurePlatformDNS` tag denies it first: a Deny by address (`*`, `Internet`,
 * `168.63.129.16/32`) is not counted, since Azure documents only the tag as reaching
 * that traffic; any Allow that covers the address decides (the flow passes either way).
 */
export function evaluateNsg(nsg: NsgFact, flow: Flow): NsgDecision {
  if (isPlatformDnsFlow(flow)) return evaluatePlatformDns(nsg, flow);
  for (const rule of effectiveRules(nsg, flow.direction)) {
    if (!protocolMatches(rule.protocol, flow.protocol) || !portMatches(rule.destinationPorts, flow.port)) continue;
    const src = coverList(rule.sourcePrefixes, flow.source, flow.virtualNetwork);
    const dst = coverList(rule.destinationPrefixes, flow.destination, flow.virtualNetwork);
    if (src === 'none' || dst === 'none') continue;
    const partial = src === 'some' || dst === 'some';
    if (rule.access === 'Deny') return { access: 'Deny', rule, partial };
    return { access: partial ? 'Deny' : 'Allow', rule, partial };
  }
  return { access: 'Deny', rule: DEFAULT_RULES[2], partial: false };
}

function evaluatePlatformDns(nsg: NsgFact, flow: Flow): NsgDecision {
  for (const rule of nsg.rules.filter((r) => r.direction === 'Outbound').sort((a, b) => a.priority - b.priority)) {
    if (!protocolMatches(rule.protocol, flow.protocol) || !portMatches(rule.destinationPorts, flow.port)) continue;
    if (coverList(rule.sourcePrefixes, flow.source, flow.virtualNetwork) === 'none') continue;
    if (coverList(rule.destinationPrefixes, flow.destination, flow.virtualNetwork) === 'none') continue;
    if (rule.access === 'Allow') return { access: 'Allow', rule, partial: false };
    if (rule.destinationPrefixes.some(isPlatformDnsTag)) return { access: 'Deny', rule, partial: false };
  }
  return { access: 'Allow', rule: PLATFORM_DNS_EXEMPTION, partial: false };
}
