import { domainToASCII, domainToUnicode } from 'node:url';
import { ens_normalize } from '@adraffy/ens-normalize';

/**
 * A validated, normalised allow-list pattern. The only two shapes that survive
 * validation (see docs/semantics.md):
 *
 * - `exact`: `a.b.com`, that name only;
 * - `wildcard`: `*.b.com`, any name below `b.com` at any depth, not `b.com` itself.
 *
 * Every string in here matches `^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+$`, so no renderer can
 * be handed a newline, a brace, a quote or a slash.
 */
export type DomainPattern =
  | { readonly kind: 'exact'; readonly pattern: string; readonly name: string }
  | { readonly kind: 'wildcard'; readonly pattern: string; readonly suffix: string };

/** Result of parsing one raw domain: a pattern, or the rule the input broke. */
export type DomainParseResult = { readonly ok: true; readonly value: DomainPattern } | { readonly ok: false; readonly rule: string };

/** The only placeholder allowed in a domain; replaced by the config's `location`. */
export const REGION_PLACEHOLDER = '{region}';

const MAX_NAME_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;
const LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
// eslint-disable-next-line no-control-regex -- control characters are what this refuses
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
const WHITESPACE = /[\s\p{Z}]/u;
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
/** Characters allowed in an ASCII domain pattern before labels are checked. */
const ASCII_ALLOWED = /^[A-Za-z0-9.*-]$/;

const fail = (rule: string): DomainParseResult => ({ ok: false, rule });

/**
 * Parses and normalises one allow-list domain.
 *
 * Normalisation: `{region}` replaced by `location`, lowercase, one trailing dot dropped,
 * internationalised labels converted to punycode. Everything
 * docs/semantics.md lists as an error is refused with the rule it broke.
 *
 * @param raw the domain as written in the config file
 * @param location the Azure region that fills `{region}`
 */
export function parseDomain(raw: string, location: string): DomainParseResult {
  if (raw.length === 0) return fail('a domain must not be empty');
  if (CONTROL.test(raw)) return fail('a domain must not contain control characters (a newline could become a new directive in a config file)');
  if (WHITESPACE.test(raw)) return fail('a domain must not contain whitespace');
  const text = raw.split(REGION_PLACEHOLDER).join(location);
  if (/[{}]/.test(text)) return fail(`a domain must not contain braces; the only placeholder is ${REGION_PLACEHOLDER}`);
  if (SCHEME.test(text)) return fail('a domain is a bare host name, not a URL: drop the scheme (https://)');
  if (/[/\\]/.test(text)) return fail("a domain must not contain '/' or '\\' (a path or a trailing slash)");
  if (text.includes(':')) return fail("a domain must not contain ':': put ports in `ports:`, and IP addresses are not allowed");
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80 && !ASCII_ALLOWED.test(ch)) {
      return fail(`a domain must not contain ${JSON.stringify(ch)}: only letters, digits, '-', '.' and a leading '*.' are allowed`);
    }
  }

  let name = text.endsWith('.') ? text.slice(0, -1) : text;
  if (name.startsWith('.')) {
    return fail("a domain must not start with '.': write '*.b.com' for the subdomains of b.com, and add 'b.com' as well for the apex");
  }
  if (name === '*') return fail("a bare '*' would allow every name on the internet");

  let wildcard = false;
  if (name.includes('*')) {
    if (name.startsWith('*.') && !name.slice(2).includes('*')) {
      wildcard = true;
      name = name.slice(2);
    } else if (name.startsWith('*') && !name.startsWith('*.')) {
      return fail("'*' must be a whole leftmost label followed by '.' ('*.b.com'): '*b.com' would also match look-alikes such as 'evilb.com'");
    } else {
      return fail("'*' is only allowed as the entire leftmost label ('*.b.com')");
    }
  }

  const labels = name.split('.');
  const ascii: string[] = [];
  for (const label of labels) {
    if (label.length === 0) return fail("a domain must not contain an empty label ('..' or a trailing '..')");
    // eslint-disable-next-line no-control-regex -- control characters are what this refuses
    const converted = /^[\x00-\x7f]*$/.test(label) ? { ok: true as const, value: label.toLowerCase() } : toPunycode(label);
    if (!converted.ok) return converted;
    ascii.push(converted.value);
  }

  for (const label of ascii) {
    if (label.length > MAX_LABEL_LENGTH) return fail(`a label must be at most ${MAX_LABEL_LENGTH} characters ('${label.slice(0, 20)}...' has ${label.length})`);
    if (label.startsWith('-') || label.endsWith('-')) return fail(`a label must not start or end with '-' ('${label}')`);
    if (!LABEL.test(label)) return fail(`a label may only contain a-z, 0-9 and '-' ('${label}')`);
    if (label.startsWith('xn--')) {
      // Punycode as written gets the same look-alike checks as the Unicode it stands for.
      const unicode = domainToUnicode(label);
      if (domainToASCII(label) !== label || unicode === '' || unicode === label) return fail(`'${label}' is not valid punycode`);
      const again = toPunycode(unicode);
      if (!again.ok) return fail(`${again.rule} (decoded from '${label}')`);
      if (again.value !== label) return fail(`'${label}' is not the canonical punycode of '${unicode}' (that is '${again.value}')`);
    }
  }

  const base = ascii.join('.');
  if (IPV4.test(base)) return fail('an IP address is not a domain: the allow-list names hosts, and the proxy routes by TLS server name');
  if (/^\d+$/.test(ascii[ascii.length - 1])) return fail('the top-level label must not be all digits');
  if (ascii.length < 2) {
    return fail(
      wildcard
        ? "'*.' must be followed by at least two labels ('*.b.com'): a wildcard over a whole top-level domain allows too much"
        : 'a domain needs at least two labels (a single label is not an internet name)',
    );
  }
  const pattern = wildcard ? `*.${base}` : base;
  if (pattern.length > MAX_NAME_LENGTH) return fail(`a domain must be at most ${MAX_NAME_LENGTH} characters (this one has ${pattern.length})`);

  return { ok: true, value: wildcard ? { kind: 'wildcard', pattern, suffix: base } : { kind: 'exact', pattern, name: base } };
}

/**
 * Converts one internationalised label to punycode, refusing labels that only look like
 * something else:
 *
 * - characters other than letters, marks and digits (punctuation, symbols, invisible
 *   characters such as zero-width joiners and soft hyphens);
 * - labels Unicode's security data flags (UTS #39 confusables and mixed-script rules,
 *   applied by `@adraffy/ens-normalize`, whose tables are generated from Unicode's own
 *   confusables.txt, Scripts and Script_Extensions): letters of several scripts in one
 *   label (`pаypal` with a Cyrillic `а`), a whole label in one script that reads as
 *   Latin (`раура` in Cyrillic, `ᎪᏴᏟ` in Cherokee, `օ` in Armenian), and single
 *   characters listed as confusable with a Latin letter (`ɑ`, `ı`). A whole label that
 *   reads only as another non-Latin script (`рф`, which is also Greek-looking) mimics
 *   no ASCII name and is accepted;
 * - compatibility forms that fold to other characters (fullwidth `ｅ`, ligature `ﬁ`,
 *   roman numeral `ⅰ`), and labels whose ASCII form is plain ASCII.
 */
function toPunycode(label: string): { ok: true; value: string } | { ok: false; rule: string } {
  const nfc = label.normalize('NFC');
  if (!/^[\p{L}\p{M}\p{N}-]+$/u.test(nfc)) {
    return { ok: false, rule: `label '${label}' contains a character that is neither a letter nor a digit (punctuation, symbol or invisible character)` };
  }
  const converted = domainToASCII(nfc);
  if (!converted.startsWith('xn--') || converted.includes('.')) {
    return { ok: false, rule: `label '${label}' is a look-alike of the ASCII name '${converted || '?'}': write the ASCII name` };
  }
  const lower = nfc.toLowerCase();
  let normalised: string;
  try {
    normalised = ens_normalize(lower);
  } catch (e) {
    // The library marks the offending character with bidi marks for display: drop them.
    const reason = (e as Error).message.replace(/[\u200e\u200f]/g, '');
    // A whole label that reads as another non-Latin script ('рф' as Greek) mimics no ASCII name: allowed.
    const wholeScript = /^whole-script confusable: (.+)\/(.+)$/.exec(reason);
    if (wholeScript && !wholeScript.slice(1).includes('Latin')) return { ok: true, value: converted };
    return { ok: false, rule: `label '${label}' is a look-alike (homograph) by Unicode's confusable and mixed-script data (UTS #39): ${reason}` };
  }
  if (normalised !== lower) {
    return { ok: false, rule: `label '${label}' contains a compatibility form of '${normalised}' (a look-alike): write '${normalised}'` };
  }
  return { ok: true, value: converted };
}

/**
 * Normalises a name being looked up (not a pattern): lowercase, one trailing dot dropped.
 * Used by matchers, which must treat `A.B.COM.` like `a.b.com`.
 */
export function normaliseQueryName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}
