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
