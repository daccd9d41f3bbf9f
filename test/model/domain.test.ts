import { parseDomain } from '../../lib/model/domain';

const ok = (raw: string) => {
  const r = parseDomain(raw, 'westeurope');
  if (!r.ok) throw new Error(`expected '${raw}' to be accepted, got: ${r.rule}`);
  return r.value;
};
const rule = (raw: string) => {
  const r = parseDomain(raw, 'westeurope');
  if (r.ok) throw new Error(`expected '${raw}' to be rejected, got ${r.value.pattern}`);
  return r.rule;
};

describe('parseDomain: accepted shapes and normalisation', () => {
  test.each([
    ['mcr.microsoft.com', 'mcr.microsoft.com', 'exact'],
    ['MCR.Microsoft.COM', 'mcr.microsoft.com', 'exact'],
    ['mcr.microsoft.com.', 'mcr.microsoft.com', 'exact'],
    ['*.data.mcr.microsoft.com', '*.data.mcr.microsoft.com', 'wildcard'],
    ['*.DATA.mcr.microsoft.com.', '*.data.mcr.microsoft.com', 'wildcard'],
    ['{region}.obo.arc.azure.com', 'westeurope.obo.arc.azure.com', 'exact'],
    ['*.hcp.{region}.azmk8s.io', '*.hcp.westeurope.azmk8s.io', 'wildcard'],
    ['bücher.example.de', 'xn--bcher-kva.example.de', 'exact'],
    ['xn--bcher-kva.example.de', 'xn--bcher-kva.example.de', 'exact'],
    ['a-b.c0.io', 'a-b.c0.io', 'exact'],
  ])('%s -> %s (%s)', (raw, pattern, kind) => {
    const value = ok(raw);
    expect(value.pattern).toBe(pattern);
    expect(value.kind).toBe(kind);
  });

  test('wildcard keeps its suffix separately', () => {
    expect(ok('*.b.com')).toEqual({ kind: 'wildcard', pattern: '*.b.com', suffix: 'b.com' });
  });

  test('normalisation is idempotent', () => {
    for (const raw of ['MCR.microsoft.com.', '*.B.com', 'bücher.de', '{region}.x.com']) {
      const once = ok(raw).pattern;
      expect(ok(once).pattern).toBe(once);
    }
  });
});

describe('parseDomain: every rule, with its exact message', () => {
  test.each([
    ['', 'a domain must not be empty'],
    ['evil.com\naddress=/#/6.6.6.6', 'a domain must not contain control characters (a newline could become a new directive in a config file)'],
    ['evil.com\u0000', 'a domain must not contain control characters (a newline could become a new directive in a config file)'],
    ['evil .com', 'a domain must not contain whitespace'],
    ['evil\u00a0.com', 'a domain must not contain whitespace'],
    ['x}{.example.com', 'a domain must not contain braces; the only placeholder is {region}'],
    ['{zone}.example.com', 'a domain must not contain braces; the only placeholder is {region}'],
    ['https://example.com', 'a domain is a bare host name, not a URL: drop the scheme (https://)'],
    ['graph.microsoft.com/', "a domain must not contain '/' or '\\' (a path or a trailing slash)"],
    ['example.com/path', "a domain must not contain '/' or '\\' (a path or a trailing slash)"],
    ['example.com:443', "a domain must not contain ':': put ports in `ports:`, and IP addresses are not allowed"],
    ['user@example.com', "a domain must not contain \"@\": only letters, digits, '-', '.' and a leading '*.' are allowed"],
    ['"quoted".com', "a domain must not contain \"\\\"\": only letters, digits, '-', '.' and a leading '*.' are allowed"],
    ['a#b.com', "a domain must not contain \"#\": only letters, digits, '-', '.' and a leading '*.' are allowed"],
    ['under_score.com', "a domain must not contain \"_\": only letters, digits, '-', '.' and a leading '*.' are allowed"],
    ['.leading.example.com', "a domain must not start with '.': write '*.b.com' for the subdomains of b.com, and add 'b.com' as well for the apex"],
    ['*', "a bare '*' would allow every name on the internet"],
    ['*contoso.com', "'*' must be a whole leftmost label followed by '.' ('*.b.com'): '*b.com' would also match look-alikes such as 'evilb.com'"],
    ['foo.*.com', "'*' is only allowed as the entire leftmost label ('*.b.com')"],
    ['www.b.*', "'*' is only allowed as the entire leftmost label ('*.b.com')"],
    ['*.*.b.com', "'*' is only allowed as the entire leftmost label ('*.b.com')"],
    ['a..b.com', "a domain must not contain an empty label ('..' or a trailing '..')"],
    ['b.com..', "a domain must not contain an empty label ('..' or a trailing '..')"],
    ['-lead.example.com', "a label must not start or end with '-' ('-lead')"],
    ['trail-.example.com', "a label must not start or end with '-' ('trail-')"],
    [`${'a'.repeat(64)}.com`, `a label must be at most 63 characters ('aaaaaaaaaaaaaaaaaaaa...' has 64)`],
    ['xn--zz.com', "'xn--zz' is not valid punycode"],
    ['10.0.0.1', 'an IP address is not a domain: the allow-list names hosts, and the proxy routes by TLS server name'],
    ['example.123', 'the top-level label must not be all digits'],
    ['localhost', 'a domain needs at least two labels (a single label is not an internet name)'],
    ['*.com', "'*.' must be followed by at least two labels ('*.b.com'): a wildcard over a whole top-level domain allows too much"],
    [`${'a.'.repeat(126)}com`, 'a domain must be at most 253 characters (this one has 255)'],
    ['ｅｘａｍｐｌｅ.com', "label 'ｅｘａｍｐｌｅ' is a look-alike of the ASCII name 'example': write the ASCII name"],
    [
      'ex\u0430mple.com',
      `label 'exаmple' is a look-alike (homograph) by Unicode's confusable and mixed-script data (UTS #39): illegal mixture: Latin + Cyrillic "а" {430}`,
    ],
    ['a\u200db.com', "label 'a\u200db' contains a character that is neither a letter nor a digit (punctuation, symbol or invisible character)"],
    ['evil\uff0fx.com', "label 'evil\uff0fx' contains a character that is neither a letter nor a digit (punctuation, symbol or invisible character)"],
    ['a\u3002b.com', "label 'a\u3002b' contains a character that is neither a letter nor a digit (punctuation, symbol or invisible character)"],
  ])('%j is rejected', (raw, message) => {
    expect(rule(raw)).toBe(message);
  });
});
