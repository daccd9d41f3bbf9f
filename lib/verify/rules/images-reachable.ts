import { evaluateNsg } from '../engines/nsg';
import { parseRange } from '../engines/addresses';
import { nodePath } from '../path-evaluator';
import { containers, describe, KubeObject, WORKLOAD_KINDS } from '../parse/kube';
import { Finding, resultOf } from '../types';
import { LevelWorld, nsgsOf, virtualNetworkRanges, World } from '../world';
import { CheckContext, finding, levelsOf, Rule } from './rule';
import { registryEndpoints, registryOf } from '../../model/registries';

const ID = 'images-reachable';

/** Can a node at `lw` open TLS to `host`? Through the proxy chain, or straight out by an NSG rule for a service tag covering it. */
function reachable(world: World, lw: LevelWorld, host: string, tags: readonly string[]): string | undefined {
  const path = nodePath(world, lw.level.name, host, 443);
  if (path.route?.reachesInternet) return undefined;
  if (!lw.level.parent && path.dns.kind === 'azure-dns' && path.nsg?.ok && (path.firewall?.ok ?? true)) return undefined;
  if (path.firewall && !path.firewall.ok) return `the firewall denies it: ${path.firewall.decision}`;
  // Direct by service tag: the name must resolve to its real address, and the NSG must allow the tag.
  const realAnswer = path.dns.kind === 'azure-dns' || (path.dns.kind === 'dnsmasq' && path.dns.outcome.kind === 'forward');
  const nsgs = nsgsOf(world, lw.nodeSubnet);
  if (realAnswer && tags.length > 0 && lw.nodeSubnet) {
    const range = parseRange(lw.nodeSubnet.prefixes[0] ?? lw.level.addressSpace)!;
    const allowed = nsgs.every(
      (n) =>
        evaluateNsg(n, {
          direction: 'Outbound',
          protocol: 'Tcp',
          port: 443,
          source: { kind: 'range', range },
          destination: { kind: 'internet', tags },
          virtualNetwork: virtualNetworkRanges(world, lw.vnet),
        }).access === 'Allow',
    );
    if (allowed) return undefined;
  }
  if (path.route?.stop) return path.route.stop.message;
  if (path.nsg && !path.nsg.ok) return path.nsg.stop?.message;
  if (path.dns.kind === 'dnsmasq')
    return `the node's DNS (dnsmasq of ${path.dns.level}) ${path.dns.outcome.kind === 'answer' ? `answers ${path.dns.outcome.ips.join(', ')}` : `gives ${path.dns.outcome.kind}`} and no NSG rule allows a service tag for it`;
  if (path.dns.kind === 'no-config') return path.dns.why;
  return 'neither the allow-list with the proxy chain nor an NSG service tag reaches it';
}

/** Every container image's registry (and its data endpoints) is reachable from the nodes of the level it runs on. */
export const imagesReachable: Rule = {
  id: ID,
  layer: 'images',
  description:
    "Every container image's registry and data endpoints are reachable from the nodes of the level it runs on, through the allow-list and proxy chain or by an NSG service tag.",
  evaluate(ctx: CheckContext) {
    const out: Finding[] = [];
    let any = false;
    for (const lw of levelsOf(ctx)) {
      const seen = new Map<string, KubeObject>();
      for (const w of lw.objects.filter((o) => WORKLOAD_KINDS.has(o.kind)))
        for (const c of containers(w)) if (typeof c.image === 'string' && !seen.has(c.image)) seen.set(c.image, w);
      for (const [image, w] of seen) {
        any = true;
        for (const ep of registryEndpoints(registryOf(image), ctx.intent.location)) {
          const why = reachable(ctx.world, lw, ep.host, ep.tags);
          if (why)
            out.push(
              finding(ID, 'images', lw.level.name, `image ${image} cannot be pulled: ${ep.host} is unreachable from the nodes (${why})`, {
                name: ep.host,
                port: 443,
                source: describe(w),
              }),
            );
        }
      }
    }
    return any ? resultOf(out) : { status: 'not-applicable', reason: 'no workloads' };
  },
};
