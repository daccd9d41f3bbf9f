import { AZURE_PLATFORM_IP } from '../../model/azure-facts';
import { NsgFact, NsgRuleFact } from '../parse/network';
import { contains, overlaps, parseRange, Range } from './addresses';

/**
 * Azure NSG evaluation (network-security-groups-overview): rules of one direction in
 * ascending priority, first match decides; Azure's default rules follow the user's
 * (AllowVnetInBound 65000, AllowAzureLoadBalancerInBound 65001, DenyAllInBound 65500;
 * AllowVnetOutBound 65000, AllowInternetOutBound 65001, DenyAllOutBound 65500). The
 * `VirtualNetwork` tag covers the VNET's own address space and its peered VNETs'.
 */

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

const PRIVATE: readonly Range[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'].map((c) => parseRange(c)!);

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
  if (/^azureloadbalancer$/i.test(p)) return coverRanges([parseRange(AZURE_PLATFORM_IP)!], ep.range);
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

/** Evaluates one NSG for a flow. */
export function evaluateNsg(nsg: NsgFact, flow: Flow): NsgDecision {
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
