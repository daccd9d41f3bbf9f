import { parseRange } from '../engines/addresses';
import { describeRule, evaluateFirewall } from '../engines/firewall';
import { allowedPorts, Intent, IntentLevel } from '../intent';
import { FirewallFact, firstUsable } from '../parse/firewall';
import { Finding, resultOf, RuleResult } from '../types';
import { outboundNsgDecisions } from '../world';
import { allowedSamples } from './firewall';
import { CheckContext, finding, Rule } from './rule';

/**
 * With `firewall.placement: hub`, the firewall also carries the traffic between levels
 * (the spokes are peered with the hub only). These rules prove from `cdk.tf.json` that it
 * lets exactly the chain's hops through, that only the top level reaches the internet
 * through it, and that no level below the top can query the firewall's DNS proxy, which
 * answers every name.
 */

const NOT_APPLICABLE: RuleResult = { status: 'not-applicable', reason: "no firewall.placement 'hub' in the config" };

/** The hub's firewall, or the result to return: not applicable without a hub, nothing to judge without its firewall (firewall-present reports that). */
function hubFirewall(ctx: CheckContext): FirewallFact | RuleResult {
  const hub = ctx.world.hub;
  if (!hub) return NOT_APPLICABLE;
  return hub.firewall ?? resultOf([]);
}

const isResult = (x: FirewallFact | RuleResult): x is RuleResult => 'status' in x;

/** Ports asked about between levels: every allow-list port, DNS, and the usual ways in (SSH, HTTP, RDP, kubelet, an alternative HTTP port). */
function eastWestPorts(intent: Intent): number[] {
  return [...new Set([...allowedPorts(intent), 22, 53, 80, 443, 3389, 8080, 10250])].sort((a, b) => a - b);
}

/** Whether the chain needs `from` to reach `ip`:`port` on `to`: only a level's own parent, its Envoy on a listed port, its DNS on 53. */
function hopExpected(intent: Intent, from: IntentLevel, to: IntentLevel, ip: string, port: number, protocol: 'TCP' | 'UDP'): boolean {
  if (from.parent !== to.name) return false;
  if (ip === to.dnsIp && port === 53) return true;
  return ip === to.envoyIp && protocol === 'TCP' && allowedPorts(intent).includes(port);
}

export const firewallEastWest: Rule = {
  id: 'firewall-east-west',
  layer: 'firewall',
  description:
    "With a hub, the firewall allows each level exactly its parent's Envoy IP on the allow-list ports and its parent's DNS IP on 53, and nothing else between levels (every pair of levels, their Envoy, DNS and node addresses, listed and common ports).",
  evaluate(ctx: CheckContext) {
    const firewall = hubFirewall(ctx);
    if (isResult(firewall)) return firewall;
    const out: Finding[] = [];
    const levels = ctx.intent.levels;
    for (const from of levels) {
      const sourceIp = firstUsable(ctx.world.levels.get(from.name)?.nodeSubnet?.prefixes[0]);
      if (!sourceIp) continue;
      for (const to of levels) {
        if (to.name === from.name) continue;
        const nodeIp = firstUsable(ctx.world.levels.get(to.name)?.nodeSubnet?.prefixes[0]);
        const targets = [{ ip: to.envoyIp, what: 'Envoy' }, { ip: to.dnsIp, what: 'DNS' }, ...(nodeIp ? [{ ip: nodeIp, what: 'a node' }] : [])];
        for (const { ip, what } of targets) {
          for (const port of eastWestPorts(ctx.intent)) {
            for (const protocol of port === 53 ? (['UDP', 'TCP'] as const) : (['TCP'] as const)) {
              const decision = evaluateFirewall(firewall, { sourceIp, destinationIp: ip, port, protocol });
              const expected = hopExpected(ctx.intent, from, to, ip, port, protocol);
              const allowed = decision.action === 'Allow';
              if (allowed === expected) continue;
              const flow = `${protocol} ${port} from ${from.name} to ${to.name}'s ${what} (${ip})`;
              out.push(
                finding(
                  'firewall-east-west',
                  'firewall',
                  from.name,
                  allowed
                    ? `the hub firewall allows ${flow}, which the chain does not need: ${describeRule(decision)}`
                    : `the hub firewall denies ${flow}, a hop of the chain: ${describeRule(decision)}`,
                  { port, source: decision.collection?.source ?? firewall.source },
                ),
              );
            }
          }
        }
      }
    }
    return resultOf(out);
  },
};

export const firewallInternetTopOnly: Rule = {
  id: 'firewall-internet-top-only',
  layer: 'firewall',
  description:
    'With a hub, no level below the top reaches any internet name through the firewall, listed names included: only the top level gets the allow-list rules.',
  evaluate(ctx: CheckContext) {
    const firewall = hubFirewall(ctx);
    if (isResult(firewall)) return firewall;
    const out: Finding[] = [];
    for (const level of ctx.intent.levels.filter((l) => l.parent !== undefined)) {
      const sourceIp = firstUsable(ctx.world.levels.get(level.name)?.nodeSubnet?.prefixes[0]);
      if (!sourceIp) continue;
      for (const { name, port } of [...allowedSamples(ctx.intent), { name: 'unlisted.le-probe.net', port: 443 }]) {
        const decision = evaluateFirewall(firewall, { sourceIp, name, port });
        if (decision.action === 'Allow')
          out.push(
            finding(
              'firewall-internet-top-only',
              'firewall',
              level.name,
              `${name}:${port} passes the hub firewall from ${level.name} (${sourceIp}), below the top: ${describeRule(decision)}`,
              { name, port, source: decision.collection?.source ?? firewall.source },
            ),
          );
      }
    }
    return resultOf(out);
  },
};

export const nsgHubSealed: Rule = {
  id: 'nsg-hub-sealed',
  layer: 'nsg',
  description:
    "With a hub, below the top level the node subnet's NSGs deny the firewall's own address: its DNS proxy answers every name, a way out past the parent's dnsmasq.",
  evaluate(ctx: CheckContext) {
    const firewall = hubFirewall(ctx);
    if (isResult(firewall)) return firewall;
    const ip = firewall.privateIp ? parseRange(firewall.privateIp) : undefined;
    if (!ip) return resultOf([]);
    const out: Finding[] = [];
    for (const level of ctx.intent.levels.filter((l) => l.parent !== undefined)) {
      const lw = ctx.world.levels.get(level.name);
      if (!lw?.nodeSubnet) continue;
      for (const [protocol, port] of [
        ['Udp', 53],
        ['Tcp', 53],
        ['Tcp', 443],
      ] as const) {
        const decisions = outboundNsgDecisions(ctx.world, lw, { protocol, port, destination: { kind: 'range', range: ip } });
        if (decisions.every((x) => x.d.access === 'Allow')) {
          const x = decisions[0];
          out.push(
            finding(
              'nsg-hub-sealed',
              'nsg',
              level.name,
              x
                ? `nodes reach the hub firewall ${firewall.privateIp} on ${protocol} ${port} (NSG ${x.nsg.name ?? x.nsg.key} rule ${x.d.rule.name} priority ${x.d.rule.priority}): its DNS proxy answers every name`
                : `the node subnet has no NSG: nodes reach the hub firewall ${firewall.privateIp} on ${protocol} ${port}, whose DNS proxy answers every name`,
              { port, source: x ? (x.d.rule.source ?? x.nsg.source) : lw.nodeSubnet.source },
            ),
          );
        }
      }
    }
    return resultOf(out);
  },
};
