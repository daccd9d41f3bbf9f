/**
 * Strict dnsmasq forwards the zones of `workloads.dnsmasq.forwardZones` upstream. A zone
 * equal to an exact entry or below a wildcard entry would win over the entry's own lines
 * (most specific rule) and send listed names past the proxy: the config refuses it.
 */
import { ConfigError, parseConfig } from '../../lib/model';
import { BASE } from '../support/configs';

const withZones = (entries: string[], zones: string[]) =>
  `${BASE}${entries.map((d) => `  - domain: "${d}"\n`).join('')}workloads:\n  dnsmasq:\n    forwardZones: [${zones.join(', ')}]\n`;

function problems(text: string): string[] {
  try {
    parseConfig(text, 'egress.yaml');
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.issues.map((i) => `${i.line}: ${i.path} ${String(i.value)}: ${i.rule}`);
  }
}

test('a zone equal to an exact entry is refused, naming line, zone and entry', () => {
  expect(problems(withZones(['corp.example.com'], ['corp.example.com']))).toEqual([
    "13: workloads.dnsmasq.forwardZones[0] corp.example.com: is also the allow-list entry 'corp.example.com': forwarding it would send that listed name upstream, past the proxy; drop one of the two",
  ]);
});

test('a zone below a wildcard entry is refused; every clashing zone is reported', () => {
  const found = problems(withZones(['*.pkg.dev', '*.example.org'], ['privatelink.blob.core.windows.net', 'eu.pkg.dev', 'a.b.example.org']));
  expect(found).toHaveLength(2);
  expect(found[0]).toMatch(/^14: workloads\.dnsmasq\.forwardZones\[1\] eu\.pkg\.dev: lies below the allow-list entry '\*\.pkg\.dev'/);
  expect(found[1]).toMatch(/^14: workloads\.dnsmasq\.forwardZones\[2\] a\.b\.example\.org: lies below the allow-list entry '\*\.example\.org'/);
});

test('zones that leave listed names to the proxy pass: the apex of a wildcard, a zone above an entry, one below an exact name', () => {
  // dnsmasq: address=/*.pkg.dev/ (suffix ".pkg.dev") beats server=/pkg.dev/ for every subdomain;
  // local=/a.b.com/ and host-record keep a.b.com; x.a.b.com is not on the list.
  expect(problems(withZones(['*.pkg.dev', 'a.b.com'], ['pkg.dev', 'b.com', 'x.a.b.com']))).toEqual([]);
});
