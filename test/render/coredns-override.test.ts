import { renderCorednsOverride, wildcardRegex } from '../../lib/render/coredns-override';

const entries = [
  { pattern: '*.b.com', kind: 'wildcard' as const, domain: 'b.com' },
  { pattern: 'a.b.com', kind: 'exact' as const, domain: 'a.b.com' },
  { pattern: '*.data.mcr.microsoft.com', kind: 'wildcard' as const, domain: 'data.mcr.microsoft.com' },
];
const text = renderCorednsOverride({ entries, service: 'envoy', namespace: 'egress' });

describe('CoreDNS override', () => {
  test('follows semantics.md: exact rewrite for exact names, anchored regex with answer auto for wildcards', () => {
    expect(text).toBe(
      [
        'rewrite name exact a.b.com envoy.egress.svc.cluster.local',
        'rewrite name regex ^(?:[^.]+\\.)+b\\.com\\.$ envoy.egress.svc.cluster.local. answer auto',
        'rewrite name regex ^(?:[^.]+\\.)+data\\.mcr\\.microsoft\\.com\\.$ envoy.egress.svc.cluster.local. answer auto',
        '',
      ].join('\n'),
    );
  });

  test('only rewrite lines: no server block, no other plugin', () => {
    for (const line of text.trim().split('\n')) expect(line).toMatch(/^rewrite name (exact|regex) /);
    expect(text).not.toMatch(/\.:53|\{|\}|hosts|template/);
  });

  test('every regex is anchored at both ends with every dot escaped', () => {
    for (const m of text.matchAll(/regex (\S+) /g)) {
      expect(m[1]).toMatch(/^\^.*\$$/);
      const suffix = m[1].replace(/^\^\(\?:\[\^\.\]\+\\\.\)\+/, '');
      expect(suffix).not.toMatch(/(^|[^\\])\.(?!$)/);
    }
  });

  test('the wildcard regex (RE2 and JS agree on this syntax) matches any depth, never the apex, look-alikes or search-path names', () => {
    const re = new RegExp(wildcardRegex('b.com'));
    for (const yes of ['x.b.com.', 'x.y.b.com.', 'a-1.b.com.']) expect(re.test(yes)).toBe(true);
    for (const no of ['b.com.', 'evilb.com.', 'x.evilb.com.', 'x.b.com.evil.org.', 'x.b.com.egress.svc.cluster.local.', 'x.bxcom.', 'x.b.com'])
      expect(re.test(no)).toBe(false);
  });
});
