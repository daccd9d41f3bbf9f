/** An IPv4 network in CIDR form, with its address as an unsigned 32-bit number. */
export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly network: number;
  /** Prefix length, 0-32. */
  readonly prefix: number;
}

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4_RE = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);

/** Parses a dotted-quad IPv4 address; undefined when it is not one (no leading zeros). */
export function parseIpv4(text: string): number | undefined {
  const m = IPV4_RE.exec(text);
  if (!m) return undefined;
  return ((+m[1] << 24) >>> 0) + (+m[2] << 16) + (+m[3] << 8) + +m[4];
}

/** Formats an unsigned 32-bit number as a dotted quad. */
export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff).join('.');
}

/** Result of parsing a CIDR: the network, or why the text is not a usable one. */
export type CidrParseResult = { ok: true; value: Cidr } | { ok: false; rule: string };

/**
 * Parses `a.b.c.d/n`. The address must be the network address itself: `172.16.1.0/16`
 * is refused (with the aligned form in the message) because a typo there usually means
 * the user meant another network.
 */
export function parseCidr(text: string): CidrParseResult {
  const m = /^([0-9.]+)\/(\d{1,2})$/.exec(text);
  if (!m) return { ok: false, rule: 'must be an IPv4 CIDR such as 172.16.0.0/16' };
  const address = parseIpv4(m[1]);
  const prefix = Number(m[2]);
  if (address === undefined || prefix > 32) return { ok: false, rule: 'must be an IPv4 CIDR such as 172.16.0.0/16' };
  const network = (address & prefixMask(prefix)) >>> 0;
  if (network !== address) {
    return { ok: false, rule: `host bits are set: the network address of this block is ${formatCidr({ network, prefix })}` };
  }
  return { ok: true, value: { network, prefix } };
}

/** Formats a network as `a.b.c.d/n`. */
export function formatCidr(cidr: Cidr): string {
  return `${formatIpv4(cidr.network)}/${cidr.prefix}`;
}

/** Number of addresses in the block. */
export function cidrSize(cidr: Cidr): number {
  return 2 ** (32 - cidr.prefix);
}

/** Last address of the block (its broadcast address). */
export function cidrLast(cidr: Cidr): number {
  return cidr.network + cidrSize(cidr) - 1;
}

/** True when `ip` lies inside `cidr`. */
export function cidrContains(cidr: Cidr, ip: number): boolean {
  return ip >= cidr.network && ip <= cidrLast(cidr);
}

/** True when the two blocks share at least one address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.network <= cidrLast(b) && b.network <= cidrLast(a);
}

/**
 * The `index`-th block of length `prefix` inside `parent` (for example the second /24
 * of a /16). Throws when it does not fit: callers check sizes first.
 */
export function subnetAt(parent: Cidr, prefix: number, index: number): Cidr {
  if (prefix < parent.prefix) throw new Error(`a /${prefix} does not fit in ${formatCidr(parent)}`);
  const network = parent.network + index * 2 ** (32 - prefix);
  const sub = { network, prefix };
  if (cidrLast(sub) > cidrLast(parent)) throw new Error(`block ${index} of /${prefix} lies outside ${formatCidr(parent)}`);
  return sub;
}

function prefixMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/**
 * Finds overlapping pairs among named blocks by sorting on the start address: each block
 * only needs comparing with the furthest-reaching block before it (n log n, no all-pairs).
 */
export function findOverlaps<T extends { cidr: Cidr }>(items: readonly T[]): Array<[T, T]> {
  const sorted = [...items].sort((a, b) => a.cidr.network - b.cidr.network || a.cidr.prefix - b.cidr.prefix);
  const overlaps: Array<[T, T]> = [];
  let reach: T | undefined;
  for (const item of sorted) {
    if (reach && cidrsOverlap(reach.cidr, item.cidr)) overlaps.push([reach, item]);
    if (!reach || cidrLast(item.cidr) > cidrLast(reach.cidr)) reach = item;
  }
  return overlaps;
}
