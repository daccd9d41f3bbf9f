/**
 * Findings point at the line in the manifest file whatever the embedding of the config
 * inside its ConfigMap: one JSON string (today's Envoy), a literal block of YAML (a
 * reviewer's or a future renderer's Envoy), a literal or a folded block of dnsmasq.conf.
 */
import { stringify } from 'yaml';
import { dataLine, parseManifestFile } from '../../lib/verify/parse/kube';

const envoy = {
  static_resources: {
    listeners: [{ name: 'egress_443', filter_chains: [{ name: 'allowed_443', filter_chain_match: { server_names: ['a.b.com', 'evil.com', 'notevil.com'] } }] }],
  },
};
const header = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: envoy-config\n  namespace: egress\ndata:\n';

function lineOf(text: string, marker: string): number {
  return text.split('\n').findIndex((l) => l.includes(marker)) + 1;
}

test('JSON in a quoted string: the line of the key', () => {
  const text = `${header}  envoy.yaml: '${JSON.stringify(envoy)}'\n`;
  const [o] = parseManifestFile('envoy.yaml', text).objects;
  expect(dataLine(o, 'envoy.yaml', { needle: 'evil.com' })).toBe(7);
});

test('block YAML: the line of the server name itself, not of a longer name containing it', () => {
  const text = `${header}  envoy.yaml: |\n${stringify(envoy).replace(/^/gm, '    ').trimEnd()}\n`;
  const [o] = parseManifestFile('envoy.yaml', text).objects;
  const want = text.split('\n').findIndex((l) => /- evil\.com$/.test(l)) + 1;
  expect(want).toBeGreaterThan(7);
  expect(dataLine(o, 'envoy.yaml', { needle: 'evil.com', after: 'allowed_443' })).toBe(want);
  expect(dataLine(o, 'envoy.yaml', { needle: 'notevil.com' })).toBe(lineOf(text, 'notevil.com'));
});

test('dnsmasq.conf as a literal block maps value lines; as a folded block the line is found by its text', () => {
  const conf = ['port=1053', 'no-resolv', 'server=168.63.129.16', 'address=/#/203.0.113.7'].join('\n');
  const literal = `${header}  dnsmasq.conf: |\n${conf.replace(/^/gm, '    ')}\n`;
  const [a] = parseManifestFile('d.yaml', literal).objects;
  expect(dataLine(a, 'dnsmasq.conf', { valueLine: 4, needle: 'address=/#/203.0.113.7' })).toBe(lineOf(literal, 'address=/#/'));
  const folded = `${header}  dnsmasq.conf: >\n${conf
    .split('\n')
    .map((l) => `    ${l}\n`)
    .join('\n')}`;
  const [b] = parseManifestFile('d.yaml', folded).objects;
  expect(b.body.data['dnsmasq.conf'].split('\n')[3]).toBe('address=/#/203.0.113.7');
  expect(dataLine(b, 'dnsmasq.conf', { valueLine: 4, needle: 'address=/#/203.0.113.7' })).toBe(lineOf(folded, 'address=/#/'));
});
