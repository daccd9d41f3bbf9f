import { coveredByList, formatNameSet, namesOf } from '../accepts';
import { addressIsBroad, describeRule, evaluateFirewall, finalDeny, fqdnNameSet } from '../engines/firewall';
import { allowedPorts, Intent, IntentLevel, portsForName, routeAllowed } from '../intent';
import { FirewallFact, firstUsable } from '../parse/firewall';
import { Finding, resultOf, RuleResult } from '../types';
import { World } from '../world';
import { CheckContext, finding, Rule } from './rule';

/**
 * The Azure Firewall as a second, independent enforcement of the allow-list (config
 * `firewall:`), proven from `cdk.tf.json` alone: the firewall exists where the config
 * places it, with its DNS proxy on; the top level's node subnet routes 0.0.0.0/0 to it;
 * every listed name passes it on every listed port from the top level's nodes; nothing
 * else does (probes, and every FQDN its Allow rules name); no Allow rule is broader than
 * the list (a `*`, a look-alike pattern, an FQDN tag, a broad network rule); and an
 * explicit deny-all closes the implicit infrastructure FQDN allows. Not applicable
 * without a firewall in the config and in the artifacts.
 */

const NOT_APPLICABLE: RuleResult = { status: 'not-applicable', reason: 'no firewall in the config or the stacks' };

/** The top level's firewall (placement `top`: in its stack) and the address its nodes send from. */
export function topFirewall(world: World): { firewall?: FirewallFact; top: IntentLevel; sourceIp?: string } {
  const top = world.intent.levels[0];
  const firewall = world.firewalls.find((f) => f.stack === top.name) ?? world.hub?.firewall;
  const subnet = world.levels.get(top.name)?.nodeSubnet;
  return { firewall, top, sourceIp: firstUsable(subnet?.prefixes[0]) };
}

function applicable(ctx: CheckContext): boolean {
  return ctx.intent.firewall !== undefined || ctx.world.firewalls.length > 0;
}

/** Names to ask the firewall about for an entry's ports: the name itself, or names below a wildcard. */
export function allowedSamples(intent: Intent): Array<{ name: string; port: number }> {
  const out: Array<{ name: string; port: number }> = [];
  for (const e of intent.entries) {
    const names = e.kind === 'exact' ? [e.domain] : [`le-probe.${e.domain}`, `le-probe.deep.${e.domain}`];
    for (const name of names) for (const port of e.ports) out.push({ name, port });
  }
  return out;
}

export const firewallPresent: Rule = {
  id: 'firewall-present',
  layer: 'firewall',
  description:
    'With a firewall in the config, the top level (placement top) has an Azure Firewall with a policy, DNS proxy on, and the top VNET resolves through it.',
  evaluate(ctx) {
    if (!applicable(ctx)) return NOT_APPLICABLE;
    const { firewall, top } = topFirewall(ctx.world);
    const out: Finding[] = [];
    const lw = ctx.world.levels.get(top.name);
    if (!firewall) {
      out.push(
        finding(
          'firewall-present',
          'firewall',
          top.name,
          `the config places a firewall (${ctx.intent.firewall?.placement}) but no azurerm_firewall is in the stacks: nothing enforces the list a second time`,
          { source: lw?.vnet?.source },
        ),
      );
      return resultOf(out);
    }
    if (!ctx.intent.firewall)
      out.push(finding('firewall-present', 'firewall', top.name, 'the stacks hold an Azure Firewall the config does not declare', { source: firewall.source }));
    if (!firewall.dnsProxy)
      out.push(
        finding(
          'firewall-present',
          'firewall',
          top.name,
          "the firewall policy's DNS proxy is off: its FQDN network rules cannot resolve, and the clients and the firewall may see different answers",
          { source: firewall.source },
        ),
      );
    if (!firewall.privateIp)
      out.push(finding('firewall-present', 'firewall', top.name, 'the firewall has no AzureFirewallSubnet the verifier can read', { source: firewall.source }));
    return resultOf(out);
  },
};

export const firewallRoute: Rule = {
  id: 'firewall-route',
  layer: 'route',
  description:
    "The top level's node subnet (with a hub: every level's) has a route table whose 0.0.0.0/0 route goes to the firewall's private IP (virtual appliance).",
  evaluate(ctx) {
    if (!applicable(ctx)) return NOT_APPLICABLE;
    const { firewall, top } = topFirewall(ctx.world);
    if (!firewall?.privateIp) return resultOf([]);
    const levels = ctx.world.hub ? ctx.intent.levels : [top];
    const out: Finding[] = [];
    for (const level of levels) {
      const subnet = ctx.world.levels.get(level.name)?.nodeSubnet;
      const tables = ctx.world.routeTables.filter((t) => subnet !== undefined && t.subnets.includes(subnet.key));
      const routes = tables.flatMap((t) => t.routes.filter((r) => r.prefix === '0.0.0.0/0').map((r) => ({ r, t })));
      const ok = routes.length === 1 && /^virtualappliance$/i.test(routes[0].r.nextHopType) && routes[0].r.nextHopIp === firewall.privateIp;
      if (ok) continue;
      const found = routes.map(({ r }) => `${r.nextHopType} ${r.nextHopIp ?? ''}`.trim()).join(', ') || 'none';
      const why = level.parent
        ? `Without it ${level.name} cannot reach ${level.parent} (the spokes are not peered with each other) or bypasses the firewall`
        : 'Without it the nodes leave past the firewall';
      out.push(
        finding(
          'firewall-route',
          'route',
          level.name,
          `the node subnet's 0.0.0.0/0 route must go to the firewall (${firewall.privateIp}); found: ${found}. ${why}`,
          {
            source: tables[0]?.source ?? subnet?.source,
          },
        ),
      );
    }
    return resultOf(out);
  },
};

export const firewallAllowed: Rule = {
  id: 'firewall-allowed',
  layer: 'firewall',
  description:
    "Every listed name, on every listed port, passes the firewall from the top level's nodes (network rules, then application rules, as Azure processes them).",
  evaluate(ctx) {
    if (!applicable(ctx)) return NOT_APPLICABLE;
    const { firewall, top, sourceIp } = topFirewall(ctx.world);
    if (!firewall || !sourceIp) return resultOf([]);
    const out: Finding[] = [];
    for (const { name, port } of allowedSamples(ctx.intent)) {
      const decision = evaluateFirewall(firewall, { sourceIp, name, port });
      if (decision.action !== 'Allow') {
        out.push(
          finding(
            'firewall-allowed',
            'firewall',
            top.name,
            `${name}:${port} is listed but the firewall denies it from ${sourceIp}: ${describeRule(decision)}`,
            { name, port, source: decision.collection?.source ?? firewall.source },
          ),
        );
      }
    }
    return resultOf(out);
  },
};

export const firewallDenied: Rule = {
  id: 'firewall-denied',
  layer: 'firewall',
  description:
    'No unlisted name (apexes of wildcards, look-alikes, subdomains of exact names, foreign names, every name a firewall rule mentions) and no listed name on an unlisted port passes the firewall.',
  evaluate(ctx) {
    if (!applicable(ctx)) return NOT_APPLICABLE;
    const { firewall, top, sourceIp } = topFirewall(ctx.world);
    if (!firewall || !sourceIp) return resultOf([]);
    const names = new Set(ctx.probes.map((p) => p.name));
    for (const c of firewall.collections) for (const r of c.rules) for (const f of r.fqdns) for (const n of namesOf(fqdnNameSet(f))) names.add(n);
    names.add('unlisted.le-probe.net');
    const ports = [...new Set([...allowedPorts(ctx.intent), 443, 80])].sort((a, b) => a - b);
    const out: Finding[] = [];
    for (const name of [...names].sort()) {
      for (const port of ports) {
        if (routeAllowed(ctx.intent, name, port)) continue;
        const decision = evaluateFirewall(firewall, { sourceIp, name, port });
        if (decision.action === 'Allow') {
          const listed = portsForName(ctx.intent, name);
          const why = listed.length > 0 ? `listed on port(s) ${listed.join(', ')} only` : 'not on the allow-list';
          out.push(
            finding('firewall-denied', 'firewall', top.name, `${name}:${port} passes the firewall (${why}): ${describeRule(decision)}`, {
              name,
              port,
              source: decision.collection?.source,
            }),
          );
        }
      }
    }
    return resultOf(out);
  },
};

export const firewallRulesListed: Rule = {
  id: 'firewall-rules-listed',
  layer: 'firewall',
  description:
    'Every Allow rule of the firewall is inside the list: application FQDNs and network FQDNs are listed on their ports, no FQDN tag, no `*` or look-alike pattern, no broad destination address or port range.',
  evaluate(ctx) {
    if (!applicable(ctx)) return NOT_APPLICABLE;
    const out: Finding[] = [];
    const hops = new Set(ctx.intent.levels.flatMap((l) => [l.envoyIp, l.dnsIp]));
    for (const firewall of ctx.world.firewalls) {
      const level = firewall.stack;
      for (const c of firewall.collections.filter((x) => x.action === 'Allow')) {
        for (const r of c.rules) {
          const where = { source: c.source };
          const label = `${c.kind} rule '${r.name}' (collection '${c.name}')`;
          if (r.fqdnTags.length > 0)
            out.push(
              finding(
                'firewall-rules-listed',
                'firewall',
                level,
                `${label} allows FQDN tag(s) ${r.fqdnTags.join(', ')}: Microsoft-maintained names the allow-list does not name`,
                where,
              ),
            );
          for (const port of r.ports) {
            if (!/^\d+$/.test(port)) {
              out.push(finding('firewall-rules-listed', 'firewall', level, `${label} allows port(s) '${port}': only the listed ports may be open`, where));
              continue;
            }
            for (const f of r.fqdns) {
              const set = fqdnNameSet(f);
              if (!coveredByList(ctx.intent, set, Number(port))) {
                out.push(
                  finding(
                    'firewall-rules-listed',
                    'firewall',
                    level,
                    `${label} allows ${formatNameSet(set)} on port ${port}: not on the allow-list with that port`,
                    { ...where, name: f, port: Number(port) },
                  ),
                );
              }
            }
          }
          for (const a of r.addresses) {
            if (addressIsBroad(a) || !hops.has(a.replace(/\/32$/, ''))) {
              out.push(
                finding(
                  'firewall-rules-listed',
                  'firewall',
                  level,
                  `${label} allows destination address '${a}': a network rule by address bypasses every FQDN rule; only the levels' Envoy and DNS IPs may be named`,
                  where,
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

export const firewallFinalDeny: Rule = {
  id: 'firewall-final-deny',
  layer: 'firewall',
  description:
    "The last application rule collection denies '*' on HTTP and HTTPS from any source, which also closes the firewall's implicit infrastructure FQDN allows.",
  evaluate(ctx) {
    if (!applicable(ctx)) return NOT_APPLICABLE;
    const out: Finding[] = [];
    for (const firewall of ctx.world.firewalls) {
      if (!finalDeny(firewall)) {
        out.push(
          finding(
            'firewall-final-deny',
            'firewall',
            firewall.stack,
            "no explicit deny-all application rule collection comes last: the firewall's infrastructure FQDN collection still allows Azure platform names the list does not name",
            { source: firewall.source },
          ),
        );
      }
    }
    return resultOf(out);
  },
};
