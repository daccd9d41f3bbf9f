import { AllowEntry } from './allow-entries';

/** A forwarded zone that would take listed names away from the proxy. */
export interface ForwardZoneClash {
  /** Index of the zone in the config's `workloads.dnsmasq.forwardZones` list. */
  readonly index: number;
  readonly zone: string;
  readonly rule: string;
}

/**
 * Zones in `workloads.dnsmasq.forwardZones` that clash with the allow-list. dnsmasq
 * answers a name from its most specific rule (docs/semantics.md, "dnsmasq"): a
 * `server=/<zone>/` line equal to an exact entry, or below a wildcard entry, is at least as
 * specific as that entry's own lines, so listed names in it would be forwarded upstream
 * and resolve to their real addresses, past the proxy. Such a zone is refused, not
 * silently reordered.
 */
export function forwardZoneClashes(zones: readonly string[], entries: readonly AllowEntry[]): ForwardZoneClash[] {
  const clashes: ForwardZoneClash[] = [];
  zones.forEach((zone, index) => {
    const exact = entries.find((e) => e.kind === 'exact' && e.domain === zone);
    if (exact) {
      clashes.push({
        index,
        zone,
        rule: `is also the allow-list entry '${exact.pattern}': forwarding it would send that listed name upstream, past the proxy; drop one of the two`,
      });
      return;
    }
    const wildcard = entries.find((e) => e.kind === 'wildcard' && zone.endsWith(`.${e.domain}`));
    if (wildcard) {
      clashes.push({
        index,
        zone,
        rule: `lies below the allow-list entry '${wildcard.pattern}': forwarding it would send listed names upstream, past the proxy; drop the zone (the entry already resolves its names to the proxy)`,
      });
    }
  });
  return clashes;
}

/**
 * Allow-list entries that take names of the private cluster zone (`privatelink.<location>.azmk8s.io`)
 * away from it: an exact name in the zone, or a wildcard at, below or above it. CoreDNS would
 * rewrite the API server's name to the Envoy for pods (AKS gives kube-system pods that name),
 * a non-strict dnsmasq would answer it with the Envoy IP, and an Envoy would send the
 * connection upwards, where the private endpoint of a lower level is unreachable.
 * @returns each clashing entry with the index of its first source in `allowList`
 */
export function privateClusterZoneClashes(zone: string, entries: readonly AllowEntry[]): Array<{ index: number; pattern: string; rule: string }> {
  const inZone = (name: string) => name === zone || name.endsWith(`.${zone}`);
  return entries
    .filter((e) => inZone(e.domain) || (e.kind === 'wildcard' && zone.endsWith(`.${e.domain}`)))
    .map((e) => ({
      index: e.sources[0],
      pattern: e.pattern,
      rule:
        `covers names of ${zone}, where cluster.privateCluster registers every level's API server: the proxy chain would take those names ` +
        '(CoreDNS rewrites them to the Envoy, which sends the connection upwards, away from the private endpoint in the level): ' +
        'list narrower names, or remove privateCluster',
    }))
    .sort((a, b) => a.index - b.index);
}
