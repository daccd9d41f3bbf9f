import { createSocket, Socket } from 'node:dgram';
import { buildAnswer, parseQuestion, QTYPE } from './dns-wire';

/** The addresses the fake upstream gives every name: seeing them means the query leaked upstream. */
export const UPSTREAM_A = '198.51.100.99';
export const UPSTREAM_AAAA = '2001:db8:0:0:0:0:0:99';

/** A running fake upstream resolver. */
export interface FakeUpstream {
  readonly port: number;
  /** Names (lowercase) it was asked, with their query type, in order. */
  readonly queries: Array<{ name: string; qtype: number }>;
  close(): Promise<void>;
}

/**
 * Starts a UDP DNS server on 127.0.0.1 (random port) that answers EVERY A query with
 * {@link UPSTREAM_A} and every AAAA query with {@link UPSTREAM_AAAA} (other types: an
 * empty NOERROR). Anything a resolver under test forwards therefore comes back with a
 * recognisable address, so a leak is visible in the answer.
 */
export function startFakeUpstream(): Promise<FakeUpstream> {
  return new Promise((resolve, reject) => {
    const socket: Socket = createSocket('udp4');
    const queries: Array<{ name: string; qtype: number }> = [];
    socket.on('message', (msg, rinfo) => {
      try {
        const q = parseQuestion(msg);
        queries.push({ name: q.name, qtype: q.qtype });
        const reply = buildAnswer(msg, { a: q.qtype === QTYPE.A ? UPSTREAM_A : undefined, aaaa: q.qtype === QTYPE.AAAA ? UPSTREAM_AAAA : undefined });
        socket.send(reply, rinfo.port, rinfo.address);
      } catch {
        /* ignore malformed packets */
      }
    });
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const port = socket.address().port;
      resolve({ port, queries, close: () => new Promise((r) => socket.close(() => r())) });
    });
  });
}
