/**
 * Address ranges the top level's proxy must never connect to, whatever a listed name
 * resolves to: public DNS records can point at private addresses (AKS publishes private
 * API server names that way; a private link zone linked to the top VNET does the same),
 * so a wildcard on the list could otherwise steer the proxy into peered VNETs, Azure's
 * platform endpoints or the cluster itself. Pure: the NetworkPolicy renders it as the
 * `except` list of its internet ipBlock.
 */
import { AZURE_PLATFORM_IP } from '../model/azure-facts';
import { Cidr, cidrContains, cidrLast, formatCidr, parseCidr } from '../model/ipv4';

/** Never reachable from the top proxy, with the reason (IANA special-purpose registry, Azure docs). */
export const NON_PUBLIC_RANGES: ReadonlyArray<{ readonly cidr: string; readonly why: string }> = [
  { cidr: '0.0.0.0/8', why: '"this network"' },
  { cidr: '10.0.0.0/8', why: 'private (RFC 1918)' },
  { cidr: '100.64.0.0/10', why: 'shared address space, carrier-grade NAT (RFC 6598)' },
  { cidr: '127.0.0.0/8', why: 'loopback' },
  { cidr: `${AZURE_PLATFORM_IP}/32`, why: "Azure's platform address (DNS, health probes, VM agent)" },
  { cidr: '169.254.0.0/16', why: 'link-local, including the Azure instance metadata service' },
  { cidr: '172.16.0.0/12', why: 'private (RFC 1918)' },
  { cidr: '192.168.0.0/16', why: 'private (RFC 1918)' },
  { cidr: '224.0.0.0/3', why: 'multicast and reserved' },
];

const parse = (text: string): Cidr => {
  const r = parseCidr(text);
  if (!r.ok) throw new Error(`not a CIDR: ${text}`);
  return r.value;
};
const covers = (outer: Cidr, inner: Cidr): boolean => cidrContains(outer, inner.network) && cidrContains(outer, cidrLast(inner));

/**
 * The ranges the top proxy must not reach: {@link NON_PUBLIC_RANGES} plus the cluster's
 * pod and service ranges and every level's address space (which a user may place in
 * public space), without ranges another one already covers. Sorted by address.
 */
export function topProxyExcludedRanges(extra: readonly string[]): string[] {
  const all = [...NON_PUBLIC_RANGES.map((r) => r.cidr), ...extra].map(parse);
  const kept = all.filter((c, i) => !all.some((o, j) => j !== i && covers(o, c) && (o.prefix < c.prefix || j < i)));
  const unique = [...new Map(kept.map((c) => [formatCidr(c), c])).values()];
  return unique.sort((a, b) => a.network - b.network || a.prefix - b.prefix).map(formatCidr);
}
