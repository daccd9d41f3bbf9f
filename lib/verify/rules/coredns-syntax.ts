import { describeData } from '../parse/kube';
import { resultOf } from '../types';
import { CheckContext, finding, levelsOf, Rule } from './rule';

const ID = 'coredns-syntax';

/**
 * The coredns-custom snippets are what CoreDNS loads and the verifier can model: no
 * `.server` key redefining `.:53`, no unparsable or unmodelled lines, and every regex
 * rewrite also rewrites the answer (`answer auto` or `answer name`), since clients drop
 * answers whose name differs from the question.
 */
export const corednsSyntax: Rule = {
  id: ID,
  layer: 'coredns',
  description: 'coredns-custom holds only rewrite rules CoreDNS loads and the verifier models, and every regex rewrite rewrites the answer back.',
  evaluate(ctx: CheckContext) {
    const out = [];
    let any = false;
    for (const lw of levelsOf(ctx)) {
      if (!lw.coredns) continue;
      any = true;
      const { config, configMap } = lw.coredns;
      for (const p of config.problems)
        out.push(
          finding(ID, 'coredns', lw.level.name, p.message, {
            source: describeData(configMap, p.key, `key ${p.key}${p.line ? ` line ${p.line}` : ''}`, { valueLine: p.line }),
          }),
        );
      for (const u of config.unmodelled)
        out.push(
          finding(ID, 'coredns', lw.level.name, `cannot prove what '${u.text}' answers (${u.why}): only modelled rewrites may change answers`, {
            source: describeData(configMap, u.key, `key ${u.key} line ${u.line}: ${u.text}`, { valueLine: u.line, needle: u.text }),
          }),
        );
      for (const r of config.rules) {
        if (r.match === 'regex' && r.answer === undefined) {
          out.push(
            finding(ID, 'coredns', lw.level.name, `regex rewrite without 'answer auto': the answer carries the Envoy Service name and resolvers reject it`, {
              source: describeData(configMap, r.key, `key ${r.key} line ${r.line}: ${r.text}`, { valueLine: r.line, needle: r.text }),
            }),
          );
        }
      }
    }
    return any ? resultOf(out) : { status: 'not-applicable', reason: 'no coredns-custom ConfigMap' };
  },
};
