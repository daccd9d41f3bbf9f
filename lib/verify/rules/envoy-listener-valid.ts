import { chainLabel, listenerLoadErrors } from '../engines/envoy';
import { describe, describeData } from '../parse/kube';
import { resultOf } from '../types';
import { CheckContext, finding, levelsOf, Rule } from './rule';

const ID = 'envoy-listener-valid';

/**
 * Every Envoy bootstrap loads and stays an SNI passthrough allow-list: listeners with
 * server names have `tls_inspector`; no listener Envoy would reject (duplicate or
 * invalid server names); no `default_filter_chain`; no TLS termination
 * (`transport_socket`); nothing modelled only partly (dynamic resources, extra match
 * criteria); admin not on a public address.
 */
export const envoyListenerValid: Rule = {
  id: ID,
  layer: 'envoy',
  description:
    'Every Envoy bootstrap loads and is an SNI passthrough allow-list: tls_inspector, no duplicate or invalid server names, no default_filter_chain, no TLS termination, admin on loopback.',
  evaluate(ctx: CheckContext) {
    const out = [];
    let any = false;
    for (const lw of levelsOf(ctx)) {
      const level = lw.level.name;
      for (const c of lw.envoy) {
        any = true;
        const at = (extra: string) =>
          describeData(c.configMap, 'envoy.yaml', `key envoy.yaml, ${extra}`, { needle: /^(?:listener|cluster) ([^,]+)/.exec(extra)?.[1] ?? extra });
        if (!c.config) {
          out.push(finding(ID, 'envoy', level, `envoy.yaml does not parse: ${c.parseError}`, { source: describe(c.configMap) }));
          continue;
        }
        for (const p of c.config.problems) out.push(finding(ID, 'envoy', level, `cannot verify: ${p}`, { source: at('bootstrap') }));
        if (c.config.admin?.address && !['127.0.0.1', '::1', 'localhost'].includes(c.config.admin.address)) {
          out.push(
            finding(ID, 'envoy', level, `admin interface listens on ${c.config.admin.address}: anyone who reaches the pod can change Envoy`, {
              source: at('admin'),
            }),
          );
        }
        for (const l of c.config.listeners) {
          const named = l.chains.some((ch) => ch.serverNames !== undefined);
          if (named && !l.tlsInspector)
            out.push(
              finding(
                ID,
                'envoy',
                level,
                `listener ${l.name} matches server names without the tls_inspector listener filter: no SNI is read, no named chain ever matches`,
                { source: at(`listener ${l.name}`) },
              ),
            );
          for (const e of listenerLoadErrors(l))
            out.push(finding(ID, 'envoy', level, `Envoy rejects listener ${l.name}: ${e}`, { source: at(`listener ${l.name}`) }));
          if (l.defaultChain)
            out.push(
              finding(ID, 'envoy', level, `listener ${l.name} has a default_filter_chain: names outside the allow-list are handled instead of closed`, {
                source: at(`listener ${l.name}, default_filter_chain`),
              }),
            );
          for (const ch of [...l.chains, ...(l.defaultChain ? [l.defaultChain] : [])]) {
            if (ch.hasTransportSocket)
              out.push(
                finding(ID, 'envoy', level, `chain terminates TLS (transport_socket): the egress proxy must pass TLS through`, {
                  source: at(`listener ${l.name}, chain ${chainLabel(ch)}`),
                }),
              );
            if (ch.unmodelledCriteria.length > 0)
              out.push(
                finding(ID, 'envoy', level, `cannot verify chain match criteria ${ch.unmodelledCriteria.join(', ')}`, {
                  source: at(`listener ${l.name}, chain ${chainLabel(ch)}`),
                }),
              );
          }
        }
        for (const cl of c.config.clusters) {
          if (cl.hasTransportSocket)
            out.push(
              finding(ID, 'envoy', level, `cluster ${cl.name} originates TLS (transport_socket): the egress proxy must pass TLS through`, {
                source: at(`cluster ${cl.name}`),
              }),
            );
        }
      }
    }
    return any ? resultOf(out) : { status: 'not-applicable', reason: 'no Envoy config' };
  },
};
