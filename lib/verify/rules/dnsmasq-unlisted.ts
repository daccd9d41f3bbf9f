import { answerDnsmasq, DnsmasqOutcome } from '../engines/dnsmasq';
import { belowExactEntry, DnsIntent, dnsUpstreamAt, inZone, Intent } from '../intent';
import { dnsmasqSource } from '../parse/kube';
import { lineText } from '../path-evaluator';
import { Finding, resultOf } from '../types';
import { CheckContext, finding, levelsOf, Rule } from './rule';

const ID = 'dnsmasq-unlisted';

/** What the mode promises for a name that is not on the list. */
export function unlistedExpectation(intent: Intent, dns: DnsIntent, name: string): 'no-answer' | 'upstream' {
  // Names below an exact entry get nothing in either mode: the entry is that name only,
  // and its local= is more specific than any forwarded zone around it.
  if (belowExactEntry(intent, name)) return 'no-answer';
  if (dns.strict) return dns.forwardZones.some((z) => inZone(name, z)) ? 'upstream' : 'no-answer';
  return 'upstream';
}

function describeOutcome(o: DnsmasqOutcome): string {
  switch (o.kind) {
    case 'answer':
      return `answers ${o.ips.join(', ')} (a local literal)`;
    case 'forward':
      return `forwards it to ${o.upstream}`;
    case 'refused':
      return 'has no upstream for it (REFUSED)';
    default:
      return `answers ${o.kind.toUpperCase()}`;
  }
}

/**
 * Names not on the list get exactly what the mode promises, from every dnsmasq: strict,
 * NXDOMAIN (or NODATA) except the declared zones, forwarded to the declared upstream;
 * non-strict, forwarded to the declared upstream. Never a local literal. Probed with
 * every unlisted name the list and the artifacts give (apexes, look-alikes, subdomains,
 * the artifacts' own names, the declared zones).
 */
export const dnsmasqUnlisted: Rule = {
  id: ID,
  layer: 'dnsmasq',
  description:
    'Every dnsmasq gives names outside the allow-list what the mode promises: strict, NXDOMAIN except the declared zones (forwarded upstream: upstreamDns at the top, the parent level DNS IP below); non-strict, forwarded likewise. Never a local address.',
  evaluate(ctx: CheckContext) {
    const dns = ctx.intent.dns;
    if (!dns) return { status: 'not-applicable', reason: 'the intent declares no DNS mode' };
    const out: Finding[] = [];
    let any = false;
    const unlisted = ctx.probes.filter((p) => !p.allowed);
    for (const lw of levelsOf(ctx)) {
      for (const dm of lw.dnsmasq) {
        if (!dm.config) continue;
        any = true;
        const upstream = dnsUpstreamAt(ctx.intent, dns, lw.level);
        for (const probe of unlisted) {
          const want = unlistedExpectation(ctx.intent, dns, probe.name);
          for (const qtype of ['A', 'AAAA'] as const) {
            const o = answerDnsmasq(dm.config, probe.name, qtype);
            const ok = want === 'upstream' ? o.kind === 'forward' && o.upstream === upstream : o.kind === 'nxdomain' || o.kind === 'nodata';
            if (ok) continue;
            const promise = want === 'upstream' ? `forwarded to ${upstream}` : 'NXDOMAIN';
            const line = 'line' in o && o.line ? o.line : undefined;
            out.push(
              finding(
                ID,
                'dnsmasq',
                lw.level.name,
                `${dns.strict ? 'strict' : 'non-strict'} mode: unlisted name (${probe.kind}${probe.from ? ` of ${probe.from}` : ''}) must be ${promise}, dnsmasq ${describeOutcome(o)} (${qtype})`,
                {
                  name: probe.name,
                  source: dnsmasqSource(dm.configMap, line, lineText(dm.config, line)),
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
