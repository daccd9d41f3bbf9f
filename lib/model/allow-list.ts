import { Construct, IConstruct } from 'constructs';
import { AllowEntry, coveringWildcard } from './allow-entries';
import { normaliseQueryName } from './domain';

/** Props of {@link AllowList}. */
export interface AllowListProps {
  /** The normalised entries from `loadConfig` (unique by pattern). */
  readonly entries: readonly AllowEntry[];
}

const INSTANCES = new WeakMap<IConstruct, AllowList>();

/**
 * The one allow-list of a construct tree, shared by the cdktf and cdk8s apps (it only
 * depends on `constructs`). Every construct that needs the list calls
 * `AllowList.of(this)`; nothing else holds a copy.
 *
 * Queries follow shared/reference/semantics.md: `a.b.com` matches that name only;
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
  private readonly exact = new Map<string, AllowEntry>();
  private readonly wildcardsBySuffix = new Map<string, AllowEntry>();

  constructor(scope: Construct, id: string, props: AllowListProps) {
    super(scope, id);
    this.entries = [...props.entries].sort((a, b) => (a.pattern < b.pattern ? -1 : a.pattern > b.pattern ? 1 : 0));
    for (const entry of this.entries) {
      const index = entry.kind === 'exact' ? this.exact : this.wildcardsBySuffix;
      if (index.has(entry.domain)) throw new Error(`AllowList entry '${entry.pattern}' appears twice: entries must be unique by pattern`);
      index.set(entry.domain, entry);
    }
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
    const host = normaliseQueryName(name);
    const usable = (e: AllowEntry | undefined) => (e && (port === undefined || e.ports.includes(port)) ? e : undefined);
    const exact = usable(this.exact.get(host));
    if (exact) return exact;
    if (port === undefined) return coveringWildcard(host, this.wildcardsBySuffix);
    for (let dot = host.indexOf('.'); dot !== -1; dot = host.indexOf('.', dot + 1)) {
      const found = usable(this.wildcardsBySuffix.get(host.slice(dot + 1)));
      if (found) return found;
    }
    return undefined;
  }
}
