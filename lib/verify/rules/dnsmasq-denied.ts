import { answerDnsmasq } from '../engines/dnsmasq';
import { dnsmasqSource } from '../parse/kube';
import { lineText, proxyIps } from '../path-evaluator';
import { resultOf } from '../types';
import { CheckContext, finding, levelsOf, Rule } from './rule';

const ID = 'dnsmasq-denied';

/** No dnsmasq answers a name outside the allow-list with a proxy IP (over-matching `address=`, catch-all `/#/`, `*b.com` look-alikes). */
export const dnsmasqDenied: Rule = {
  id: ID,
  layer: 'dnsmasq',
  description: 'No dnsmasq resolves a name outside the allow-list (apex of a wildcard, look-alike, subdomain of an exact name, unlisted) to a proxy IP.',
  evaluate(ctx: CheckContext) {
    const out = [];
    const proxies = proxyIps(ctx.world);
    let any = false;
    for (const lw of levelsOf(ctx)) {
      for (const dm of lw.dnsmasq) {
        if (!dm.config) continue;
        any = true;
        for (const probe of ctx.probes.filter((p) => !p.allowed)) {
          for (const qtype of ['A', 'AAAA'] as const) {
            const a = answerDnsmasq(dm.config, probe.name, qtype);
            if (a.kind !== 'answer' || !a.ips.some((ip) => proxies.has(ip) || ip === '0.0.0.0' || ip === '::')) continue;
            out.push(
              finding(
                ID,
                'dnsmasq',
                lw.level.name,
                `name outside the allow-list (${probe.kind}${probe.from ? ` of ${probe.from}` : ''}) is answered ${a.ips.join(', ')} (${qtype})`,
                {
                  name: probe.name,
                  source: dnsmasqSource(dm.configMap, a.line, lineText(dm.config, a.line)),
                },
              ),
            );
          }
        }
      }
    }
    return any ? resultOf(out) : { status: 'not-applicable', reason: 'no dnsmasq config' };
  },
};
