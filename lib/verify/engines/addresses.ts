import { PRIVATE_RANGES } from '../../model/azure-facts';
import { parseIpv4 } from '../../model/ipv4';

/** An inclusive IPv4 range. */
export interface Range {
  readonly lo: number;
  readonly hi: number;
}

/** Parses an IP or CIDR leniently (host bits allowed); undefined for tags and junk. */
export function parseRange(text: string): Range | undefined {
  const m = /^([0-9.]+)(?:\/(\d{1,2}))?$/.exec(text.trim());
  if (!m) return undefined;
  const ip = parseIpv4(m[1]);
  const prefix = m[2] === undefined ? 32 : Number(m[2]);
  if (ip === undefined || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  const lo = Math.floor(ip / size) * size;
  return { lo, hi: lo + size - 1 };
}

/** The private ranges (RFC 1918, RFC 6598), parsed. */
export const PRIVATE: readonly Range[] = PRIVATE_RANGES.map((c) => parseRange(c)!);

export const contains = (outer: Range, inner: Range) => outer.lo <= inner.lo && inner.hi <= outer.hi;
export const overlaps = (a: Range, b: Range) => a.lo <= b.hi && b.lo <= a.hi;

/** True when the IP text lies in the CIDR text. */
export function ipInCidr(ip: string, cidr: string): boolean {
  const a = parseRange(ip);
  const b = parseRange(cidr);
  return a !== undefined && b !== undefined && contains(b, a);
}
