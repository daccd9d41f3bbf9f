import { createSocket } from 'node:dgram';
import { buildQuery, DnsAnswer, parseResponse } from './dns-wire';

let nextId = 1;

/**
 * Sends one UDP query to 127.0.0.1:`port` and resolves with the parsed answer, or
 * rejects after `timeoutMs`.
 */
export function queryDns(port: number, name: string, qtype: number, timeoutMs = 2000): Promise<DnsAnswer> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const id = nextId++ & 0xffff;
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`no DNS answer for ${name} (type ${qtype}) from 127.0.0.1:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('message', (msg) => {
      if (msg.readUInt16BE(0) !== id) return;
      clearTimeout(timer);
      socket.close();
      resolve(parseResponse(msg));
    });
    socket.send(buildQuery(id, name, qtype), port, '127.0.0.1');
  });
}
