import { Writable } from 'node:stream';

/** A stream that keeps what the CLI writes to it, for tests that call `main(argv, out, err)` in-process. */
export function capture(): Writable & { text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return Object.assign(stream, { text: () => chunks.join('') });
}
