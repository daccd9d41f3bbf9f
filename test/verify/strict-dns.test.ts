/**
 * Strict DNS: unlisted names get NXDOMAIN except the declared zones, which go to the
 * declared upstream, including a zone that holds a listed exact name (whose subdomains
 * stay NXDOMAIN: the name's local= is more specific than the zone).
 */
import { parseConfig } from '../../lib/model';
import { DOCKER_HUB_HOSTS } from '../../lib/model/registries';
import { intentFromModel } from '../../lib/verify';
import { checkTree, synthTree, Tree } from './mutation/tree';
import { BASE } from '../support/configs';

const model = parseConfig(
  `${BASE}  - domain: acct.blob.core.windows.net\n  - domain: "*.pkg.dev"\n  - domain: registry.k8s.io\n${DOCKER_HUB_HOSTS.map((h) => `  - domain: ${h}\n`).join('')}` +
    `workloads:\n  dnsmasq:\n    strict: true\n    forwardZones: [blob.core.windows.net, corp.internal]\n`,
  'strict.yaml',
);
const intent = intentFromModel(model);
const base = synthTree(model);

function withConf(edit: (conf: string) => string): Tree {
  const manifests = new Map(base.manifests);
  const text = manifests.get('l4/dnsmasq.yaml')!;
  const next = text.replace(
    /(dnsmasq\.conf: \|\n)((?: {4}.*\n)+)/,
    (_m, head: string, body: string) => head + edit(body.replace(/^ {4}/gm, '')).replace(/^/gm, '    ').replace(/ {4}$/, ''),
  );
  expect(next).not.toBe(text);
  manifests.set('l4/dnsmasq.yaml', next);
  return { terraform: base.terraform, manifests };
}

const errors = (t: Tree) =>
  checkTree(intent, t)
    .findings.filter((f) => f.severity === 'error')
    .map((f) => `${f.rule}: ${f.message}`);

test('the synthesized strict output passes, with a listed name inside a forwarded zone', () => {
  expect(errors(base)).toEqual([]);
});

test('a zone the config does not declare, even to the declared upstream, fails', () => {
  expect(errors(withConf((c) => `${c}server=/corp.example.net/168.63.129.16\n`))).toEqual(
    expect.arrayContaining([expect.stringMatching(/^dnsmasq-upstreams: strict mode forwards zone corp\.example\.net, which the config does not declare/)]),
  );
});

test('dropping the catch-all NXDOMAIN or a declared zone fails', () => {
  expect(errors(withConf((c) => c.replace('address=/#/\n', '')))).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^dnsmasq-unlisted: strict mode: unlisted name .* must be NXDOMAIN, dnsmasq has no upstream for it \(REFUSED\)/),
    ]),
  );
  expect(errors(withConf((c) => c.replace(/^server=\/blob\.core\.windows\.net\/.*\n/m, '')))).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^dnsmasq-unlisted: strict mode: unlisted name \(forward-zone of blob\.core\.windows\.net\) must be forwarded to 168\.63\.129\.16/),
    ]),
  );
});
