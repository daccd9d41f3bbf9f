import { chainLabel } from './engines/envoy';
import { Intent, portsBelow, portsForName } from './intent';
import { describeData, dnsmasqSource, KubeObject } from './parse/kube';
import { Source } from './types';
import { World } from './world';

/**
 * What the artifacts accept, enumerated from the artifacts themselves (not from the
 * allow-list): every Envoy server name (and name-less or default chain) that forwards,
 * per Service port; every CoreDNS rewrite; every name dnsmasq answers with a literal.
 * Each is reduced to the set of names it matches, so it can be proven to lie inside the
 * allow-list, and turned into probe names so every other rule asks about it too.
 */

/** The set of names one artifact line matches. */
export type NameSet =
  /** Exactly this name. */
  | { readonly kind: 'exact'; readonly name: string }
  /** Every name strictly below `suffix` (`*.b.com`). */
  | { readonly kind: 'below'; readonly suffix: string }
  /** `suffix` itself and every name below it (dnsmasq `/b.com/`). */
  | { readonly kind: 'apex-and-below'; readonly suffix: string }
  /** Every name ending with the raw string `text` (`*b.com`, CoreDNS `suffix b.com`): look-alikes too. */
  | { readonly kind: 'ends-with'; readonly text: string }
  /** Every name (a catch-all), or a set the verifier cannot bound (prefix, substring, free regex). */
  | { readonly kind: 'any'; readonly why: string };

export type Engine = 'envoy' | 'coredns' | 'dnsmasq';

export interface Accepted {
  readonly level: string;
  readonly engine: Engine;
  readonly names: NameSet;
  /** Envoy: the Service port the connection arrives on. DNS engines have none. */
  readonly port?: number;
  /** What happens to a matching name, for messages: `forwarded by chain 0 to cluster x`. */
  readonly effect: string;
  readonly source: Source;
}

/** Printable form of a name set. */
export function formatNameSet(s: NameSet): string {
  switch (s.kind) {
    case 'exact':
      return s.name;
    case 'below':
      return `*.${s.suffix}`;
    case 'apex-and-below':
      return `${s.suffix} and *.${s.suffix}`;
    case 'ends-with':
      return `*${s.text} (any name ending '${s.text}', look-alikes included)`;
    case 'any':
      return `every name (${s.why})`;
  }
}

const norm = (n: string) => n.toLowerCase().replace(/\.$/, '');

/** Is every name of `set` allowed by the list (on `port`, when given)? */
export function coveredByList(intent: Intent, set: NameSet, port?: number): boolean {
  const onPort = (ports: readonly number[]) => (port === undefined ? ports.length > 0 : ports.includes(port));
  const exactAllowed = (n: string) => onPort(portsForName(intent, n));
  const belowAllowed = (suffix: string) => onPort(portsBelow(intent, suffix));
  switch (set.kind) {
    case 'exact':
      return exactAllowed(set.name);
    case 'below':
      return belowAllowed(set.suffix);
    case 'apex-and-below':
      return exactAllowed(set.suffix) && belowAllowed(set.suffix);
    case 'ends-with':
      return set.text.startsWith('.') && belowAllowed(set.text.slice(1));
    case 'any':
      return false;
  }
}

/** Representative names of a set: members and near misses, for probing every engine. */
export function namesOf(set: NameSet): string[] {
  const around = (base: string) => [base, `le-probe.${base}`, `le-probe.deep.${base}`, `lookalike${base}`];
  switch (set.kind) {
    case 'exact':
      return around(set.name);
    case 'below':
    case 'apex-and-below':
      return around(set.suffix);
    case 'ends-with': {
      const t = set.text.replace(/^\./, '');
      return t.includes('.') ? [...around(t), `le-probe${set.text}`] : [`le-probe${set.text}`];
    }
    case 'any':
      return [];
  }
}

/** Every line of every engine that accepts names, at every level. */
export function acceptedPatterns(world: World): Accepted[] {
  const out: Accepted[] = [];
  for (const lw of world.levels.values()) {
    const level = lw.level.name;
    for (const c of lw.envoy) {
      if (!c.config) continue;
      for (const service of c.services) {
        for (const sp of service.ports.filter((p) => p.protocol === 'TCP')) {
          const targetPort = sp.targetPort ?? sp.port;
          for (const listener of c.config.listeners.filter((l) => l.port === targetPort)) {
            const chains = [...listener.chains, ...(listener.defaultChain ? [listener.defaultChain] : [])];
            for (const chain of chains) {
              if (chain.terminal.kind !== 'tcp_proxy') continue;
              if (chain.destinationPort !== undefined && chain.destinationPort !== targetPort) continue;
              const effect = `forwarded by listener ${listener.name} chain ${chainLabel(chain)} to cluster ${chain.terminal.cluster ?? chain.terminal.weightedClusters.join(', ')}`;
              const where = `key envoy.yaml, listener ${listener.name}, chain ${chainLabel(chain)}`;
              const after = chain.name ?? listener.name;
              const names = chain.index !== -1 && listener.tlsInspector ? chain.serverNames : undefined;
              if (!names) {
                const why =
                  chain.index === -1
                    ? 'default_filter_chain'
                    : chain.serverNames
                      ? 'no tls_inspector: server names are never read'
                      : 'a chain without server_names';
                out.push({
                  level,
                  engine: 'envoy',
                  port: sp.port,
                  effect,
                  names: { kind: 'any', why },
                  source: describeData(c.configMap, 'envoy.yaml', where, { needle: after }),
                });
                continue;
              }
              for (const raw of names) {
                const n = norm(raw);
                const set: NameSet = n.startsWith('*.')
                  ? { kind: 'below', suffix: n.slice(2) }
                  : n.startsWith('.')
                    ? { kind: 'below', suffix: n.slice(1) }
                    : n.includes('*')
                      ? { kind: 'any', why: `server name '${n}'` }
                      : { kind: 'exact', name: n };
                out.push({
                  level,
                  engine: 'envoy',
                  port: sp.port,
                  effect,
                  names: set,
                  source: describeData(c.configMap, 'envoy.yaml', `${where}, server name ${raw}`, { needle: raw, after }),
                });
              }
            }
          }
        }
      }
    }
    if (lw.coredns) {
      const cm = lw.coredns.configMap;
      for (const r of lw.coredns.config.rules) {
        out.push({
          level,
          engine: 'coredns',
          names: corednsNames(r.match, r.from),
          effect: `rewritten to ${r.to}`,
          source: corednsSource(cm, r.key, r.line, r.text),
        });
      }
      for (const s of lw.coredns.config.servers) {
        out.push({
          level,
          engine: 'coredns',
          names: s.zones.includes('.')
            ? { kind: 'any', why: `server block ${s.zones.join(' ')}` }
            : s.zones.length === 1
              ? { kind: 'apex-and-below', suffix: s.zones[0] }
              : { kind: 'any', why: `server block for ${s.zones.join(' ')}` },
          effect: 'answered by a server block the verifier does not model',
          source: corednsSource(cm, s.key, s.line, s.text),
        });
      }
    }
    for (const dm of lw.dnsmasq) {
      if (!dm.config) continue;
      const src = (line: number, text: string) => dnsmasqSource(dm.configMap, line, text);
      for (const h of dm.config.hosts) {
        for (const n of h.names)
          out.push({
            level,
            engine: 'dnsmasq',
            names: { kind: 'exact', name: n },
            effect: `answered ${[...h.ipv4, ...h.ipv6].join(', ')}`,
            source: src(h.line, h.text),
          });
      }
      for (const r of dm.config.records) {
        if (r.action.kind !== 'address4' && r.action.kind !== 'address6') continue;
        const d = r.domain;
        const set: NameSet =
          d.text === '#'
            ? { kind: 'any', why: 'address=/#/ catch-all' }
            : d.wildcard
              ? { kind: 'ends-with', text: d.text }
              : { kind: 'apex-and-below', suffix: d.text };
        out.push({ level, engine: 'dnsmasq', names: set, effect: `answered ${r.action.ip}`, source: src(r.line, r.text) });
      }
      // cname=, addn-hosts=, alias= ...: options that can answer names, which the model does not cover
      for (const u of dm.config.unmodelled)
        out.push({ level, engine: 'dnsmasq', names: { kind: 'any', why: u.why }, effect: `possibly answered by '${u.text}'`, source: src(u.line, u.text) });
    }
  }
  return out;
}

function corednsSource(cm: KubeObject, key: string, line: number, text: string): Source {
  return describeData(cm, key, `key ${key} line ${line}: ${text}`, { valueLine: line, needle: text });
}

/** The names one `rewrite name` rule matches, when the verifier can bound them. */
export function corednsNames(match: string, from: string): NameSet {
  const f = norm(from);
  switch (match) {
    case 'exact':
      return { kind: 'exact', name: f };
    case 'suffix':
      return { kind: 'ends-with', text: f };
    case 'regex':
      return regexNames(from);
    default:
      return { kind: 'any', why: `'${match}' matches names anywhere in the name space` };
  }
}

const LITERAL = /^(?:[a-z0-9-]|\\[.-])+$/;

/**
 * The two regex shapes whose names are provably bounded: `^a\.b\.com\.?$` (one name) and
 * `^(?:[^.]+\.)+b\.com\.?$` (every name below b.com). Anything else is 'any'.
 */
export function regexNames(pattern: string): NameSet {
  const m = /^\^((?:\(\?:\[\^\.\]\+\\\.\)\+)?)(.*?)(?:\\\.)?\$$/i.exec(pattern);
  if (!m || !LITERAL.test(m[2])) return { kind: 'any', why: `regex '${pattern}' has a shape the verifier cannot bound` };
  const literal = m[2].replace(/\\([.-])/g, '$1').toLowerCase();
  if (literal.startsWith('.') || literal.endsWith('.') || literal.includes('..'))
    return { kind: 'any', why: `regex '${pattern}' has a shape the verifier cannot bound` };
  return m[1] ? { kind: 'below', suffix: literal } : { kind: 'exact', name: literal };
}

/**
 * Every name a dnsmasq line mentions, whatever it does with it (`local=`, `address=/d/`
 * without an address, `server=/zone/`): each changes what some name gets, so each is
 * probed, even when it accepts nothing.
 */
export function mentionedNames(world: World): Array<{ names: NameSet; from: string }> {
  const out: Array<{ names: NameSet; from: string }> = [];
  for (const lw of world.levels.values()) {
    for (const dm of lw.dnsmasq) {
      for (const r of dm.config?.records ?? []) {
        if (r.domain.text === '#') continue;
        out.push({
          names: r.domain.wildcard ? { kind: 'ends-with', text: r.domain.text } : { kind: 'apex-and-below', suffix: r.domain.text },
          from: `dnsmasq ${lw.level.name} ${r.text}`,
        });
      }
    }
  }
  return out;
}
