/**
 * The hand edits a reviewer might meet in a GitOps pull request, made on the raw text of
 * freshly synthesized output (no re-serialisation): `check` exits 1 and points at the
 * file and line of each edit.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { main } from '../../lib/cli/main';
import { cleanup, copyOf, Synthesized, synthFresh } from './verify-helpers';

let base: Synthesized;
beforeAll(() => {
  base = synthFresh();
});
afterAll(() => cleanup(base));

function check(s: Synthesized): { code: number; out: string } {
  let out = '';
  const sink = new Writable({ write: (chunk, _e, cb) => ((out += String(chunk)), cb()) });
  const code = main(['check', '--cdktf-out', s.cdktfOut, '--manifests-out', s.manifestsOut], sink, new Writable({ write: (_c, _e, cb) => cb() })) as number;
  return { code, out };
}

/** Edits a file's raw text; returns the 1-based line holding `marker` afterwards. */
function editRaw(s: Synthesized, file: string, edit: (text: string) => string, marker: string): number {
  const path = join(s.manifestsOut, file);
  const before = readFileSync(path, 'utf8');
  const after = edit(before);
  expect(after).not.toBe(before);
  writeFileSync(path, after);
  const line = after.split('\n').findIndex((l) => l.includes(marker)) + 1;
  expect(line).toBeGreaterThan(0);
  return line;
}

const at = (file: string, line: number) => new RegExp(`at: \\S*manifests/${file.replace(/\./g, '\\.')}:${line} \\(`);

test('evil.com in the Envoy server names of l2, l3 and the top wildcard chain, and an exact CoreDNS rewrite at l2: exit 1, each file and line named', () => {
  const s = copyOf(base);
  try {
    // The bootstrap is block YAML inside the ConfigMap: add a list item under the first
    // `server_names:` of the named chain, as a reviewer's hand edit would.
    const addServerName = (chain: string) => (t: string) =>
      t.replace(new RegExp(`(- name: ${chain}\\n( +)filter_chain_match:\\n +server_names:\\n)( +)`), '$1$3- evil.com\n$3');
    const envoyLines = ['l2', 'l3'].map((level) => [level, editRaw(s, `${level}/envoy.yaml`, addServerName('allowed_443'), '- evil.com')] as const);
    const topLine = editRaw(s, 'l4/envoy.yaml', addServerName('wildcards_443'), '- evil.com');
    const corednsLine = editRaw(
      s,
      'l2/coredns.yaml',
      (t) => t.replace(/^( +)(rewrite name exact github\.com .*)$/m, '$1$2\n$1rewrite name exact evil.com envoy.egress.svc.cluster.local'),
      'rewrite name exact evil.com',
    );
    const r = check(s);
    expect(r.code).toBe(1);
    for (const [level, line] of [...envoyLines, ['l4', topLine] as const]) {
      expect(r.out).toMatch(
        new RegExp(
          `Level ${level}\\n[\\s\\S]*FAIL envoy-names-listed: evil\\.com is forwarded by listener egress_443 chain [^\\n]* on port 443: not on the allow-list with that port\\n[^\\n]*names: evil\\.com:443\\n\\s+${at(`${level}/envoy.yaml`, line).source}`,
        ),
      );
    }
    expect(r.out).toMatch(
      new RegExp(
        `FAIL coredns-names-listed: evil\\.com is rewritten to envoy\\.egress\\.svc\\.cluster\\.local: not on the allow-list\\n[^\\n]*names: evil\\.com\\n\\s+${at('l2/coredns.yaml', corednsLine).source}`,
      ),
    );
    // and the probe built from the artifacts' own name shows the route out
    expect(r.out).toMatch(/FAIL envoy-denied-routes: name outside the allow-list on this port \(artifact\)/);
    // explain agrees: the name leaves to the internet from l2, which is not what the list says
    let out = '';
    const code = main(
      ['explain', 'evil.com', '--from', 'l2', '--cdktf-out', s.cdktfOut, '--manifests-out', s.manifestsOut],
      new Writable({ write: (c, _e, cb) => ((out += String(c)), cb()) }),
      new Writable({ write: (_c, _e, cb) => cb() }),
    );
    expect(out).toMatch(/=> leaves l4 to the internet: evil\.com:443/);
    expect(out).toMatch(/Result: NOT as the allow-list says/);
    expect(code).toBe(1);
  } finally {
    cleanup(s);
  }
});

test('a catch-all address=/#/<IP> in a dnsmasq.conf: exit 1, file and line named', () => {
  const s = copyOf(base);
  try {
    const line = editRaw(s, 'l3/dnsmasq.yaml', (t) => t.replace(/^( +)(address=\/#\/)$/m, '$1$2\n$1address=/#/203.0.113.7'), 'address=/#/203.0.113.7');
    const r = check(s);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      new RegExp(
        `FAIL dnsmasq-names-listed: every name \\(address=/#/ catch-all\\) is answered 203\\.0\\.113\\.7: the verifier cannot bound it to the allow-list\\n[^\\n]*\\n?\\s+${at('l3/dnsmasq.yaml', line).source}`,
      ),
    );
    expect(r.out).toMatch(/FAIL dnsmasq-unlisted: strict mode: unlisted name .* must be NXDOMAIN, dnsmasq answers 203\.0\.113\.7 \(a local literal\)/);
  } finally {
    cleanup(s);
  }
});

test('an NSG rule opening the Internet below the top: exit 1, the stack file and the line of the rule named', () => {
  const s = copyOf(base);
  try {
    const path = join(s.cdktfOut, 'stacks', 'l3', 'cdk.tf.json');
    const json = JSON.parse(readFileSync(path, 'utf8'));
    const rules = json.resource.azurerm_network_security_rule;
    const template = Object.values(rules)[0] as Record<string, unknown>;
    rules['nsg_rule-allow-web'] = {
      ...template,
      name: 'allow-web',
      priority: 150,
      direction: 'Outbound',
      access: 'Allow',
      protocol: 'Tcp',
      destination_address_prefix: 'Internet',
      destination_address_prefixes: undefined,
      destination_port_range: '80',
      destination_port_ranges: undefined,
    };
    const text = JSON.stringify(json, null, 2);
    writeFileSync(path, text);
    const line = text.split('\n').findIndex((l) => l.includes('"nsg_rule-allow-web": {')) + 1;
    const r = check(s);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      new RegExp(
        `FAIL nsg-rules-listed: rule allow-web \\(priority 150\\) lets the nodes reach Internet directly on Tcp 80[^\\n]*\\n[^\\n]*at: \\S*cdktf\\.out/stacks/l3/cdk\\.tf\\.json:${line} \\(azurerm_network_security_rule\\.nsg_rule-allow-web\\)`,
      ),
    );
  } finally {
    cleanup(s);
  }
});

test('Envoy config embedded as block YAML: the line of the added server name itself', () => {
  const s = copyOf(base);
  try {
    const path = join(s.manifestsOut, 'l3', 'envoy.yaml');
    const docs = parseAllDocuments(readFileSync(path, 'utf8')).map((d) => d.toJS());
    const cm = docs.find((d) => d?.kind === 'ConfigMap' && typeof d.data?.['envoy.yaml'] === 'string');
    const boot = parse(cm.data['envoy.yaml']);
    boot.static_resources.listeners[0].filter_chains[0].filter_chain_match.server_names.push('evil.com');
    cm.data['envoy.yaml'] = stringify(boot);
    const text = docs.map((d) => stringify(d, { blockQuote: 'literal' })).join('---\n');
    expect(text).toMatch(/envoy\.yaml: \|/);
    writeFileSync(path, text);
    const line = text.split('\n').findIndex((l) => /^\s+- evil\.com$/.test(l)) + 1;
    expect(line).toBeGreaterThan(12);
    const r = check(s);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      new RegExp(`FAIL envoy-names-listed: evil\\.com is forwarded [^\\n]*\\n[^\\n]*names: evil\\.com:443\\n\\s+${at('l3/envoy.yaml', line).source}`),
    );
  } finally {
    cleanup(s);
  }
});
