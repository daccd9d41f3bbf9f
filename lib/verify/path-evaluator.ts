import { AZURE_DNS_IP } from '../model/azure-facts';
import { parseRange } from './engines/addresses';
import { resolveCoredns, serviceOfName } from './engines/coredns';
import { answerDnsmasq, DnsmasqOutcome, QueryType } from './engines/dnsmasq';
import { chainLabel, chainTarget, listenerLoadErrors, selectChain } from './engines/envoy';
import { Endpoint, evaluateNsg } from './engines/nsg';
import { RewriteRule } from './parse/coredns';
import { describe, describeData, dnsmasqSource } from './parse/kube';
import { Layer, Source } from './types';
import { Component, HubWorld, LevelWorld, nsgsOf, peeredBothWays, ServiceInfo, virtualNetworkRanges, World } from './world';
import { EnvoyConfig } from './parse/envoy';
import { DnsmasqConfig } from './parse/dnsmasq';
import { describeRule, evaluateFirewall } from './engines/firewall';
import { FirewallFact, firstUsable } from './parse/firewall';

/**
 * The path evaluator: for a name and a port, what each engine on the way does, hop by
 * hop, from a pod or a node at a level up to the internet, or where and why it stops.
 */

/** Why a path stops. */
export interface Stop {
  readonly level: string;
  readonly layer: Layer;
  readonly message: string;
  readonly source?: Source;
}

export interface EnvoyHop {
  readonly level: string;
  readonly service: string;
  readonly servicePort: number;
  readonly listener: string;
  readonly chain: string;
  readonly cluster: string;
  readonly next: string;
  readonly source: Source;
}

/** What one NSG or the hub firewall decided for a hop. */
export interface HopDecision {
  readonly by: 'nsg' | 'firewall';
  readonly text: string;
}

export interface NsgStep {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: 'Tcp' | 'Udp';
  readonly ok: boolean;
  /** One line per NSG (and, between spokes of a hub, per firewall) evaluated, naming the deciding rule. */
  readonly decisions: readonly HopDecision[];
  readonly stop?: Stop;
}

/** The Azure Firewall a level's nodes route 0.0.0.0/0 to, and what it did with the connection. */
export interface FirewallStep {
  readonly level: string;
  readonly ok: boolean;
  /** `allowed by application rule 'x' in collection 'y' (group 'z', Allow)`, or why it denied. */
  readonly decision: string;
  readonly source?: Source;
}

export interface Route {
  /** True when the connection reaches the internet host it asked for, on its port. */
  readonly reachesInternet: boolean;
  readonly hops: readonly EnvoyHop[];
  readonly nsg: readonly NsgStep[];
  /** The firewall in front of the exit, when the exit level's node subnet routes to one. */
  readonly firewall?: FirewallStep;
  readonly exit?: { readonly host: string; readonly port: number; readonly level: string };
  readonly stop?: Stop;
}

const lvl = (world: World, name: string | undefined): LevelWorld | undefined => (name ? world.levels.get(name) : undefined);

// ---------------------------------------------------------------- DNS

export type PodDns =
  | { readonly kind: 'proxy'; readonly service: ServiceInfo; readonly rules: readonly RewriteRule[]; readonly source: Source }
  | { readonly kind: 'rewritten'; readonly target: string; readonly rules: readonly RewriteRule[]; readonly source: Source; readonly why: string }
  | { readonly kind: 'not-rewritten' }
  | { readonly kind: 'no-config' };

/** What CoreDNS at `level` does with `name`: rewrite to the level's Envoy Service, rewrite elsewhere, or leave it. */
export function podDns(world: World, level: string, name: string): PodDns {
  const lw = lvl(world, level);
  if (!lw?.coredns) return { kind: 'no-config' };
  const out = resolveCoredns(lw.coredns.config, name);
  if (out.applied.length === 0) return { kind: 'not-rewritten' };
  const last = out.applied[out.applied.length - 1];
  const source = describeData(lw.coredns.configMap, last.key, `key ${last.key} line ${last.line}: ${last.text}`, { valueLine: last.line, needle: last.text });
  const svc = serviceOfName(out.name);
  if (!svc) return { kind: 'rewritten', target: out.name, rules: out.applied, source, why: `rewritten to '${out.name}', which is not a cluster Service name` };
  const envoyServices = lw.envoy.flatMap((c) => c.services);
  const service = envoyServices.find((s) => s.object.name === svc.service && s.object.namespace === svc.namespace);
  if (!service) {
    return { kind: 'rewritten', target: out.name, rules: out.applied, source, why: `rewritten to '${out.name}', which is not a Service of this level's Envoy` };
  }
  return { kind: 'proxy', service, rules: out.applied, source };
}

export type NodeDns =
  | { readonly kind: 'azure-dns' }
  | { readonly kind: 'dnsmasq'; readonly level: string; readonly outcome: DnsmasqOutcome; readonly source: Source }
  | { readonly kind: 'custom'; readonly servers: readonly string[]; readonly source: Source }
  | { readonly kind: 'no-config'; readonly why: string };

/**
 * What a node at `level` gets for `name`: its VNET's DNS servers decide who answers; the
 * parent's dnsmasq is modelled when the VNET points at the parent's DNS IP.
 */
export function nodeDns(world: World, level: string, name: string, qtype: QueryType): NodeDns {
  const lw = lvl(world, level);
  if (!lw?.vnet) return { kind: 'no-config', why: `no azurerm_virtual_network for level ${level}` };
  const servers = lw.vnet.dnsServers ?? [];
  if (servers.length === 0 || (servers.length === 1 && servers[0] === AZURE_DNS_IP)) return { kind: 'azure-dns' };
  // A firewall's DNS proxy forwards to Azure DNS (no custom servers in its policy).
  if (servers.length === 1 && world.firewalls.some((f) => f.dnsProxy && f.privateIp === servers[0])) return { kind: 'azure-dns' };
  const owner = [...world.levels.values()].find((o) => servers.includes(o.level.dnsIp));
  if (!owner || servers.length !== 1) return { kind: 'custom', servers, source: lw.vnet.source };
  const dm = owner.dnsmasq.find((c) =>
    c.services.some((s) => s.type === 'LoadBalancer' && s.loadBalancerIp === servers[0] && s.ports.some((p) => p.port === 53)),
  );
  if (!dm) return { kind: 'no-config', why: `no dnsmasq LoadBalancer Service of level ${owner.level.name} answers at ${servers[0]}:53` };
  if (!dm.config) return { kind: 'no-config', why: `the dnsmasq.conf of level ${owner.level.name} does not parse` };
  const outcome = answerDnsmasq(dm.config, name, qtype);
  const line = 'line' in outcome && outcome.line ? outcome.line : undefined;
  return { kind: 'dnsmasq', level: owner.level.name, outcome, source: dnsmasqSource(dm.configMap, line, lineText(dm.config, line)) };
}

// ---------------------------------------------------------------- NSG

/** Internet destination with the service tags known to cover it. */
export function internetEndpoint(tags: readonly string[] = []): Endpoint {
  return { kind: 'internet', tags };
}

function sourceRange(lw: LevelWorld) {
  const p = lw.nodeSubnet?.prefixes[0] ?? lw.level.addressSpace;
  return parseRange(p)!;
}

/**
 * Whether the NSGs let a flow from `from`'s node subnet to `to` (a level's IP, or the
 * internet) through: outbound on the source subnet's NSGs, inbound on the destination
 * level's node subnet NSGs (Azure load balancer backends), and VNET peering for
 * cross-level flows.
 */
export function nsgStep(
  world: World,
  from: string,
  to: { level: string; ip: string } | { internet: readonly string[] },
  port: number,
  protocol: 'Tcp' | 'Udp',
): NsgStep {
  // Rules ask the same hop for many names: decide it once per world.
  const memo = nsgMemo.get(world) ?? new Map<string, NsgStep>();
  nsgMemo.set(world, memo);
  const key = `${from}|${'internet' in to ? `internet:${to.internet.join(',')}` : `${to.level}:${to.ip}`}|${port}|${protocol}`;
  let step = memo.get(key);
  if (!step) {
    step = decideNsgStep(world, from, to, port, protocol);
    memo.set(key, step);
  }
  return step;
}

const nsgMemo = new WeakMap<World, Map<string, NsgStep>>();

function decideNsgStep(
  world: World,
  from: string,
  to: { level: string; ip: string } | { internet: readonly string[] },
  port: number,
  protocol: 'Tcp' | 'Udp',
): NsgStep {
  const src = lvl(world, from)!;
  const toLabel = 'internet' in to ? 'internet' : `${to.level} ${to.ip}`;
  const decisions: HopDecision[] = [];
  const fail = (layer: Layer, message: string, source?: Source, level = from): NsgStep => ({
    from,
    to: toLabel,
    port,
    protocol,
    ok: false,
    decisions,
    stop: { level, layer, message, source },
  });
  const source: Endpoint = { kind: 'range', range: sourceRange(src) };
  const destination: Endpoint = 'internet' in to ? internetEndpoint(to.internet) : { kind: 'range', range: parseRange(to.ip)! };
  let transit: 'direct' | 'hub' | undefined;
  if (!('internet' in to)) {
    const dst = lvl(world, to.level);
    if (!src.vnet || !dst?.vnet) return fail('peering', `no VNET for ${!src.vnet ? from : to.level}`);
    // With a hub, spokes peered with each other (a defect peering-adjacent reports) bypass the firewall.
    transit = peeredBothWays(world, src.vnet, dst.vnet) ? 'direct' : world.hub ? 'hub' : undefined;
    if (!transit) return fail('peering', `VNETs of ${from} and ${to.level} are not peered in both directions with virtual network access`, src.vnet.source);
  }
  for (const nsg of nsgsOf(world, src.nodeSubnet)) {
    const d = evaluateNsg(nsg, { direction: 'Outbound', protocol, source, destination, port, virtualNetwork: virtualNetworkRanges(world, src.vnet) });
    decisions.push({
      by: 'nsg',
      text: `${from} outbound ${nsg.name ?? nsg.key}: ${d.access} by ${d.rule.name} (${d.rule.priority})${d.partial ? ', partly' : ''}`,
    });
    if (d.access !== 'Allow')
      return fail(
        'nsg',
        `NSG ${nsg.name ?? nsg.key} (outbound, ${from}) denies ${protocol} ${port} to ${toLabel}: rule ${d.rule.name} priority ${d.rule.priority}${d.partial ? ' covers only part of the source' : ''}`,
        d.rule.source ?? nsg.source,
      );
  }
  if (!('internet' in to)) {
    const dst = lvl(world, to.level)!;
    if (transit === 'hub') {
      const hop = hubTransit(world, world.hub!, from, to, port, protocol);
      decisions.push(...hop.decisions);
      if (hop.stop) return fail(hop.stop.layer, hop.stop.message, hop.stop.source, hop.stop.level);
    }
    for (const nsg of nsgsOf(world, dst.nodeSubnet)) {
      const vnet = virtualNetworkRanges(world, dst.vnet);
      const front = evaluateNsg(nsg, { direction: 'Inbound', protocol, source, destination, port, virtualNetwork: vnet });
      const back = dst.nodeSubnet?.prefixes[0]
        ? evaluateNsg(nsg, {
            direction: 'Inbound',
            protocol,
            source,
            destination: { kind: 'range', range: parseRange(dst.nodeSubnet.prefixes[0])! },
            port,
            virtualNetwork: vnet,
          })
        : front;
      const d = front.access === 'Allow' ? front : back;
      decisions.push({ by: 'nsg', text: `${to.level} inbound ${nsg.name ?? nsg.key}: ${d.access} by ${d.rule.name} (${d.rule.priority})` });
      if (d.access !== 'Allow')
        return fail(
          'nsg',
          `NSG ${nsg.name ?? nsg.key} (inbound, ${to.level}) denies ${protocol} ${port} from ${from}: rule ${d.rule.name} priority ${d.rule.priority}`,
          d.rule.source ?? nsg.source,
          to.level,
        );
    }
  }
  if (decisions.length === 0) decisions.push({ by: 'nsg', text: `${from}: no NSG on the node subnet (everything allowed)` });
  return { from, to: toLabel, port, protocol, ok: true, decisions };
}

/**
 * A flow between two spokes of the hub (placement `hub`): both VNETs peered with the hub,
 * both node subnets routing 0.0.0.0/0 to its firewall (the way there and the way back),
 * and the firewall's rules allowing the flow by destination address (its network rules
 * see the private IP, not a name).
 */
function hubTransit(
  world: World,
  hub: HubWorld,
  from: string,
  to: { level: string; ip: string },
  port: number,
  protocol: 'Tcp' | 'Udp',
): { decisions: HopDecision[]; stop?: Stop } {
  const decisions: HopDecision[] = [];
  const stop = (layer: Layer, message: string, source?: Source, level = from) => ({ decisions, stop: { level, layer, message, source } });
  const firewall = hub.firewall;
  if (!hub.vnet || !firewall?.privateIp) return stop('firewall', `the config places the firewall in a hub, but the stacks hold no hub VNET with a firewall`);
  for (const level of [from, to.level]) {
    const vnet = lvl(world, level)!.vnet!;
    if (!peeredBothWays(world, vnet, hub.vnet))
      return stop('peering', `VNETs of ${level} and the hub are not peered in both directions with virtual network access`, vnet.source, level);
  }
  for (const level of [from, to.level]) {
    if (firewallInFront(world, level) !== firewall) {
      const subnet = lvl(world, level)!.nodeSubnet;
      return stop(
        'route',
        `${level}'s node subnet does not route 0.0.0.0/0 to the hub firewall (${firewall.privateIp}): the spokes are not peered with each other, so ${level === from ? to.level : from} is unreachable ${level === from ? 'from' : 'back from'} there`,
        subnet?.source,
        level,
      );
    }
  }
  const sourceIp = firstUsable(lvl(world, from)!.nodeSubnet?.prefixes[0]) ?? '';
  const decision = evaluateFirewall(firewall, { sourceIp, destinationIp: to.ip, port, protocol: protocol === 'Udp' ? 'UDP' : 'TCP' });
  decisions.push({ by: 'firewall', text: `hub firewall ${firewall.name ?? firewall.stack}: ${decision.action} (${describeRule(decision)})` });
  if (decision.action !== 'Allow')
    return stop(
      'firewall',
      `the hub firewall denies ${protocol.toUpperCase()} ${port} from ${from} to ${to.level} ${to.ip}: ${describeRule(decision)}`,
      decision.collection?.source ?? firewall.source,
    );
  return { decisions };
}

// ---------------------------------------------------------------- Envoy route

/** The Service of `level`'s Envoy whose load balancer IP is `ip`. */
function serviceWithIp(lw: LevelWorld, ip: string): ServiceInfo | undefined {
  return lw.envoy.flatMap((c) => c.services).find((s) => s.type === 'LoadBalancer' && s.loadBalancerIp === ip);
}

function componentOf(lw: LevelWorld, service: ServiceInfo): Component<EnvoyConfig> | undefined {
  return lw.envoy.find((c) => c.services.includes(service));
}

/**
 * Follows a TLS connection with SNI `sni` (undefined: none) sent to `service` on `port`
 * at `level`, through every Envoy up to the internet.
 */
export function routeFrom(world: World, level: string, service: ServiceInfo, sni: string | undefined, port: number): Route {
  const hops: EnvoyHop[] = [];
  const nsg: NsgStep[] = [];
  let at = lvl(world, level)!;
  let svc = service;
  let p = port;
  const stop = (layer: Layer, message: string, source?: Source): Route => ({
    reachesInternet: false,
    hops,
    nsg,
    stop: { level: at.level.name, layer, message, source },
  });
  for (let guard = 0; guard <= world.intent.levels.length; guard++) {
    const comp = componentOf(at, svc);
    const cfg = comp?.config;
    const svcSource = describe(svc.object);
    if (!comp || !cfg)
      return stop(
        'envoy',
        comp?.parseError ? `envoy.yaml does not parse: ${comp.parseError}` : 'no Envoy config behind the Service',
        comp ? describe(comp.configMap) : svcSource,
      );
    const cmSource = (extra: string, needle?: string, after?: string) =>
      describeData(comp.configMap, 'envoy.yaml', `key envoy.yaml, ${extra}`, { needle, after });
    const sp = svc.ports.find((x) => x.port === p && x.protocol === 'TCP');
    if (!sp) return stop('service', `Service ${svc.object.namespace}/${svc.object.name} has no TCP port ${p}`, svcSource);
    const targetPort = sp.targetPort ?? p;
    const listener = cfg.listeners.find((l) => l.port === targetPort);
    if (!listener) return stop('envoy', `no listener on port ${targetPort} (Service port ${p})`, cmSource('listeners', 'listeners'));
    const loadErrors = listenerLoadErrors(listener);
    if (loadErrors.length > 0)
      return stop('envoy', `Envoy rejects listener ${listener.name}: ${loadErrors[0]}`, cmSource(`listener ${listener.name}`, listener.name));
    const chain = selectChain(listener, targetPort, sni);
    if (!chain)
      return stop(
        'envoy',
        `no filter chain of listener ${listener.name} matches ${sni ?? '(no SNI)'} on port ${targetPort}: Envoy closes the connection`,
        cmSource(`listener ${listener.name}`, listener.name),
      );
    const sniNeedle =
      sni !== undefined
        ? (chain.serverNames?.find((n) => n === sni.toLowerCase()) ?? chain.serverNames?.find((n) => sni.toLowerCase().endsWith(n.replace(/^\*/, ''))))
        : undefined;
    const chainSource = cmSource(
      `listener ${listener.name}, chain ${chainLabel(chain)}`,
      sniNeedle ?? chain.name ?? listener.name,
      chain.name ?? listener.name,
    );
    const target = chainTarget(cfg, chain, sni, targetPort);
    if (target.kind === 'none') return stop('envoy', target.reason, chainSource);
    const hopBase = {
      level: at.level.name,
      service: `${svc.object.namespace}/${svc.object.name}`,
      servicePort: p,
      listener: listener.name,
      chain: chainLabel(chain),
      cluster: target.cluster.name,
      source: chainSource,
    };
    if (target.kind === 'static') {
      const ep = target.endpoints[0];
      const epPort = ep.port ?? p;
      hops.push({ ...hopBase, next: `${ep.address}:${epPort}` });
      const parent = lvl(world, at.level.parent);
      if (!parent)
        return stop(
          'envoy',
          `the top level's cluster ${target.cluster.name} sends to the private address ${ep.address}:${epPort}, not to the internet`,
          chainSource,
        );
      if (target.endpoints.length > 1)
        return stop(
          'envoy',
          `cluster ${target.cluster.name} has ${target.endpoints.length} endpoints; only the parent's load balancer IP is expected`,
          chainSource,
        );
      if (ep.address !== parent.level.envoyIp) {
        return stop(
          'envoy',
          `cluster ${target.cluster.name} sends to ${ep.address}:${epPort}, not to the parent ${parent.level.name}'s Envoy load balancer IP ${parent.level.envoyIp}`,
          chainSource,
        );
      }
      const step = nsgStep(world, at.level.name, { level: parent.level.name, ip: ep.address }, epPort, 'Tcp');
      nsg.push(step);
      if (!step.ok) return { reachesInternet: false, hops, nsg, stop: step.stop };
      const next = serviceWithIp(parent, ep.address);
      if (!next)
        return {
          reachesInternet: false,
          hops,
          nsg,
          stop: {
            level: parent.level.name,
            layer: 'service',
            message: `no LoadBalancer Service of ${parent.level.name}'s Envoy has the IP ${ep.address} (annotation ${'service.beta.kubernetes.io/azure-load-balancer-ipv4'})`,
          },
        };
      at = parent;
      svc = next;
      p = epPort;
      continue;
    }
    const host = target.host;
    const hostPort = target.port ?? p;
    hops.push({ ...hopBase, next: `internet ${host}:${hostPort} (${target.kind === 'dfp' ? 'dynamic forward proxy' : target.cluster.kind})` });
    if (at.level.parent)
      return stop(
        'envoy',
        `level ${at.level.name} is not the top level but cluster ${target.cluster.name} connects to the internet (${host}:${hostPort})`,
        chainSource,
      );
    if (sni !== undefined && host !== sni.toLowerCase())
      return stop('envoy', `cluster ${target.cluster.name} connects to ${host}, not to the requested name ${sni}`, chainSource);
    if (hostPort !== port) return stop('envoy', `cluster ${target.cluster.name} connects to port ${hostPort}, not to the requested port ${port}`, chainSource);
    const step = nsgStep(world, at.level.name, { internet: [] }, hostPort, 'Tcp');
    nsg.push(step);
    if (!step.ok) return { reachesInternet: false, hops, nsg, stop: step.stop };
    const firewall = firewallStep(world, at.level.name, host, hostPort);
    if (firewall && !firewall.ok)
      return {
        reachesInternet: false,
        hops,
        nsg,
        firewall,
        stop: { level: at.level.name, layer: 'firewall', message: `the firewall denies ${host}:${hostPort}: ${firewall.decision}`, source: firewall.source },
      };
    return { reachesInternet: true, hops, nsg, firewall, exit: { host, port: hostPort, level: at.level.name } };
  }
  return stop('envoy', 'the chain of upstreams loops');
}

// ---------------------------------------------------------------- whole paths

export interface NodePath {
  readonly dns: NodeDns;
  readonly route?: Route;
  readonly nsg?: NsgStep;
  /** At the top, the firewall the nodes leave through, when there is one. */
  readonly firewall?: FirewallStep;
}

/** The firewall `level`'s node subnet routes 0.0.0.0/0 to, if any. */
export function firewallInFront(world: World, level: string): FirewallFact | undefined {
  const subnet = lvl(world, level)?.nodeSubnet;
  if (!subnet) return undefined;
  const hops = world.routeTables
    .filter((t) => t.subnets.includes(subnet.key))
    .flatMap((t) => t.routes.filter((r) => r.prefix === '0.0.0.0/0').map((r) => r.nextHopIp));
  return world.firewalls.find((f) => f.privateIp !== undefined && hops.includes(f.privateIp));
}

/** What the firewall in front of `level` (if any) does with a connection from its nodes to `host`:`port`. */
export function firewallStep(world: World, level: string, host: string, port: number): FirewallStep | undefined {
  const firewall = firewallInFront(world, level);
  const sourceIp = firstUsable(lvl(world, level)?.nodeSubnet?.prefixes[0]);
  if (!firewall || !sourceIp) return undefined;
  const decision = evaluateFirewall(firewall, { sourceIp, name: host, port });
  return { level, ok: decision.action === 'Allow', decision: describeRule(decision), source: decision.collection?.source ?? firewall.source };
}

/**
 * A node at `level` (kubelet, containerd) connecting to `name`:`port`: below the top,
 * its answer comes from the parent's dnsmasq and the connection goes to the parent's
 * Envoy; at the top it resolves through Azure DNS and leaves directly.
 */
export function nodePath(world: World, level: string, name: string, port: number): NodePath {
  const dns = nodeDns(world, level, name, 'A');
  if (dns.kind === 'azure-dns') {
    const here = lvl(world, level)!;
    if (here.level.parent) return { dns };
    return { dns, nsg: nsgStep(world, level, { internet: [] }, port, 'Tcp'), firewall: firewallStep(world, level, name, port) };
  }
  if (dns.kind !== 'dnsmasq' || dns.outcome.kind !== 'answer') return { dns };
  const owner = lvl(world, dns.level)!;
  const ip = dns.outcome.ips[0];
  const service = serviceWithIp(owner, ip);
  if (!service) return { dns };
  const step = nsgStep(world, level, { level: owner.level.name, ip }, port, 'Tcp');
  if (!step.ok) return { dns, nsg: step };
  return { dns, nsg: step, route: routeFrom(world, owner.level.name, service, name, port) };
}

/** IPs that belong to a proxy: every level's planned Envoy IP and every Envoy Service IP. */
export function proxyIps(world: World): Set<string> {
  const ips = new Set<string>();
  for (const lw of world.levels.values()) {
    ips.add(lw.level.envoyIp);
    for (const c of lw.envoy) for (const s of c.services) if (s.loadBalancerIp) ips.add(s.loadBalancerIp);
  }
  return ips;
}

/** The text of a dnsmasq.conf line, for sources. */
export function lineText(config: DnsmasqConfig | undefined, line: number | undefined): string | undefined {
  if (!config || !line) return undefined;
  return (
    config.records.find((r) => r.line === line)?.text ??
    config.hosts.find((h) => h.line === line)?.text ??
    config.defaultServerLines.find((s) => s.line === line)?.text
  );
}
