/**
 * Minimal DNS wire format helpers for tests (RFC 1035): build a query, parse a response,
 * build an answer. Only what the verifier's agreement tests need: A, AAAA and the
 * response code. Used by the fake upstream and the probing client.
 */

/** Query types the tests send. */
export const QTYPE = { A: 1, AAAA: 28, TXT: 16, HTTPS: 65 } as const;
export type QtypeName = keyof typeof QTYPE;

/** Response codes. */
export const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;

/** A parsed DNS answer, reduced to what the tests compare. */
export interface DnsAnswer {
  readonly rcode: number;
  /** A records (dotted quads), in answer order. */
  readonly a: string[];
  /** AAAA records (expanded hex groups), in answer order. */
  readonly aaaa: string[];
  /** Number of answer records of any type. */
  readonly count: number;
}

function encodeName(name: string): Buffer {
  const parts = name
    .replace(/\.$/, '')
    .split('.')
    .filter((l) => l.length > 0);
  const bufs = parts.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'ascii')]));
  return Buffer.concat([...bufs, Buffer.from([0])]);
}

/** Builds a recursive query for `name` and `qtype` with transaction `id`. */
export function buildQuery(id: number, name: string, qtype: number): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id & 0xffff, 0);
  header.writeUInt16BE(0x0100, 2); // RD
  header.writeUInt16BE(1, 4);
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(qtype, 0);
  tail.writeUInt16BE(1, 2);
  return Buffer.concat([header, encodeName(name), tail]);
}

/** Reads a possibly compressed name at `offset`; returns it and the offset after it. */
function readName(msg: Buffer, offset: number): { name: string; next: number } {
  const labels: string[] = [];
  let pos = offset;
  let next = -1;
  for (let guard = 0; guard < 128; guard++) {
    const len = msg[pos];
    if (len === 0) {
      pos += 1;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (next === -1) next = pos + 2;
      pos = ((len & 0x3f) << 8) | msg[pos + 1];
      continue;
    }
    labels.push(msg.toString('ascii', pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
  return { name: labels.join('.'), next: next === -1 ? pos : next };
}

/** The question of a query: id, name (lowercase, no trailing dot), type, and the raw question bytes. */
export function parseQuestion(msg: Buffer): { id: number; name: string; qtype: number; question: Buffer } {
  const id = msg.readUInt16BE(0);
  const { name, next } = readName(msg, 12);
  const qtype = msg.readUInt16BE(next);
  return { id, name: name.toLowerCase(), qtype, question: msg.subarray(12, next + 4) };
}

/** Parses a response into rcode and A / AAAA answers. */
export function parseResponse(msg: Buffer): DnsAnswer {
  const rcode = msg.readUInt16BE(2) & 0x0f;
  const qd = msg.readUInt16BE(4);
  const an = msg.readUInt16BE(6);
  let pos = 12;
  for (let i = 0; i < qd; i++) pos = readName(msg, pos).next + 4;
  const a: string[] = [];
  const aaaa: string[] = [];
  for (let i = 0; i < an; i++) {
    pos = readName(msg, pos).next;
    const type = msg.readUInt16BE(pos);
    const rdlen = msg.readUInt16BE(pos + 8);
    const rdata = msg.subarray(pos + 10, pos + 10 + rdlen);
    if (type === QTYPE.A && rdlen === 4) a.push([...rdata].join('.'));
    if (type === QTYPE.AAAA && rdlen === 16) {
      const groups: string[] = [];
      for (let g = 0; g < 8; g++) groups.push(rdata.readUInt16BE(g * 2).toString(16));
      aaaa.push(groups.join(':'));
    }
    pos += 10 + rdlen;
  }
  return { rcode, a, aaaa, count: an };
}

/** Builds a response to `query` carrying one A or AAAA record (or none, for other types). */
export function buildAnswer(query: Buffer, record: { a?: string; aaaa?: string }, ttl = 60): Buffer {
  const q = parseQuestion(query);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(q.id, 0);
  header.writeUInt16BE(0x8180, 2); // QR RD RA, NOERROR
  header.writeUInt16BE(1, 4);
  const answers: Buffer[] = [];
  const rr = (type: number, rdata: Buffer) => {
    const fixed = Buffer.alloc(12);
    fixed.writeUInt16BE(0xc00c, 0);
    fixed.writeUInt16BE(type, 2);
    fixed.writeUInt16BE(1, 4);
    fixed.writeUInt32BE(ttl, 6);
    fixed.writeUInt16BE(rdata.length, 10);
    answers.push(Buffer.concat([fixed, rdata]));
  };
  if (q.qtype === QTYPE.A && record.a) rr(QTYPE.A, Buffer.from(record.a.split('.').map(Number)));
  if (q.qtype === QTYPE.AAAA && record.aaaa) {
    const b = Buffer.alloc(16);
    record.aaaa.split(':').forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
    rr(QTYPE.AAAA, b);
  }
  header.writeUInt16BE(answers.length, 6);
  return Buffer.concat([header, q.question, ...answers]);
}
