/**
 * The mutation test's oracle: what the artifacts DO, for every relevant name, port and
 * flow, evaluated with the engine models (paths, dnsmasq, NSG) and nothing from the
 * rules or the allow-list. Two trees behave the same when their fingerprints are equal;
 * an edit "matters" when it changes the fingerprint. `check` instead compares the
 * artifacts with the config's intent, so the two can disagree, and the test counts it.
 *
 * The name universe is built here, from the config's entries and from every host-like
 * token of both trees (Envoy server names and endpoints, each CoreDNS and dnsmasq line),
 * independently of lib/verify's probe and accept-set code.
 */
import { parse, parseAllDocuments } from 'yaml';
import { Intent, World } from '../../../lib/verify';
import { answerDnsmasq } from '../../../lib/verify/engines/dnsmasq';
import { listenerLoadErrors } from '../../../lib/verify/engines/envoy';
import { parseRange } from '../../../lib/verify/engines/addresses';
import { evaluateNsg } from '../../../lib/verify/engines/nsg';
import { AZURE_PLATFORM_IP } from '../../../lib/model/azure-facts';
import { nodeDns, nsgStep, podDns, Route, routeFrom } from '../../../lib/verify/path-evaluator';
import { mainEnvoy, nsgsOf, virtualNetworkRanges } from '../../../lib/verify/world';
import { Tree } from './tree';

const HOST = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/;
const isIp = (s: string) => /^\d+(\.\d+){3}$/.test(s);

/** Host-like tokens of one text: `\.` unescaped, leading `*`/`.` dropped. */
function hostTokens(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.replace(/\\\./g, '.').split(/[\s/,"'=:[\]{}()^$+?|#]+/)) {
    const t = raw
      .toLowerCase()
      .replace(/^[*.]+/, '')
      .replace(/\.+$/, '');
    if (HOST.test(t) && !isIp(t) && t.length <= 200) out.push(t);
  }
  return out;
}

/** Plain words of CoreDNS lines (prefix and substring rewrites match on them). */
function words(text: string): string[] {
  return text.split(/\s+/).filter((w) => /^[a-z0-9-]{3,}$/.test(w));
}

/** Tokens of one manifest file, by text (the unmutated files come back with every mutation). */
const tokenCache = new Map<string, { hosts: string[]; words: string[] }>();

function configTexts(tree: Tree): { hosts: string[]; words: string[] } {
  const hosts: string[] = [];
  const ws: string[] = [];
  for (const [file, text] of tree.manifests) {
    if (!/\.ya?ml$/.test(file)) continue;
    let cached = tokenCache.get(text);
    if (!cached) {
      cached = fileTokens(text);
      if (tokenCache.size > 200) tokenCache.clear();
      tokenCache.set(text, cached);
    }
    hosts.push(...cached.hosts);
    ws.push(...cached.words);
  }
  return { hosts, words: ws };
}

function fileTokens(text: string): { hosts: string[]; words: string[] } {
  const hosts: string[] = [];
  const ws: string[] = [];
  {
    for (const doc of parseAllDocuments(text)) {
      const body = doc.toJS() as any;
      if (body?.kind !== 'ConfigMap' || !body.data) continue;
      for (const [key, value] of Object.entries(body.data as Record<string, string>)) {
        if (key === 'envoy.yaml') {
          const walk = (o: any): void => {
            if (Array.isArray(o)) o.forEach(walk);
            else if (o && typeof o === 'object') {
              for (const [k, v] of Object.entries(o)) {
                if (k === 'server_names' && Array.isArray(v)) hosts.push(...v.flatMap((n) => hostTokens(String(n))));
                else if (k === 'address' && typeof v === 'string') hosts.push(...hostTokens(v));
                else walk(v);
              }
            }
          };
          try {
            walk(parse(value));
          } catch {
            hosts.push(...hostTokens(value));
          }
        } else {
          hosts.push(...hostTokens(value));
          ws.push(...words(value));
        }
      }
    }
  }
  return { hosts, words: ws };
}

/** Every name whose treatment the oracle compares. */
export function nameUniverse(intent: Intent, trees: readonly Tree[]): string[] {
  const names = new Set<string>(['unlisted.oracle-probe.org']);
  const around = (d: string) => [d, `o-sub.${d}`, `olook${d}`, d.split('.').slice(1).join('.')];
  for (const e of intent.entries) for (const n of around(e.domain)) names.add(n);
  for (const z of intent.dns?.forwardZones ?? []) for (const n of [z, `o-sub.${z}`]) names.add(n);
  for (const t of trees) {
    const { hosts, words: ws } = configTexts(t);
    for (const h of hosts) for (const n of around(h)) names.add(n);
    for (const w of ws) for (const n of [`${w}x.oracle-probe.org`, `a${w}b.oracle-probe.org`]) names.add(n);
  }
  return [...names].filter((n) => HOST.test(n) && n.split('.').length >= 2).sort();
}

/** Ports worth asking about: the list's, every Service and listener port, and one nobody uses. */
export function portUniverse(intent: Intent, worlds: readonly World[]): number[] {
  const ports = new Set<number>([8443, ...intent.entries.flatMap((e) => e.ports)]);
  for (const w of worlds) {
    for (const lw of w.levels.values()) {
      for (const c of lw.envoy) {
        for (const s of c.services) for (const p of s.ports) if (p.protocol === 'TCP') ports.add(p.port);
        for (const l of c.config?.listeners ?? []) if (l.port) ports.add(l.port);
      }
    }
    for (const nsg of w.network.nsgs)
      for (const r of nsg.rules) for (const p of r.destinationPorts) for (const m of p.match(/\d+/g) ?? []) ports.add(Number(m));
  }
  return [...ports].filter((p) => p >= 1 && p <= 65535 && p !== 53).sort((a, b) => a - b);
}

function routeSummary(r: Route): string {
  return `${r.reachesInternet ? `out ${r.exit?.host}:${r.exit?.port}` : 'stops'} via ${r.hops.map((h) => `${h.level}>${h.next.replace(/ \(.*\)$/, '')}`).join(',')}`;
}

/** What the artifacts do, as lines; equal fingerprints mean equal behaviour on the universe. */
export function fingerprint(world: World, names: readonly string[], ports: readonly number[]): string[] {
  const memo = nameMemo.get(world) ?? new Map<string, string[]>();
  nameMemo.set(world, memo);
  const portsKey = ports.join(',');
  const out = globalLines(world, ports);
  for (const n of names) {
    const key = `${n}|${portsKey}`;
    let lines = memo.get(key);
    if (!lines) {
      lines = nameLines(world, n, ports);
      memo.set(key, lines);
    }
    out.push(...lines);
  }
  return out;
}

/** Per-name lines are the bulk of the work; the unmutated world answers the same names again and again. */
const nameMemo = new WeakMap<World, Map<string, string[]>>();

function dnsmasqWhat(o: ReturnType<typeof answerDnsmasq>): string {
  return o.kind === 'answer'
    ? `answer ${[...o.ips].sort().join(',')}`
    : o.kind === 'forward'
      ? `forward ${o.upstream}`
      : o.kind === 'refused'
        ? 'refused'
        : 'none';
}

/** How every level treats one name: pod DNS and route on each port, node DNS, each dnsmasq's answer. */
function nameLines(world: World, n: string, ports: readonly number[]): string[] {
  const out: string[] = [];
  for (const lw of world.levels.values()) {
    const L = lw.level.name;
    const dns = podDns(world, L, n);
    out.push(
      `${L} pod-dns ${n} ${dns.kind === 'proxy' ? `proxy ${dns.service.object.namespace}/${dns.service.object.name}` : dns.kind === 'rewritten' ? `to ${dns.target}` : dns.kind}`,
    );
    const service = dns.kind === 'proxy' ? dns.service : mainEnvoy(lw)?.services.find((s) => s.type === 'LoadBalancer');
    // (a node's connection is its DNS answer below, the flow to that address, and the route from the Service there)
    if (service) for (const p of ports) out.push(`${L} pod ${n}:${p} ${routeSummary(routeFrom(world, L, service, n, p))}`);
    for (const q of ['A', 'AAAA', 'OTHER'] as const) {
      const d = nodeDns(world, L, n, q);
      out.push(`${L} node-dns ${n} ${q} ${d.kind === 'dnsmasq' ? dnsmasqWhat(d.outcome) : d.kind}`);
    }
    // every dnsmasq of the level, whoever uses it
    for (const d of lw.dnsmasq)
      if (d.config)
        for (const q of ['A', 'AAAA'] as const) out.push(`${L} dnsmasq ${d.configMap.name} ${n} ${q} ${dnsmasqWhat(answerDnsmasq(d.config, n, q))}`);
  }
  return out;
}

/** What does not depend on a name: loadability, Services, no-SNI routes, network flows. */
function globalLines(world: World, ports: readonly number[]): string[] {
  const out: string[] = [];
  const levels = [...world.levels.values()];
  for (const lw of levels) {
    const L = lw.level.name;
    // What would not even load, or what the models cannot evaluate, is behaviour too.
    for (const c of lw.envoy) {
      if (!c.config) out.push(`${L} envoy unparsable`);
      for (const l of c.config?.listeners ?? []) {
        if (listenerLoadErrors(l).length > 0) out.push(`${L} envoy rejects ${l.name}`);
        if (l.defaultChain) out.push(`${L} envoy default chain ${l.name}`);
        for (const ch of l.chains) if (ch.unmodelledCriteria.length > 0) out.push(`${L} envoy unmodelled chain ${l.name}`);
      }
      for (const p of c.config?.problems ?? []) out.push(`${L} envoy ${p}`);
    }
    if (lw.coredns) {
      for (const u of lw.coredns.config.unmodelled) out.push(`${L} coredns answers by ${u.text}`);
      for (const s of lw.coredns.config.servers) out.push(`${L} coredns server block ${s.zones.join(' ')}`);
      for (const p of lw.coredns.config.problems) out.push(`${L} coredns broken ${p.message}`);
    }
    for (const d of lw.dnsmasq) {
      for (const u of d.config?.unmodelled ?? []) out.push(`${L} dnsmasq answers by ${u.text}`);
      if (!d.config) out.push(`${L} dnsmasq unparsable`);
    }
    for (const svc of mainEnvoy(lw)?.services ?? [])
      for (const p of svc.ports)
        if (p.protocol === 'TCP') out.push(`${L} no-sni ${svc.object.name}:${p.port} ${routeSummary(routeFrom(world, L, svc, undefined, p.port))}`);
    // where each load balancer answers, and what the Internet may send to the level
    for (const c of [...lw.envoy, ...lw.dnsmasq])
      for (const s of c.services)
        out.push(
          `${L} service ${s.object.name} ${s.type} ${s.loadBalancerIp ?? '-'} internal=${s.internal} ${s.ports.map((p) => `${p.protocol}/${p.port}>${p.targetPort}`).join(',')}`,
        );
    const vnet = virtualNetworkRanges(world, lw.vnet);
    for (const nsg of nsgsOf(world, lw.nodeSubnet)) {
      for (const ip of [lw.level.envoyIp, lw.level.dnsIp]) {
        for (const p of [...ports, 53, 80, 22]) {
          for (const protocol of ['Tcp', 'Udp'] as const) {
            const d = evaluateNsg(nsg, {
              direction: 'Inbound',
              protocol,
              port: p,
              source: { kind: 'internet', tags: [] },
              destination: { kind: 'range', range: parseRange(ip)! },
              virtualNetwork: vnet,
            });
            out.push(`${L} inbound internet ${ip} ${protocol} ${p} ${d.access}`);
          }
        }
      }
    }
    // The routing layer: each cluster's outbound type, the node subnet's route tables and routes (names aside).
    for (const c of world.network.clusters.filter((x) => x.stack === L)) out.push(`${L} cluster ${c.name} outbound ${c.outboundType ?? 'unset'}`);
    const tables = world.routeTables.filter((t) => lw.nodeSubnet !== undefined && t.subnets.includes(lw.nodeSubnet.key));
    out.push(`${L} route tables ${tables.length}`);
    for (const t of tables) out.push(`${L} route table bgp ${t.bgpRoutePropagation}`);
    out.push(...tables.flatMap((t) => t.routes.map((r) => `${L} route ${r.prefix} ${r.nextHopType} ${r.nextHopIp ?? '-'}`)).sort());
    // Azure's platform DNS, which NSG rules reach only through its tag.
    for (const protocol of ['Tcp', 'Udp'] as const) {
      const decisions = nsgsOf(world, lw.nodeSubnet).map((nsg) =>
        evaluateNsg(nsg, {
          direction: 'Outbound',
          protocol,
          port: 53,
          source: { kind: 'range', range: parseRange(lw.nodeSubnet?.prefixes[0] ?? lw.level.addressSpace)! },
          destination: { kind: 'range', range: parseRange(AZURE_PLATFORM_IP)! },
          virtualNetwork: vnet,
        }),
      );
      out.push(`${L} flow platform-dns ${protocol} 53 ${decisions.every((d) => d.access === 'Allow')}`);
    }
    // Network flows: to every other level's proxy and DNS, and to the internet.
    for (const other of levels) {
      if (other === lw) continue;
      for (const p of ports)
        out.push(`${L} flow ${other.level.name} envoy ${p} ${nsgStep(world, L, { level: other.level.name, ip: other.level.envoyIp }, p, 'Tcp').ok}`);
      for (const proto of ['Tcp', 'Udp'] as const)
        out.push(`${L} flow ${other.level.name} dns ${proto} ${nsgStep(world, L, { level: other.level.name, ip: other.level.dnsIp }, 53, proto).ok}`);
    }
    for (const p of [...ports, 53, 80, 22])
      for (const proto of ['Tcp', 'Udp'] as const) out.push(`${L} flow internet ${proto} ${p} ${nsgStep(world, L, { internet: [] }, p, proto).ok}`);
  }
  // Azure refuses an NSG with a priority out of range or used twice in one direction.
  for (const nsg of world.network.nsgs) {
    const seen = new Set<string>();
    for (const r of nsg.rules) {
      const key = `${r.direction}/${r.priority}`;
      if (seen.has(key) || !(r.priority >= 100 && r.priority <= 4096)) out.push(`nsg ${nsg.key} rejected`);
      seen.add(key);
    }
  }
  return out;
}
