import { answerDnsmasq } from '../engines/dnsmasq';
import { dnsmasqSource } from '../parse/kube';
import { lineText } from '../path-evaluator';
import { resultOf } from '../types';
import { CheckContext, finding, levelsOf, Rule } from './rule';

const ID = 'dnsmasq-aaaa-leak';

/**
 * For an allowed name, dnsmasq must not forward AAAA (or HTTPS, TXT ...) queries
 * upstream: dnsmasq 2.86+ answers `address=`/`host-record=` only for their own family
 * and forwards the rest unless a matching `local=` is present, so the real address
 * leaks past the proxy.
 */
export const dnsmasqAaaaLeak: Rule = {
  id: ID,
  layer: 'dnsmasq',
  description: 'For allowed names, dnsmasq forwards no AAAA or other query type upstream (a matching local= pins every type).',
  evaluate(ctx: CheckContext) {
    const out = [];
    let any = false;
    for (const lw of levelsOf(ctx)) {
      for (const dm of lw.dnsmasq) {
        if (!dm.config) continue;
        any = true;
        for (const probe of ctx.probes.filter((p) => p.allowed)) {
          for (const qtype of ['AAAA', 'OTHER'] as const) {
            const a = answerDnsmasq(dm.config, probe.name, qtype);
            if (a.kind !== 'forward' && a.kind !== 'answer') continue;
            const what = qtype === 'AAAA' ? 'AAAA' : 'HTTPS/TXT';
            const why =
              a.kind === 'forward' ? `forwarded upstream (${a.upstream}): the real address leaks past the proxy; add local=` : `answered ${a.ips.join(', ')}`;
            out.push(
              finding(ID, 'dnsmasq', lw.level.name, `${what} query for an allowed name is ${why}`, {
                name: probe.name,
                source: dnsmasqSource(dm.configMap, 'line' in a ? a.line : undefined, lineText(dm.config, 'line' in a ? a.line : undefined)),
              }),
            );
          }
        }
      }
    }
    return any ? resultOf(out) : { status: 'not-applicable', reason: 'no dnsmasq config' };
  },
};
