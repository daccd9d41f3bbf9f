import { answerDnsmasq } from '../engines/dnsmasq';
import { describe, dnsmasqSource } from '../parse/kube';
import { lineText } from '../path-evaluator';
import { resultOf } from '../types';
import { mainDnsmasq } from '../world';
import { CheckContext, finding, levelsOf, Rule } from './rule';

const ID = 'dnsmasq-allowed';

/** The dnsmasq each lower level's nodes use (its parent's) answers every allowed name's A query with exactly the parent's Envoy IP. */
export const dnsmasqAllowed: Rule = {
  id: ID,
  layer: 'dnsmasq',
  description: "For every level below the top, the parent's dnsmasq answers each allowed name (A) with exactly the parent's Envoy load balancer IP.",
  evaluate(ctx: CheckContext) {
    const out = [];
    let any = false;
    for (const lw of levelsOf(ctx)) {
      const parent = lw.level.parent ? ctx.world.levels.get(lw.level.parent) : undefined;
      if (!parent) continue;
      const dm = mainDnsmasq(parent);
      if (!dm) continue; // artifacts-present
      any = true;
      if (!dm.config) {
        out.push(finding(ID, 'dnsmasq', parent.level.name, `dnsmasq.conf does not parse: ${dm.parseError}`, { source: describe(dm.configMap) }));
        continue;
      }
      for (const probe of ctx.probes.filter((p) => p.allowed)) {
        const a = answerDnsmasq(dm.config, probe.name, 'A');
        const want = parent.level.envoyIp;
        if (a.kind === 'answer' && a.ips.length === 1 && a.ips[0] === want) continue;
        const got =
          a.kind === 'answer'
            ? `answers ${a.ips.join(', ')}`
            : a.kind === 'forward'
              ? `forwards it upstream (${a.upstream}): nodes of ${lw.level.name} get the real address`
              : a.kind;
        const line = 'line' in a && a.line ? a.line : undefined;
        out.push(
          finding(ID, 'dnsmasq', parent.level.name, `allowed name: dnsmasq ${got}, not the Envoy IP ${want} (used by the nodes of ${lw.level.name})`, {
            name: probe.name,
            source: dnsmasqSource(dm.configMap, line, lineText(dm.config, line)),
          }),
        );
      }
    }
    return any ? resultOf(out) : { status: 'not-applicable', reason: 'single level: no node resolves through a parent dnsmasq' };
  },
};
