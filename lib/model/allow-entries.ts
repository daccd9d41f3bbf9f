import { coveringWildcard, isBelow, parentSuffixes } from './wildcard-cover';
import { byText } from './compare';
import { parse as parseHostname } from 'tldts';
import { RawAllowEntry, DNS_PORT, MAX_DISTINCT_PORTS } from './config';
import { normaliseQueryName, parseDomain } from './domain';
import { IssueCollector } from './issues';

/** One normalised allow-list entry. Entries are unique by `pattern`. */
export interface AllowEntry {
  /** `a.b.com` (exact) or `*.b.com` (subdomains at any depth, not the apex). */
  readonly pattern: string;
  /** `exact` (`a.b.com`: that name only) or `wildcard` (`*.b.com`: every name below `b.com`). */
  readonly kind: 'exact' | 'wildcard';
  /** The exact name, or the wildcard's suffix (`b.com` for `*.b.com`). */
  readonly domain: string;
  /** TCP ports, ascending, at least one. @default [443] */
  readonly ports: readonly number[];
  /** Free-text purposes of every config entry merged into this one, sorted. */
  readonly purposes: readonly string[];
  /** Indices in the config's `allowList` this entry was built from. */
  readonly sources: readonly number[];
  /**
   * Azure Firewall Premium terminates and inspects this entry's TLS (`terminate_tls`).
   * Only with a firewall; Envoy never terminates TLS either way. @default false
   */
  readonly tlsInspection: boolean;
}

/** Port an entry gets when it names none. */
export const DEFAULT_PORT = 443;

/** Names that are reserved for documentation or local use (RFC 2606, RFC 6761): never internet egress. */
const SPECIAL_USE = ['example.com', 'example.net', 'example.org', 'test', 'invalid', 'localhost', 'local', 'example'];

/**
 * Validates and normalises the raw entries; reports errors and warnings to the two
 * collectors. Duplicates after normalisation merge (ports unioned) with a warning; an
 * exact name that a wildcard already covers is kept and reported. Returns the entries
 * sorted by pattern, so the input order never changes the output.
 */
export function buildAllowEntries(
  raw: ReadonlyArray<RawAllowEntry | undefined>,
  location: string,
  errors: IssueCollector,
  warnings: IssueCollector,
  listKey = 'allowList',
): AllowEntry[] {
  const byPattern = new Map<
    string,
    { kind: 'exact' | 'wildcard'; domain: string; ports: Set<number>; purposes: Set<string>; sources: number[]; tlsInspection: boolean }
  >();

  const firstUse = new Map<number, number>();
  raw.forEach((entry, index) => {
    // An entry the schema refused (reported there) is skipped; the others are still checked.
    if (entry === undefined) return;
    const parsed = parseDomain(entry.domain, location);
    let ok = true;
    if (!parsed.ok) {
      errors.add([listKey, index, 'domain'], parsed.rule, entry.domain);
      ok = false;
    }
    if (parsed.ok && parsed.value.kind === 'wildcard') {
      const suffix = publicSuffixWildcard(parsed.value.suffix);
      if (suffix?.icann) {
        errors.add([listKey, index, 'domain'], suffix.rule, entry.domain);
        ok = false;
      } else if (suffix) warnings.add([listKey, index, 'domain'], suffix.rule, entry.domain);
    }
    const ports = entry.ports ?? [DEFAULT_PORT];
    ports.forEach((port, p) => {
      if (port === DNS_PORT) {
        errors.add([listKey, index, 'ports', p], 'port 53 is reserved for the DNS of each level and cannot be proxied', port);
        ok = false;
      } else if (!firstUse.has(port)) {
        firstUse.set(port, index);
        if (firstUse.size === MAX_DISTINCT_PORTS + 1) {
          errors.add(
            [listKey, index, 'ports', p],
            `the allow-list uses more than ${MAX_DISTINCT_PORTS} distinct ports: each is an Envoy listener, a Service port and a container port on every level; group services on fewer ports`,
            port,
          );
          ok = false;
        }
      }
    });
    if (!ok || !parsed.ok) return;

    const { pattern } = parsed.value;
    const domain = parsed.value.kind === 'exact' ? parsed.value.name : parsed.value.suffix;
    const reserved = specialUseSuffix(domain);
    if (reserved) {
      warnings.add(
        [listKey, index, 'domain'],
        `'${reserved}' is reserved for documentation or local use (RFC 2606/6761): a test entry left in the list?`,
        entry.domain,
      );
    }
    const tlsInspection = entry.tlsInspection ?? false;
    const existing = byPattern.get(pattern);
    if (existing && existing.tlsInspection !== tlsInspection) {
      errors.add(
        ['allowList', index, 'tlsInspection'],
        `duplicates allowList[${existing.sources[0]}] ('${pattern}') after normalisation but asks for tlsInspection ${tlsInspection} where it has ${existing.tlsInspection}: merge them into one entry`,
        entry.tlsInspection ?? false,
      );
      return;
    }
    if (existing) {
      warnings.add(
        [listKey, index, 'domain'],
        `duplicates allowList[${existing.sources[0]}] ('${pattern}') after normalisation; merged, ports unioned`,
        entry.domain,
      );
      ports.forEach((p) => existing.ports.add(p));
      if (entry.purpose) existing.purposes.add(entry.purpose);
      existing.sources.push(index);
      return;
    }
    byPattern.set(pattern, {
      kind: parsed.value.kind,
      domain,
      ports: new Set(ports),
      purposes: new Set(entry.purpose ? [entry.purpose] : []),
      sources: [index],
      tlsInspection,
    });
  });

  const entries: AllowEntry[] = [...byPattern.entries()]
    .sort(([a], [b]) => byText(a, b))
    .map(([pattern, e]) => ({
      pattern,
      kind: e.kind,
      domain: e.domain,
      ports: [...e.ports].sort((a, b) => a - b),
      purposes: [...e.purposes].sort(),
      sources: e.sources,
      tlsInspection: e.tlsInspection,
    }));

  reportCoveredExactNames(entries, warnings, listKey);
  return entries;
}

/**
 * Reports exact names that a wildcard also matches. Walks each name's parent suffixes
 * (a handful of map look-ups per name) instead of comparing all pairs.
 */
function reportCoveredExactNames(entries: readonly AllowEntry[], warnings: IssueCollector, listKey: string): void {
  const wildcards = new Map(entries.filter((e) => e.kind === 'wildcard').map((e) => [e.domain, e]));
  if (wildcards.size === 0) return;
  for (const entry of entries) {
    if (entry.kind !== 'exact') continue;
    const cover = coveringWildcard(entry.domain, wildcards);
    if (cover) {
      warnings.add(
        [listKey, entry.sources[0], 'domain'],
        `is also matched by '${cover.pattern}' (allowList[${cover.sources[0]}]); kept as its own entry (it may carry other ports)`,
        entry.domain,
      );
    }
  }
}

/**
 * Whether `*.suffix` sits directly under a public suffix of the Public Suffix List (the
 * copy bundled in `tldts`): then every name anyone registers there matches. Under an
 * ICANN suffix (`*.co.uk`) that is any registrant: refused. Under a suffix from the
 * list's private section (`*.azurewebsites.net`, `*.blob.core.windows.net`) it is every
 * customer of that one platform: a documented pattern for some cloud endpoints, so a
 * warning that names the exfiltration risk.
 */
export function publicSuffixWildcard(suffix: string): { icann: boolean; rule: string } | undefined {
  const parsed = parseHostname(suffix, { allowPrivateDomains: true, extractHostname: false, validateHostname: false });
  if (parsed.publicSuffix !== suffix) return undefined;
  return parsed.isIcann
    ? {
        icann: true,
        rule: `'${suffix}' is a public suffix (Public Suffix List, ICANN section): '*.${suffix}' would allow every domain anyone registers under it; list the registered domains instead ('*.contoso.${suffix}')`,
      }
    : {
        icann: false,
        rule: `'${suffix}' is a public suffix (Public Suffix List, private section): '*.${suffix}' allows every customer's name on that platform, including an attacker's (a way out for data); prefer the exact names of your own resources`,
      };
}

function specialUseSuffix(domain: string): string | undefined {
  return SPECIAL_USE.find((s) => domain === s || isBelow(domain, s));
}

/**
 * Look-ups over normalised entries, following docs/semantics.md: `a.b.com`
 * matches that name only; `*.b.com` matches names below `b.com` at any depth, not
 * `b.com`; the most specific entry wins (exact, then the longest wildcard suffix). A
 * look-up walks the name's parent suffixes: a handful of map reads, whatever the size.
 */
export class AllowIndex {
  private readonly exact = new Map<string, AllowEntry>();
  private readonly wildcardsBySuffix = new Map<string, AllowEntry>();

  /** @throws when two entries share a pattern */
  constructor(entries: readonly AllowEntry[]) {
    for (const entry of entries) {
      const index = entry.kind === 'exact' ? this.exact : this.wildcardsBySuffix;
      if (index.has(entry.domain)) throw new Error(`allow-list entry '${entry.pattern}' appears twice: entries must be unique by pattern`);
      index.set(entry.domain, entry);
    }
  }

  /**
   * The entry that allows host `name` (on `port`, when given), or undefined. Case and a
   * trailing dot are ignored. Like Envoy, only entries carrying the port are candidates.
   */
  match(name: string, port?: number): AllowEntry | undefined {
    const host = normaliseQueryName(name);
    const usable = (e: AllowEntry | undefined) => (e && (port === undefined || e.ports.includes(port)) ? e : undefined);
    const exact = usable(this.exact.get(host));
    if (exact) return exact;
    for (const suffix of parentSuffixes(host)) {
      const found = usable(this.wildcardsBySuffix.get(suffix));
      if (found) return found;
    }
    return undefined;
  }
}
