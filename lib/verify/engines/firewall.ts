import { NameSet } from '../accepts';
import { FirewallCollectionFact, FirewallFact, FirewallRuleFact } from '../parse/firewall';
import { contains, ipInCidr, parseRange, Range } from './addresses';

/**
 * Azure Firewall's processing of one TCP flow, as Azure documents it ("Azure Firewall
 * rule processing logic"): network rule collections first (every group and collection by
 * priority, a match is final, Allow or Deny), then application rule collections the same
 * way (protocol `Https:<port>` reads the SNI), then the built-in infrastructure FQDN
 * collection (implicit allows for Azure platform names, unless an explicit deny-all
 * application rule came first), then deny. Application FQDNs match as documented:
 * `*` every name, `*.b.com` every name below `b.com` at any depth (not `b.com`), `*b.com`
 * every name ending in `b.com` (look-alikes included), otherwise the exact name.
 */

/** A connection as the firewall sees it. */
export interface FirewallFlow {
  readonly sourceIp: string;
  /** The SNI / FQDN the client asks for (network FQDN rules compare the DNS proxy's answer for it). */
  readonly name?: string;
  /** A literal destination address, for flows to a private IP (hub hops). */
  readonly destinationIp?: string;
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP';
}

export interface FirewallDecision {
  readonly action: 'Allow' | 'Deny';
  /** Which stage decided. */
  readonly stage: 'network' | 'application' | 'infrastructure-or-default';
  readonly collection?: FirewallCollectionFact;
  readonly rule?: FirewallRuleFact;
}

/** Does an application-rule FQDN match `name`? */
export function fqdnMatches(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase();
  const n = name.toLowerCase().replace(/\.$/, '');
  if (p === '*') return true;
  if (p.startsWith('*.')) return n.endsWith(p.slice(1));
  if (p.startsWith('*')) return n.endsWith(p.slice(1));
  return n === p;
}

/** The names an FQDN pattern matches, for the enumeration proof. */
export function fqdnNameSet(pattern: string): NameSet {
  const p = pattern.toLowerCase();
  if (p === '*') return { kind: 'any', why: "destination FQDN '*'" };
  if (p.startsWith('*.')) return { kind: 'below', suffix: p.slice(2) };
  if (p.startsWith('*')) return { kind: 'ends-with', text: p.slice(1) };
  return { kind: 'exact', name: p };
}

/**
 * A rule's sources and application protocols, parsed once: `check` asks every rule about
 * thousands of flows, and reparsing them per flow was most of its time on long lists.
 */
interface ParsedRule {
  /** Source ranges; undefined for `*` (any source). */
  readonly sources?: readonly Range[];
  /** Ports of the application protocols `Http:<port>` and `Https:<port>`. */
  readonly appPorts: ReadonlySet<number>;
}

const parsedRules = new WeakMap<FirewallRuleFact, ParsedRule>();

function parsed(rule: FirewallRuleFact): ParsedRule {
  let p = parsedRules.get(rule);
  if (!p) {
    const ranges = rule.sources.map((s) => (s === '*' ? undefined : parseRange(s)));
    p = {
      // An unparsable source matches nothing, as before; '*' matches everything.
      sources: rule.sources.includes('*') ? undefined : ranges.filter((r): r is Range => r !== undefined),
      appPorts: new Set(rule.protocols.filter((x) => /^https?:/i.test(x)).map((x) => Number(x.split(':')[1]))),
    };
    parsedRules.set(rule, p);
  }
  return p;
}

function sourceMatches(rule: FirewallRuleFact, ip: string): boolean {
  const sources = parsed(rule).sources;
  if (sources === undefined) return true;
  const at = parseRange(ip);
  return at !== undefined && sources.some((r) => contains(r, at));
}

function portMatches(ports: readonly string[], port: number): boolean {
  return ports.some((p) => {
    if (p === '*') return true;
    const m = /^(\d+)(?:-(\d+))?$/.exec(p);
    return m !== null && port >= Number(m[1]) && port <= Number(m[2] ?? m[1]);
  });
}

/** An address that covers every destination (a flow by name may go anywhere). */
export function addressIsBroad(address: string): boolean {
  if (address === '*' || /^(internet|azurecloud)/i.test(address)) return true;
  const range = parseRange(address);
  return range !== undefined && range.hi - range.lo >= 2 ** 24 - 1;
}

function networkMatches(rule: FirewallRuleFact, flow: FirewallFlow): boolean {
  const protocol = flow.protocol ?? 'TCP';
  if (!rule.protocols.some((p) => /^any$/i.test(p) || p.toUpperCase() === protocol)) return false;
  if (!sourceMatches(rule, flow.sourceIp) || !portMatches(rule.ports, flow.port)) return false;
  if (flow.name !== undefined && rule.fqdns.some((f) => f === flow.name!.toLowerCase())) return true;
  return rule.addresses.some((a) => addressIsBroad(a) || (flow.destinationIp !== undefined && ipInCidr(flow.destinationIp, a)));
}

function applicationMatches(rule: FirewallRuleFact, flow: FirewallFlow): boolean {
  if ((flow.protocol ?? 'TCP') !== 'TCP' || flow.name === undefined) return false;
  if (!parsed(rule).appPorts.has(flow.port)) return false;
  if (!sourceMatches(rule, flow.sourceIp)) return false;
  // An FQDN tag stands for a Microsoft-maintained set of names the verifier cannot bound.
  return rule.fqdnTags.length > 0 || rule.fqdns.some((f) => fqdnMatches(f, flow.name!));
}

/** What the firewall does with `flow`. */
export function evaluateFirewall(firewall: FirewallFact, flow: FirewallFlow): FirewallDecision {
  for (const kind of ['network', 'application'] as const) {
    for (const collection of firewall.collections.filter((c) => c.kind === kind)) {
      const rule = collection.rules.find((r) => (kind === 'network' ? networkMatches(r, flow) : applicationMatches(r, flow)));
      if (rule) return { action: collection.action, stage: kind, collection, rule };
    }
  }
  return { action: 'Deny', stage: 'infrastructure-or-default' };
}

/**
 * The explicit deny-all that closes the infrastructure FQDN collection: an application
 * rule collection with action Deny whose rule denies `*` on HTTP and HTTPS from any
 * source, after which no application rule collection follows.
 */
export function finalDeny(firewall: FirewallFact): FirewallCollectionFact | undefined {
  const apps = firewall.collections.filter((c) => c.kind === 'application');
  const last = apps[apps.length - 1];
  const closes = (r: FirewallRuleFact) =>
    r.fqdns.includes('*') && r.sources.includes('*') && ['Http:80', 'Https:443'].every((p) => r.protocols.some((q) => q.toLowerCase() === p.toLowerCase()));
  return last && last.action === 'Deny' && last.rules.some(closes) ? last : undefined;
}

/** `group / collection / rule`, for messages. */
export function describeRule(decision: FirewallDecision): string {
  if (!decision.collection || !decision.rule) return 'no rule (default deny)';
  return `${decision.collection.kind} rule '${decision.rule.name}' in collection '${decision.collection.name}' (group '${decision.collection.group}', ${decision.collection.action})`;
}
