import { isBelow, parentSuffixes } from '../../model/wildcard-cover';
import { DnsmasqConfig, DnsmasqDomain, DnsmasqHost, DnsmasqRecord } from '../parse/dnsmasq';

/**
 * dnsmasq 2.90's answer to one query, modelled on its documented matching rules and
 * confirmed against the real binary:
 *
 * - `host-record=` names answer their own types first;
 * - `address=`/`server=`/`local=` patterns: `/b.com/` (or `/.b.com/`) matches the apex
 *   and every subdomain at label boundaries; `/*S/` matches any name ending with the raw
 *   string `S` (so `/*.b.com/` is subdomains only and `/*b.com/` also matches
 *   `evilb.com`); `/#/` matches everything;
 * - the longest matching pattern wins; on equal length a plain domain beats a wildcard;
 * - an `address=` of the other family does not apply to the query type: the lookup goes
 *   on to the next, less specific pattern, and finally upstream (the AAAA leak) unless a
 *   `local=`/`address=/d/` in a matching group stops it.
 */

export type QueryType = 'A' | 'AAAA' | 'OTHER';

export type DnsmasqOutcome =
  | { readonly kind: 'answer'; readonly ips: readonly string[]; readonly line: number }
  | { readonly kind: 'nxdomain'; readonly line?: number }
  | { readonly kind: 'nodata'; readonly line?: number }
  | { readonly kind: 'forward'; readonly upstream: string; readonly line?: number }
  | { readonly kind: 'refused' };

/** Does `domain` match `name` (lowercase, no trailing dot)? Returns the specificity, or -1. */
export function domainMatch(domain: DnsmasqDomain, name: string): number {
  if (domain.text === '#') return 0;
  if (domain.wildcard) return name.endsWith(domain.text) ? domain.text.length : -1;
  return name === domain.text || isBelow(name, domain.text) ? domain.text.length : -1;
}

/**
 * The config by name, so one query costs the labels of the name, not the length of the
 * config: host records by name, every suffix that has local data below it, plain
 * patterns by domain, `*.`-wildcards by the domain after the dot; raw `*b.com`
 * wildcards are few and tried one by one.
 */
interface ConfigIndex {
  readonly hosts: ReadonlyMap<string, DnsmasqHost>;
  readonly hasDataBelow: ReadonlySet<string>;
  readonly plain: ReadonlyMap<string, DnsmasqRecord[]>;
  readonly dotWildcards: ReadonlyMap<string, DnsmasqRecord[]>;
  readonly rawWildcards: readonly DnsmasqRecord[];
}

const indexMemo = new WeakMap<DnsmasqConfig, ConfigIndex>();

function indexOf(config: DnsmasqConfig): ConfigIndex {
  let index = indexMemo.get(config);
  if (index) return index;
  const hosts = new Map<string, DnsmasqHost>();
  const hasDataBelow = new Set<string>();
  for (const h of config.hosts) {
    for (const n of h.names) {
      if (!hosts.has(n)) hosts.set(n, h);
      for (const suffix of parentSuffixes(n)) hasDataBelow.add(suffix);
    }
  }
  const plain = new Map<string, DnsmasqRecord[]>();
  const dotWildcards = new Map<string, DnsmasqRecord[]>();
  const rawWildcards: DnsmasqRecord[] = [];
  // Plain `server=<ip>` upstreams (or resolv.conf ones) live in the root group with `/#/`.
  const upstreams: DnsmasqRecord[] = config.defaultServers.map((u) => ({
    domain: { text: '#', wildcard: false },
    action: { kind: 'forward', upstream: u },
    line: 0,
    text: `server=${u}`,
  }));
  if (upstreams.length === 0 && !config.noResolv)
    upstreams.push({ domain: { text: '#', wildcard: false }, action: { kind: 'forward', upstream: '/etc/resolv.conf' }, line: 0, text: 'resolv.conf' });
  const add = (map: Map<string, DnsmasqRecord[]>, key: string, r: DnsmasqRecord) => map.set(key, [...(map.get(key) ?? []), r]);
  for (const r of [...config.records, ...upstreams]) {
    if (!r.domain.wildcard) add(plain, r.domain.text, r);
    else if (r.domain.text.startsWith('.')) add(dotWildcards, r.domain.text.slice(1), r);
    else rawWildcards.push(r);
  }
  index = { hosts, hasDataBelow, plain, dotWildcards, rawWildcards };
  indexMemo.set(config, index);
  return index;
}

/** Answers `name` for `qtype` as dnsmasq would. */
export function answerDnsmasq(config: DnsmasqConfig, rawName: string, qtype: QueryType): DnsmasqOutcome {
  const name = rawName.toLowerCase().replace(/\.$/, '');
  const index = indexOf(config);
  const host = index.hosts.get(name);
  if (host) {
    if (qtype === 'A' && host.ipv4.length > 0) return { kind: 'answer', ips: host.ipv4, line: host.line };
    if (qtype === 'AAAA' && host.ipv6.length > 0) return { kind: 'answer', ips: host.ipv6, line: host.line };
  }
  // A name that exists in local data (or has names below it there) gets NODATA, not NXDOMAIN.
  const hasLocalData = host !== undefined || index.hasDataBelow.has(name);

  // Every pattern that matches, grouped by pattern: the name and each of its suffixes, '#', the wildcards.
  const groups = new Map<string, { spec: number; wildcard: boolean; records: DnsmasqRecord[] }>();
  const addGroup = (records: readonly DnsmasqRecord[] | undefined) => {
    for (const r of records ?? []) {
      const spec = domainMatch(r.domain, name);
      if (spec < 0) continue;
      const key = `${r.domain.wildcard ? '*' : ''}${r.domain.text}`;
      const g = groups.get(key) ?? { spec, wildcard: r.domain.wildcard, records: [] };
      g.records.push(r);
      groups.set(key, g);
    }
  };
  addGroup(index.plain.get(name));
  for (const suffix of parentSuffixes(name)) {
    addGroup(index.plain.get(suffix));
    addGroup(index.dotWildcards.get(suffix));
  }
  addGroup(index.plain.get('#'));
  addGroup(index.rawWildcards);
  const ordered = [...groups.values()].sort((a, b) => b.spec - a.spec || Number(a.wildcard) - Number(b.wildcard));
  const lineOf = (r: DnsmasqRecord) => (r.line > 0 ? r.line : undefined);
  for (const g of ordered) {
    // Within the most specific group dnsmasq prefers: an address of the query's family,
    // then upstream servers, then the "no data" literals (address=/d/, local=/d/).
    const right = g.records.filter((r) => (qtype === 'A' && r.action.kind === 'address4') || (qtype === 'AAAA' && r.action.kind === 'address6'));
    if (right.length > 0) return { kind: 'answer', ips: right.map((r) => (r.action as { ip: string }).ip), line: right[0].line };
    const fwd = g.records.find((r) => r.action.kind === 'forward');
    if (fwd && fwd.action.kind === 'forward') return { kind: 'forward', upstream: fwd.action.upstream, line: lineOf(fwd) };
    const def = g.records.find((r) => r.action.kind === 'default');
    if (def) {
      const up = config.defaultServers[0] ?? (config.noResolv ? undefined : '/etc/resolv.conf');
      return up ? { kind: 'forward', upstream: up, line: def.line } : { kind: 'refused' };
    }
    const otherFamily = g.records.some((r) => r.action.kind === 'address4' || r.action.kind === 'address6');
    const nx = g.records.find((r) => r.action.kind === 'nxdomain');
    if (nx) return hasLocalData ? { kind: 'nodata', line: nx.line } : { kind: 'nxdomain', line: nx.line };
    const local = g.records.find((r) => r.action.kind === 'local');
    if (local) return hasLocalData || otherFamily ? { kind: 'nodata', line: local.line } : { kind: 'nxdomain', line: local.line };
    // only addresses of the other family: dnsmasq goes on to less specific patterns
  }
  return { kind: 'refused' };
}
