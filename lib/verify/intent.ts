import { isBelow, parentSuffixes } from '../model/wildcard-cover';
import { EgressModel } from '../model';

/**
 * What the config says should happen: the levels (top first) with their planned
 * addresses, the allow-list with each entry's meaning (docs/semantics.md: `a.b.com` is that name only;
 * `*.b.com` is any name below `b.com`, at any depth, not `b.com` itself) and purpose, and
 * what the DNS of a lower level promises for names not on the list.
 */

export interface IntentLevel {
  readonly name: string;
  readonly index: number;
  readonly parent?: string;
  readonly child?: string;
  readonly addressSpace: string;
  readonly envoyIp: string;
  readonly dnsIp: string;
}

export interface IntentEntry {
  readonly pattern: string;
  readonly kind: 'exact' | 'wildcard';
  readonly domain: string;
  readonly ports: readonly number[];
  /** Why the entry is there (the config's `purpose`), merged and sorted. @default [] */
  readonly purposes?: readonly string[];
}

/**
 * What a dnsmasq serving a lower level does with a name that is not on the list:
 * strict: NXDOMAIN, except names in `forwardZones`, which go to `upstream`;
 * non-strict: every such name goes to `upstream`. Never a local address.
 */
export interface DnsIntent {
  /** `workloads.dnsmasq.strict`: NXDOMAIN for unlisted names outside the forwarded zones. */
  readonly strict: boolean;
  /**
   * The upstream resolver the config declares (`workloads.dnsmasq.upstreamDns`): where the
   * TOP level's dnsmasq forwards. A lower level's dnsmasq forwards to its parent's DNS IP
   * instead (no level below the top talks to Azure DNS): see `dnsUpstreamAt`.
   */
  readonly upstream: string;
  /** Zones forwarded to `upstream` in strict mode (lowercase, no trailing dot). */
  readonly forwardZones: readonly string[];
}

export interface Intent {
  readonly levels: readonly IntentLevel[];
  readonly entries: readonly IntentEntry[];
  /** Azure region, for registry data endpoints and service tags. */
  readonly location?: string;
  /** Unlisted names at the dnsmasq of each level with a level below; undefined: not checked. */
  readonly dns?: DnsIntent;
  /**
   * The config asks for an Azure Firewall (`firewall.placement`), a second enforcement of
   * the list in front of the internet. @default undefined (no firewall expected)
   */
  readonly firewall?: { readonly placement: 'top' | 'hub' };
}

/** Builds the intent from a loaded model (only levels and the allow-list are read). */
export function intentFromModel(model: EgressModel): Intent {
  return {
    location: model.location,
    levels: model.levels.map((l) => ({
      name: l.name,
      index: l.index,
      parent: l.parent,
      child: l.child,
      addressSpace: l.addresses.addressSpace,
      envoyIp: l.addresses.envoyIp,
      dnsIp: l.addresses.dnsIp,
    })),
    entries: model.allowEntries.map((e) => ({ pattern: e.pattern, kind: e.kind, domain: e.domain, ports: [...e.ports], purposes: [...e.purposes] })),
    firewall: model.firewall ? { placement: model.firewall.placement } : undefined,
    dns: {
      strict: model.workloads.dnsmasq.strict,
      upstream: model.workloads.dnsmasq.upstreamDns,
      forwardZones: declaredForwardZones(model),
    },
  };
}

/**
 * The zones strict mode forwards, as the config documents them (workloads.dnsmasq
 * `forwardZones`): the listed ones, plus Azure's `internal.cloudapp.net`, the reverse
 * zones of every level's address space and, for a private cluster,
 * `privatelink.<location>.azmk8s.io`. Computed here from the config, not taken from
 * the renderer, so a renderer bug cannot hide itself.
 */
export function declaredForwardZones(model: EgressModel): string[] {
  const zones = new Set<string>(['internal.cloudapp.net', ...model.workloads.dnsmasq.forwardZones.map((z) => norm(z))]);
  for (const l of model.levels) for (const z of reverseZonesOf(l.addresses.addressSpace)) zones.add(z);
  if (model.cluster.privateCluster) zones.add(`privatelink.${model.location}.azmk8s.io`);
  return [...zones].sort();
}

/**
 * Where the dnsmasq of `level` must forward what it forwards: the declared upstream at the
 * top level, the parent level's DNS IP below it (docs/network.md, "Strict DNS": each
 * level's resolver asks the one above, so only the top reaches Azure DNS).
 */
export function dnsUpstreamAt(intent: Intent, dns: DnsIntent, level: IntentLevel): string {
  return levelByName(intent, level.parent)?.dnsIp ?? dns.upstream;
}

/** `172.16.0.0/16` -> `16.172.in-addr.arpa`; a prefix off an octet boundary gives every zone it spans. */
export function reverseZonesOf(cidr: string): string[] {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) return [];
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  const depth = Math.max(1, Math.ceil(prefix / 8));
  const span = 2 ** (depth * 8 - prefix);
  const out: string[] = [];
  for (let i = 0; i < span; i++) {
    const labels = octets.slice(0, depth);
    labels[depth - 1] += i;
    out.push(`${labels.reverse().join('.')}.in-addr.arpa`);
  }
  return out;
}

/** Is `name` the zone or below it? */
export function inZone(name: string, zone: string): boolean {
  const n = norm(name);
  return n === zone || isBelow(n, zone);
}

/** Purposes of the entries that allow `name` (any port), for reports. */
export function purposesOf(intent: Intent, name: string): string[] {
  return [...new Set(intent.entries.filter((e) => entryMatches(e, name)).flatMap((e) => e.purposes ?? []))].sort();
}

const norm = (n: string) => n.toLowerCase().replace(/\.$/, '');

/** Does `entry` allow `name` (whatever the port)? */
export function entryMatches(entry: IntentEntry, name: string): boolean {
  const n = norm(name);
  return entry.kind === 'exact' ? n === entry.domain : isBelow(n, entry.domain);
}

/** The list by pattern, so a lookup costs the labels of a name, not the length of the list. */
interface IntentIndex {
  readonly exact: ReadonlyMap<string, readonly number[]>;
  readonly wildcard: ReadonlyMap<string, readonly number[]>;
}

const indexMemo = new WeakMap<Intent, IntentIndex>();

function indexOf(intent: Intent): IntentIndex {
  let index = indexMemo.get(intent);
  if (!index) {
    const exact = new Map<string, number[]>();
    const wildcard = new Map<string, number[]>();
    for (const e of intent.entries) {
      const map = e.kind === 'exact' ? exact : wildcard;
      map.set(e.domain, [...new Set([...(map.get(e.domain) ?? []), ...e.ports])]);
    }
    index = { exact, wildcard };
    indexMemo.set(intent, index);
  }
  return index;
}

/** Ports of the wildcard entries strictly above `name` (`*.b.com` for `a.b.com` and `x.a.b.com`). */
function wildcardPortsAbove(index: IntentIndex, name: string): number[] {
  const ports: number[] = [];
  for (const suffix of parentSuffixes(name)) ports.push(...(index.wildcard.get(suffix) ?? []));
  return ports;
}

/** Every port the list gives `name` (any entry that matches it), ascending. */
export function portsForName(intent: Intent, name: string): number[] {
  const n = norm(name);
  const index = indexOf(intent);
  return [...new Set([...(index.exact.get(n) ?? []), ...wildcardPortsAbove(index, n)])].sort((a, b) => a - b);
}

/** Ports on which every name strictly below `suffix` is allowed (a wildcard entry at or above it). */
export function portsBelow(intent: Intent, suffix: string): number[] {
  const s = norm(suffix);
  const index = indexOf(intent);
  return [...new Set([...(index.wildcard.get(s) ?? []), ...wildcardPortsAbove(index, s)])].sort((a, b) => a - b);
}

/** Is `name` strictly below an exact entry (which means that name only)? */
export function belowExactEntry(intent: Intent, name: string): boolean {
  const n = norm(name);
  const index = indexOf(intent);
  return [...parentSuffixes(n)].some((suffix) => index.exact.has(suffix));
}

/** Should `name` resolve to the proxy (allowed on some port)? */
export function nameAllowed(intent: Intent, name: string): boolean {
  return portsForName(intent, name).length > 0;
}

/** Should a connection to `name` on `port` be routed? */
export function routeAllowed(intent: Intent, name: string, port: number): boolean {
  return portsForName(intent, name).includes(port);
}

/** Every port of the allow-list, ascending. */
export function allowedPorts(intent: Intent): number[] {
  return [...new Set(intent.entries.flatMap((e) => e.ports))].sort((a, b) => a - b);
}

export function levelByName(intent: Intent, name: string | undefined): IntentLevel | undefined {
  return intent.levels.find((l) => l.name === name);
}
