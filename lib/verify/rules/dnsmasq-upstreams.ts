import { dnsUpstreamAt, inZone } from '../intent';
import { dnsmasqSource } from '../parse/kube';
import { Finding, resultOf } from '../types';
import { CheckContext, finding, levelsOf, Rule } from './rule';

const ID = 'dnsmasq-upstreams';

/**
 * dnsmasq sends names only where the config says: every upstream (`server=<ip>`,
 * `server=/zone/<ip>`, resolv.conf) is the declared `upstreamDns` at the top level and the
 * parent's DNS IP below it; in strict mode every
 * forwarded zone is a declared one; every literal answer is this level's Envoy IP.
 */
export const dnsmasqUpstreams: Rule = {
  id: ID,
  layer: 'dnsmasq',
  description:
    "Every dnsmasq upstream is the configured upstreamDns (top level) or the parent level's DNS IP (below it), strict mode forwards only the declared zones, and every literal answer is the level's own Envoy IP.",
  evaluate(ctx: CheckContext) {
    const out: Finding[] = [];
    const dns = ctx.intent.dns;
    let any = false;
    for (const lw of levelsOf(ctx)) {
      for (const dm of lw.dnsmasq) {
        if (!dm.config || !dns) continue;
        any = true;
        const level = lw.level.name;
        const at = (line: number, text: string) => dnsmasqSource(dm.configMap, line, text);
        const whole = dnsmasqSource(dm.configMap, undefined);
        const cfg = dm.config;
        const upstream = dnsUpstreamAt(ctx.intent, dns, lw.level);
        if (cfg.defaultServers.length === 0 && !cfg.noResolv)
          out.push(
            finding(ID, 'dnsmasq', level, `no no-resolv: dnsmasq forwards to the servers of /etc/resolv.conf, not to the configured upstream ${upstream}`, {
              source: whole,
            }),
          );
        for (const s of cfg.defaultServerLines) {
          if (s.upstream !== upstream)
            out.push(
              finding(ID, 'dnsmasq', level, `forwards every other name to ${s.upstream}, the config declares upstream ${upstream}`, {
                source: at(s.line, s.text),
              }),
            );
        }
        for (const r of cfg.records) {
          if (r.action.kind === 'forward' || r.action.kind === 'default') {
            const to = r.action.kind === 'forward' ? r.action.upstream : cfg.defaultServers[0];
            const zone = r.domain.wildcard ? `*${r.domain.text}` : r.domain.text;
            if (to !== upstream)
              out.push(
                finding(ID, 'dnsmasq', level, `forwards zone ${zone} to ${to ?? '(no server)'}, the config declares upstream ${upstream}`, {
                  name: zone,
                  source: at(r.line, r.text),
                }),
              );
            else if (dns.strict && (r.domain.wildcard || (r.domain.text !== '#' && !dns.forwardZones.some((z) => inZone(r.domain.text, z))))) {
              out.push(
                finding(ID, 'dnsmasq', level, `strict mode forwards zone ${zone}, which the config does not declare (workloads.dnsmasq.forwardZones)`, {
                  name: zone,
                  source: at(r.line, r.text),
                }),
              );
            }
          }
          if (r.action.kind === 'address4' && r.action.ip !== lw.level.envoyIp) {
            out.push(
              finding(
                ID,
                'dnsmasq',
                level,
                `answers ${r.domain.text === '#' ? 'every name' : r.domain.text} with the literal ${r.action.ip}, not this level's Envoy IP ${lw.level.envoyIp}`,
                { source: at(r.line, r.text) },
              ),
            );
          }
          if (r.action.kind === 'address6')
            out.push(
              finding(ID, 'dnsmasq', level, `answers AAAA with the literal ${r.action.ip}: names resolve past the proxy over IPv6`, {
                source: at(r.line, r.text),
              }),
            );
        }
        for (const h of cfg.hosts) {
          const bad = [...h.ipv4.filter((ip) => ip !== lw.level.envoyIp), ...h.ipv6];
          if (bad.length > 0)
            out.push(
              finding(
                ID,
                'dnsmasq',
                level,
                `host-record answers ${h.names.join(', ')} with ${bad.join(', ')}, not only this level's Envoy IP ${lw.level.envoyIp}`,
                { name: h.names[0], source: at(h.line, h.text) },
              ),
            );
        }
      }
    }
    return any ? resultOf(out) : { status: 'not-applicable', reason: 'no dnsmasq config' };
  },
};
