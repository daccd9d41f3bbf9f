import { entryMatches, Intent, purposesOf } from './intent';
import { firewallStep, nodeDns, podDns, routeFrom, Route } from './path-evaluator';
import { formatSource } from './types';
import { mainEnvoy, World } from './world';

/**
 * `explain <name> [--from <level>] [--port <n>]`: the path of one name from a pod and
 * from a node at a level (default: the bottom level), hop by hop, or where and why it
 * stops; on `port`, or on every port the list gives the name (443 for an unlisted name).
 */
export function explainName(world: World, rawName: string, from?: string, port?: number): { text: string; ok: boolean } {
  const intent: Intent = world.intent;
  const name = rawName.toLowerCase().replace(/\.$/, '');
  const levelName = from ?? intent.levels[intent.levels.length - 1]?.name;
  const lw = levelName ? world.levels.get(levelName) : undefined;
  if (!lw) return { text: `unknown level '${from}': levels are ${intent.levels.map((l) => l.name).join(', ')}\n`, ok: false };
  const entries = intent.entries.filter((e) => entryMatches(e, name));
  const listedPorts = [...new Set(entries.flatMap((e) => e.ports))].sort((a, b) => a - b);
  const ports = port !== undefined ? [port] : listedPorts.length > 0 ? listedPorts : [443];
  const lines: string[] = [];
  lines.push(`${name} from level ${lw.level.name}`);
  lines.push(`  allow-list: ${entries.length > 0 ? entries.map((e) => `${e.pattern} (ports ${e.ports.join(', ')})`).join('; ') : 'not allowed'}`);
  const purposes = purposesOf(intent, name);
  if (purposes.length > 0) lines.push(`  purpose: ${purposes.join('; ')}`);
  if (port !== undefined && entries.length > 0 && !listedPorts.includes(port))
    lines.push(`  port ${port}: not allowed for this name (the list gives ${listedPorts.join(', ')})`);
  lines.push('');
  lines.push(`Pod at ${lw.level.name}`);
  const dns = podDns(world, lw.level.name, name);
  let ok = true;
  switch (dns.kind) {
    case 'proxy':
      lines.push(`  DNS  CoreDNS rewrites it to Service ${dns.service.object.namespace}/${dns.service.object.name} (${formatSource(dns.source)})`);
      break;
    case 'rewritten':
      lines.push(`  DNS  CoreDNS: ${dns.why} (${formatSource(dns.source)})`);
      break;
    case 'not-rewritten':
      lines.push('  DNS  CoreDNS does not rewrite it: the query goes to the node resolver');
      break;
    case 'no-config':
      lines.push('  DNS  no coredns-custom ConfigMap at this level');
  }
  const envoy = mainEnvoy(lw);
  const service = dns.kind === 'proxy' ? dns.service : envoy?.services.find((s) => s.type === 'LoadBalancer');
  for (const port of ports) {
    if (!service) {
      lines.push(`  :${port}  no Envoy Service at ${lw.level.name}`);
      ok = false;
      continue;
    }
    const route = routeFrom(world, lw.level.name, service, name, port);
    lines.push(...routeLines(route, port, dns.kind !== 'proxy'));
    const allowedHere = entries.some((e) => e.ports.includes(port));
    if (allowedHere && !route.reachesInternet) ok = false;
    if (!allowedHere && route.hops.length > 0) ok = false;
  }
  lines.push('');
  lines.push(`Node at ${lw.level.name}`);
  if (!lw.level.parent) {
    for (const port of ports.length > 0 ? ports : [443]) {
      const fw = firewallStep(world, lw.level.name, name, port);
      if (fw) lines.push(`  :${port}  Azure Firewall: ${fw.ok ? 'allowed by' : 'denied:'} ${fw.decision}${fw.source ? ` (${formatSource(fw.source)})` : ''}`);
      if (fw && fw.ok !== entries.some((e) => e.ports.includes(port))) ok = false;
    }
  }
  for (const qtype of ['A', 'AAAA'] as const) {
    const nd = nodeDns(world, lw.level.name, name, qtype);
    if (nd.kind === 'azure-dns') {
      const fw = !lw.level.parent ? firewallStep(world, lw.level.name, name, ports[0] ?? 443) : undefined;
      lines.push(`  DNS ${qtype}  Azure DNS (real address; the top level leaves ${fw ? 'through its firewall' : 'directly'})`);
    } else if (nd.kind === 'dnsmasq') {
      const o = nd.outcome;
      const what = o.kind === 'answer' ? `answers ${o.ips.join(', ')}` : o.kind === 'forward' ? `forwards upstream (${o.upstream})` : o.kind;
      lines.push(`  DNS ${qtype}  dnsmasq of ${nd.level} ${what} (${formatSource(nd.source)})`);
    } else if (nd.kind === 'custom') lines.push(`  DNS ${qtype}  custom DNS servers ${nd.servers.join(', ')}`);
    else lines.push(`  DNS ${qtype}  ${nd.why}`);
  }
  lines.push('');
  lines.push(ok ? 'Result: as the allow-list says.' : 'Result: NOT as the allow-list says.');
  return { text: lines.join('\n') + '\n', ok };
}

function routeLines(route: Route, port: number, viaLb: boolean): string[] {
  const out = [`  TLS :${port}${viaLb ? ' (sent to the Envoy load balancer directly)' : ''}`];
  let n = 0;
  for (const hop of route.hops) {
    out.push(
      `    ${++n}. ${hop.level} Envoy: Service ${hop.service}:${hop.servicePort} -> listener ${hop.listener} -> chain ${hop.chain} -> cluster ${hop.cluster} -> ${hop.next}`,
    );
    out.push(`       at ${formatSource(hop.source)}`);
    const step = route.nsg[n - 1];
    if (step) for (const d of step.decisions) out.push(`       ${d.by === 'firewall' ? 'via' : 'NSG'} ${d.text}`);
  }
  if (route.firewall) {
    out.push(`    ${n + 1}. ${route.firewall.level} Azure Firewall: ${route.firewall.ok ? 'allowed by' : 'denied:'} ${route.firewall.decision}`);
    if (route.firewall.source) out.push(`       at ${formatSource(route.firewall.source)}`);
  }
  if (route.reachesInternet && route.exit) out.push(`    => leaves ${route.exit.level} to the internet: ${route.exit.host}:${route.exit.port}`);
  else if (route.stop)
    out.push(
      `    => stops at ${route.stop.level} [${route.stop.layer}]: ${route.stop.message}${route.stop.source ? `\n       at ${formatSource(route.stop.source)}` : ''}`,
    );
  return out;
}
