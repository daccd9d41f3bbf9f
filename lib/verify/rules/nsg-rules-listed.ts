import { parseRange, PRIVATE } from '../engines/addresses';
import { Endpoint, evaluateNsg } from '../engines/nsg';
import { NsgRuleFact } from '../parse/network';
import { Finding, resultOf } from '../types';
import { nsgsOf, virtualNetworkRanges } from '../world';
import { CheckContext, finding, levelsOf, Rule } from './rule';

const ID = 'nsg-rules-listed';

const isInternetPrefix = (p: string) => {
  const t = p.trim();
  if (t === '*' || /^(any|internet)$/i.test(t)) return true;
  const r = parseRange(t);
  return r !== undefined && !PRIVATE.some((x) => x.lo <= r.lo && r.hi <= x.hi);
};
const isServiceTag = (p: string) => parseRange(p.trim()) === undefined && !/^(\*|any|internet|virtualnetwork|azureloadbalancer)$/i.test(p.trim());

function firstPort(rule: NsgRuleFact): number {
  const m = /^(\d+)/.exec(rule.destinationPorts.find((p) => p.trim() !== '*') ?? '');
  return m ? Number(m[1]) : 443;
}

/**
 * Every NSG rule on a level's node subnet that opens something is one the design needs:
 * below the top, no Allow rule that decides a flow to the Internet (or a public range)
 * and, at every level, none that lets the Internet in. Service tags below the top are
 * reported as warnings: they reach Azure's own addresses past the allow-list.
 */
export const nsgRulesListed: Rule = {
  id: ID,
  layer: 'nsg',
  description:
    'No NSG rule on a node subnet lets nodes below the top reach the Internet directly, or lets the Internet in; service tags below the top are warnings.',
  evaluate(ctx: CheckContext) {
    const out: Finding[] = [];
    for (const lw of levelsOf(ctx)) {
      if (!lw.nodeSubnet) continue;
      const nodes = parseRange(lw.nodeSubnet.prefixes[0] ?? lw.level.addressSpace);
      if (!nodes) continue;
      const vnet = virtualNetworkRanges(ctx.world, lw.vnet);
      for (const nsg of nsgsOf(ctx.world, lw.nodeSubnet)) {
        for (const rule of nsg.rules.filter((r) => r.access === 'Allow')) {
          const protocol = /^udp$/i.test(rule.protocol) ? 'Udp' : 'Tcp';
          const port = firstPort(rule);
          const decides = (source: Endpoint, destination: Endpoint) => {
            const d = evaluateNsg(nsg, { direction: rule.direction, protocol, port, source, destination, virtualNetwork: vnet });
            return d.access === 'Allow' && d.rule === rule;
          };
          const at = rule.source ?? nsg.source;
          const ports = rule.destinationPorts.join(', ');
          if (rule.direction === 'Outbound' && lw.level.parent) {
            for (const p of rule.destinationPrefixes) {
              if (isInternetPrefix(p)) {
                const r = parseRange(p);
                const dst: Endpoint = r && p.trim() !== '0.0.0.0/0' ? { kind: 'range', range: r } : { kind: 'internet', tags: [] };
                if (decides({ kind: 'range', range: nodes }, dst))
                  out.push(
                    finding(
                      ID,
                      'nsg',
                      lw.level.name,
                      `rule ${rule.name} (priority ${rule.priority}) lets the nodes reach ${p} directly on ${rule.protocol} ${ports}: below the top only the parent's proxy and DNS may be reached`,
                      { port, source: at },
                    ),
                  );
              } else if (isServiceTag(p) && decides({ kind: 'range', range: nodes }, { kind: 'internet', tags: [p] })) {
                out.push(
                  finding(
                    ID,
                    'nsg',
                    lw.level.name,
                    `rule ${rule.name} (priority ${rule.priority}) lets the nodes reach service tag ${p} directly on ${rule.protocol} ${ports}: Azure addresses past the allow-list`,
                    { port, source: at, severity: 'warning' },
                  ),
                );
              }
            }
          }
          if (
            rule.direction === 'Inbound' &&
            rule.sourcePrefixes.some(isInternetPrefix) &&
            decides({ kind: 'internet', tags: [] }, { kind: 'range', range: nodes })
          ) {
            out.push(
              finding(ID, 'nsg', lw.level.name, `rule ${rule.name} (priority ${rule.priority}) lets the Internet in on ${rule.protocol} ${ports}`, {
                port,
                source: at,
              }),
            );
          }
        }
      }
    }
    return resultOf(out);
  },
};
