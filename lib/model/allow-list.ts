import { byText } from './compare';
import { Construct, IConstruct } from 'constructs';
import { AllowEntry, AllowIndex, buildAllowEntries } from './allow-entries';
import { allowEntrySchema, RawAllowEntry } from './config';
import { REGION_PLACEHOLDER } from './domain';
import { formatIssue, IssueCollector } from './issues';

/** An entry written like one of the config file's `allowList`, with a resolved domain (no `{region}`). */
export interface AllowListEntryInput {
  /** `a.b.com` or `*.b.com`, checked by every rule of the config file. */
  readonly domain: string;
  /** TCP ports. @default [443] */
  readonly ports?: readonly number[];
  /** Why the entry is there. @default none */
  readonly purpose?: string;
}

/** Props of {@link AllowList}. */
export interface AllowListProps {
  /**
   * The entries: the normalised ones from `loadConfig` (kept as they are, with their
   * sources), or raw ones written like the config file's (normalised here). Either way
   * every entry passes exactly the config file's rules, or the constructor throws.
   */
  readonly entries: ReadonlyArray<AllowEntry | AllowListEntryInput>;
}

/** Thrown by the {@link AllowList} constructor for entries the config file would refuse; names each entry, value and rule. */
export class AllowListError extends Error {
  /**
   * @param problems one line per problem: the entry's path, its value and the rule it breaks
   */
  constructor(
    /** One line per problem: the entry's path, its value and the rule it breaks. */
    readonly problems: readonly string[],
  ) {
    super(`${problems.length} invalid allow-list entr${problems.length === 1 ? 'y' : 'ies'}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'AllowListError';
  }
}

const isNormalised = (e: AllowEntry | AllowListEntryInput): e is AllowEntry =>
  typeof (e as AllowEntry).pattern === 'string' && typeof (e as AllowEntry).kind === 'string' && Array.isArray((e as AllowEntry).sources);

/**
 * Checks entries handed to the construct exactly as the config loader checks the file's
 * (schema, domain rules, ports, public suffixes); the construct is a public API and a
 * string that reaches dnsmasq.conf or a Corefile must never skip validation.
 */
function validatedEntries(id: string, entries: ReadonlyArray<AllowEntry | AllowListEntryInput>): AllowEntry[] {
  const errors = new IssueCollector(`AllowList '${id}'`);
  const raw = entries.map((entry, i): RawAllowEntry | undefined => {
    const path = ['entries', i];
    if (entry === null || typeof entry !== 'object') {
      errors.add(path, 'must be an allow-list entry ({ domain, ports?, purpose? })', entry);
      return undefined;
    }
    if (!isNormalised(entry)) {
      const parsed = allowEntrySchema(entry, path, errors);
      if (parsed && parsed.domain.includes(REGION_PLACEHOLDER)) {
        errors.add([...path, 'domain'], `${REGION_PLACEHOLDER} is filled from the config file's location: pass the resolved name`, parsed.domain);
        return undefined;
      }
      return parsed;
    }
    const candidate = { domain: entry.pattern, ports: [...entry.ports] };
    for (const purpose of entry.purposes) allowEntrySchema({ domain: 'purpose.check', purpose }, path, errors);
    return allowEntrySchema(candidate, path, errors);
  });
  const built = buildAllowEntries(raw, '', errors, new IssueCollector(''), 'entries');
  if (errors.empty && entries.every(isNormalised)) {
    // Already normalised (from loadConfig): keep them, sources and purposes included, if normalising changes nothing.
    const byPattern = new Map(built.map((e) => [e.pattern, e]));
    (entries as readonly AllowEntry[]).forEach((entry, i) => {
      const same = byPattern.get(entry.pattern);
      if (!same || same.kind !== entry.kind || same.domain !== entry.domain || same.ports.join(',') !== [...entry.ports].join(',')) {
        errors.add(
          ['entries', i],
          `is not in normal form (pattern '${entry.pattern}', kind '${entry.kind}', domain '${entry.domain}'): pass raw entries ({ domain, ports }) or loadConfig's allowEntries`,
        );
      }
    });
    if (errors.empty) return [...entries] as AllowEntry[];
  }
  if (!errors.empty) throw new AllowListError(errors.issues.map(formatIssue));
  return built;
}

const INSTANCES = new WeakMap<IConstruct, AllowList>();

/**
 * The one allow-list of a construct tree, shared by the cdktf and cdk8s apps (it only
 * depends on `constructs`). Every construct that needs the list calls
 * `AllowList.of(this)`; nothing else holds a copy.
 *
 * Queries follow docs/semantics.md: `a.b.com` matches that name only;
 * `*.b.com` matches names below `b.com` at any depth but not `b.com`; the most specific
 * entry wins (exact, then the longest wildcard suffix), whatever the order.
 */
export class AllowList extends Construct {
  /**
   * The single AllowList in `scope`'s tree.
   * @throws when the tree has none, or more than one
   */
  public static of(scope: IConstruct): AllowList {
    const root = scope.node.root;
    const cached = INSTANCES.get(root);
    if (cached) return cached;
    const found = root.node.findAll().filter((c): c is AllowList => c instanceof AllowList);
    if (found.length !== 1) {
      throw new Error(
        found.length === 0
          ? `No AllowList in the construct tree of '${scope.node.path || '<root>'}': create one with new AllowList(app, 'AllowList', { entries })`
          : `The construct tree holds ${found.length} AllowLists (${found.map((f) => f.node.path).join(', ')}): there must be exactly one`,
      );
    }
    INSTANCES.set(root, found[0]);
    return found[0];
  }

  /** Every entry, sorted by pattern. */
  public readonly entries: readonly AllowEntry[];
  private readonly index: AllowIndex;

  /** @throws AllowListError naming each entry, value and rule the config file would refuse */
  constructor(scope: Construct, id: string, props: AllowListProps) {
    super(scope, id);
    this.entries = validatedEntries(id, props.entries).sort((a, b) => byText(a.pattern, b.pattern));
    this.index = new AllowIndex(this.entries);
  }

  /** Every port any entry uses, ascending. */
  public get ports(): number[] {
    return [...new Set(this.entries.flatMap((e) => e.ports))].sort((a, b) => a - b);
  }

  /** Entries that allow `port`, sorted by pattern. */
  public entriesForPort(port: number): AllowEntry[] {
    return this.entries.filter((e) => e.ports.includes(port));
  }

  /** Exact entries, sorted by pattern. */
  public get exactEntries(): AllowEntry[] {
    return this.entries.filter((e) => e.kind === 'exact');
  }

  /** Exact names, sorted. */
  public get exactNames(): string[] {
    return this.exactEntries.map((e) => e.domain);
  }

  /** Wildcard entries (`*.b.com`), sorted by pattern. */
  public get wildcards(): AllowEntry[] {
    return this.entries.filter((e) => e.kind === 'wildcard');
  }

  /**
   * The entry that allows `name` (on `port`, when given), or undefined. `name` is a
   * host name being looked up (case and a trailing dot are ignored), not a pattern.
   * Like Envoy, only entries carrying the port are candidates, and among those the
   * most specific wins.
   */
  public matches(name: string, port?: number): AllowEntry | undefined {
    return this.index.match(name, port);
  }
}
