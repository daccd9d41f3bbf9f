import { EgressModel } from '../model';

/**
 * What the config says should happen: the levels (top first) with their planned
 * addresses, and the allow-list with each entry's meaning (docs/semantics.md):
 * `a.b.com` is that name only; `*.b.com` is any name below `b.com`, at any depth, not
 * `b.com` itself.
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
}

export interface Intent {
  readonly levels: readonly IntentLevel[];
  readonly entries: readonly IntentEntry[];
  /** Azure region, for registry data endpoints and service tags. */
  readonly location?: string;
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
    entries: model.allowEntries.map((e) => ({ pattern: e.pattern, kind: e.kind, domain: e.domain, ports: [...e.ports] })),
  };
}

const norm = (n: string) => n.toLowerCase().replace(/\.$/, '');

/** Does `entry` allow `name` (whatever the port)? */
export function entryMatches(entry: IntentEntry, name: string): boolean {
  const n = norm(name);
  return entry.kind === 'exact' ? n === entry.domain : n.endsWith(`.${entry.domain}`);
}

/** Should `name` resolve to the proxy (allowed on some port)? */
export function nameAllowed(intent: Intent, name: string): boolean {
  return intent.entries.some((e) => entryMatches(e, name));
}

/** Should a connection to `name` on `port` be routed? */
export function routeAllowed(intent: Intent, name: string, port: number): boolean {
  return intent.entries.some((e) => e.ports.includes(port) && entryMatches(e, name));
}

/** Every port of the allow-list, ascending. */
export function allowedPorts(intent: Intent): number[] {
  return [...new Set(intent.entries.flatMap((e) => e.ports))].sort((a, b) => a - b);
}

export function levelByName(intent: Intent, name: string | undefined): IntentLevel | undefined {
  return intent.levels.find((l) => l.name === name);
}
