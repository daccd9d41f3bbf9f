import { PRIVATE_RANGES } from '../../model/azure-facts';
import { parseIpv4 } from '../../model/ipv4';

/** An inclusive IPv4 range. */
export interface Range {
  readonly lo: number;
  readonly hi: number;
}

/**
 * Parsed texts. The engines ask about the same few hundred addresses and rule prefixes
 * for every probe (a hub firewall's source groups, once per rule and flow, were most of
 * `check`'s time on long lists); the results are frozen, so sharing them is safe. Cleared
 * when full, so a long-lived process cannot grow it without bound.
 */
const parsedRanges = new Map<string, Range | undefined>();
const PARSED_RANGES_LIMIT = 65_536;

/** Parses an IP or CIDR leniently (host bits allowed); undefined for tags and junk. */
export function parseRange(text: string): Range | undefined {
  if (parsedRanges.has(text)) return parsedRanges.get(text);
  const range = parseRangeText(text);
  if (parsedRanges.size >= PARSED_RANGES_LIMIT) parsedRanges.clear();
  parsedRanges.set(text, range);
  return range;
}

function parseRangeText(text: string): Range | undefined {
  const m = /^([0-9.]+)(?:\/(\d{1,2}))?$/.exec(text.trim());
  if (!m) return undefined;
  const ip = parseIpv4(m[1]);
  const prefix = m[2] === undefined ? 32 : Number(m[2]);
  if (ip === undefined || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  const lo = Math.floor(ip / size) * size;
  return Object.freeze({ lo, hi: lo + size - 1 });
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
