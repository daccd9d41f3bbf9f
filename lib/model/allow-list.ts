import { Construct, IConstruct } from 'constructs';
import { AllowEntry, AllowIndex } from './allow-entries';

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

  constructor(scope: Construct, id: string, props: AllowListProps) {
    super(scope, id);
    this.entries = [...props.entries].sort((a, b) => (a.pattern < b.pattern ? -1 : a.pattern > b.pattern ? 1 : 0));
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
