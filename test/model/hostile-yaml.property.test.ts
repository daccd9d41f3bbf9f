import fc from 'fast-check';
import { ConfigError, formatIssue, parseConfig, NAME_PATTERN } from '../../lib/model';
import { BASE } from '../support/configs';

/** Shape every accepted pattern must have: nothing else can reach a renderer. */
const SAFE_PATTERN = /^(\*\.)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;

/** Pieces of YAML a hostile author would try: tags, anchors, merge keys, object-member keys, documents, odd scalars, control and look-alike characters. */
const HOSTILE_TOKENS = [
  '!include /etc/passwd',
  '!!binary aGVsbG8=',
  '!!set {a, b}',
  '!!timestamp 2001-12-14',
  '!!js/function "x"',
  '!foo bar',
  '!!str 1',
  '!!int "7"',
  '&a [1, 2]',
  '*a',
  '*.b.com',
  '<<: {nodeCount: 1}',
  '__proto__: {x: 1}',
  'constructor: 1',
  'toString: x',
  'hasOwnProperty: 1',
  '? [a, b]\n: c',
  '---',
  '...',
  '%YAML 1.1',
  '\t',
  '\u0000',
  '\u0085',
  '\u2028',
  '\ufeff',
  '"unterminated',
  "'also",
  '{a: 1',
  '[1, 2',
  '- - -',
  '1e400',
  '0x1F',
  '.inf',
  '.nan',
  '-0',
  '99999999999999999999',
  'null',
  '~',
  'yes',
  'on',
  '""',
  '|\n  block',
  '>\n  folded',
  'pаypal.com',
  'xn--80ak6aa92e.com',
  'ｅxample.com',
  'a.com\nserver=/#/6.6.6.6',
  '*.co.uk',
  'bücher.de',
  '{region}.x.com',
  '"*.b.com"',
  ':',
  '- ',
  '# comment',
  '  ',
  '\n',
];

/** A valid config with hostile pieces spliced in at random places. */
const hostileDocument = fc
  .tuple(
    fc.array(fc.tuple(fc.nat(), fc.constantFrom(...HOSTILE_TOKENS), fc.boolean()), { minLength: 1, maxLength: 6 }),
    fc.constantFrom(BASE, `${BASE}cluster:\n  nodeCount: 3\n`),
  )
  .map(([insertions, base]) => {
    let text = base;
    for (const [at, token, ownLine] of insertions) {
      const i = at % (text.length + 1);
      text = text.slice(0, i) + (ownLine ? `\n${token}\n` : token) + text.slice(i);
    }
    return text;
  });

/** Entirely random text, and random structures written as YAML flow text. */
const noise = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: fc.constantFrom(...'{}[]:,-?!&*#|>\'"\n\t %@`'.split('')), maxLength: 120 }),
);

function outcome(text: string): { model?: ReturnType<typeof parseConfig>; issues?: readonly string[] } {
  try {
    return { model: parseConfig(text, 'egress.yaml') };
  } catch (e) {
    // Anything but a ConfigError (a TypeError, a RangeError, a stack overflow) fails the property.
    if (!(e instanceof ConfigError)) throw e;
    return { issues: e.issues.map(formatIssue) };
  }
}

describe('hostile YAML documents (property)', () => {
  test('every document is either a model with only safe values, or refused with one-line messages naming the file', () => {
    fc.assert(
      fc.property(fc.oneof(hostileDocument, noise), (text) => {
        const result = outcome(text);
        if (result.model) {
          expect(NAME_PATTERN.test(result.model.name)).toBe(true);
          for (const entry of result.model.allowEntries) expect(entry.pattern).toMatch(SAFE_PATTERN);
          return;
        }
        expect(result.issues!.length).toBeGreaterThan(0);
        for (const line of result.issues!) {
          expect(line.startsWith('egress.yaml')).toBe(true);
          // A message is one line: a value or a key can never inject text that looks like another message.
          expect(line).not.toMatch(/[\n\r\u2028\u2029\u0085]/);
        }
      }),
      { numRuns: Number(process.env.HOSTILE_RUNS ?? (process.env.CI === 'true' ? 1000 : 400)) },
    );
  });
});
