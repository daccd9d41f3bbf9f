import { coveredByList, Engine, formatNameSet } from '../accepts';
import { Finding, Layer, resultOf } from '../types';
import { CheckContext, finding, levelsOf, Rule } from './rule';

/**
 * One rule per engine: every name set an artifact line accepts (enumerated from the
 * artifact, not from the list) lies inside the allow-list, on the port it is accepted
 * on. A set the verifier cannot bound (a catch-all, a prefix or substring rewrite, a
 * free regex, a server block) is a violation, never "cannot verify".
 */
function namesListed(engine: Engine, id: string, description: string): Rule {
  return {
    id,
    layer: engine as Layer,
    description,
    evaluate(ctx: CheckContext) {
      const out: Finding[] = [];
      const levels = new Set(levelsOf(ctx).map((l) => l.level.name));
      for (const a of ctx.accepted) {
        if (a.engine !== engine || !levels.has(a.level)) continue;
        if (coveredByList(ctx.intent, a.names, a.port)) continue;
        const what = formatNameSet(a.names);
        const port = a.port !== undefined ? ` on port ${a.port}` : '';
        const why =
          a.names.kind === 'any' ? 'the verifier cannot bound it to the allow-list' : `not on the allow-list${a.port !== undefined ? ' with that port' : ''}`;
        out.push(
          finding(id, engine as Layer, a.level, `${what} is ${a.effect}${port}: ${why}`, {
            name: a.names.kind === 'exact' ? a.names.name : what,
            port: a.port,
            source: a.source,
          }),
        );
      }
      return resultOf(out);
    },
  };
}

export const envoyNamesListed = namesListed(
  'envoy',
  'envoy-names-listed',
  'Every server name of every Envoy chain that forwards (per Service port) is on the allow-list with that port; no chain forwards without server names, and no default chain.',
);
export const corednsNamesListed = namesListed(
  'coredns',
  'coredns-names-listed',
  'Every CoreDNS rewrite (exact, suffix, prefix, substring, regex) and server block matches only allow-listed names; what cannot be bounded is a violation.',
);
export const dnsmasqNamesListed = namesListed(
  'dnsmasq',
  'dnsmasq-names-listed',
  'Every name dnsmasq answers with a literal (host-record, address=, including /#/) is on the allow-list.',
);
