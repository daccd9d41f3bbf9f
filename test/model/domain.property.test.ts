import fc from 'fast-check';
import { parseDomain } from '../../lib/model/domain';

/** Shape every accepted pattern must have: nothing else can reach a renderer. */
const SAFE_PATTERN = /^(\*\.)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;

// '--' in the third and fourth places marks a reserved label (RFC 5891 4.2.3.1: 'xn--' is punycode): not an ordinary valid label.
const labelArb = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?$/).filter((l) => l.slice(2, 4) !== '--');
const validDomainArb = fc
  .tuple(fc.boolean(), fc.array(labelArb, { minLength: 1, maxLength: 4 }), fc.stringMatching(/^[a-z]{2,6}$/))
  .map(([wild, labels, tld]) => `${wild ? '*.' : ''}${[...labels, tld].join('.')}`);

/** Characters that must never pass: config-file syntax, whitespace, and Unicode that folds to ASCII syntax. */
const HOSTILE = [
  '\n',
  '\r',
  '\t',
  ' ',
  '{',
  '}',
  '"',
  "'",
  '#',
  '/',
  '\\',
  ';',
  '=',
  ':',
  '@',
  '$',
  '`',
  '\u0000',
  '\u00a0',
  '\u2028',
  '\u200b',
  '\u200d',
  '\u3002',
  '\uff0e',
  '\uff0f',
  '\uff0a',
  '\ufe6b',
  '\uff03',
];

const parse = (s: string) => parseDomain(s, 'westeurope');

describe('domain validation properties (10,000 generated cases)', () => {
  test('any accepted input has only [a-z0-9.*-] in the documented shapes', () => {
    const noisy = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.string({ unit: fc.constantFrom(...'abcXYZ019-.*/:{}\n #'.split('')), maxLength: 30 }),
      validDomainArb,
    );
    fc.assert(
      fc.property(noisy, (raw) => {
        const r = parse(raw);
        if (!r.ok) return true;
        const p = r.value.pattern;
        return SAFE_PATTERN.test(p) && p.length <= 253 && p.split('.').every((l) => l.length <= 63);
      }),
      { numRuns: 4000 },
    );
  });

  test('normalisation is idempotent', () => {
    fc.assert(
      fc.property(validDomainArb, fc.boolean(), fc.boolean(), (domain, upper, dot) => {
        const raw = `${upper ? domain.toUpperCase() : domain}${dot ? '.' : ''}`;
        const first = parse(raw);
        if (!first.ok) return false;
        const second = parse(first.value.pattern);
        return second.ok && second.value.pattern === first.value.pattern && first.value.pattern === domain;
      }),
      { numRuns: 3000 },
    );
  });

  test('a valid domain with any hostile character inserted anywhere is rejected', () => {
    fc.assert(
      fc.property(validDomainArb, fc.constantFrom(...HOSTILE), fc.nat(), (domain, bad, at) => {
        const i = at % (domain.length + 1);
        const raw = domain.slice(0, i) + bad + domain.slice(i);
        return !parse(raw).ok;
      }),
      { numRuns: 3000 },
    );
  });
});
