import { DOMParser, onWarningStopParsing } from '@xmldom/xmldom';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../lib/cli/main';
import { quote, renderSvg, topologyDot, topologyFromModel, TopologyInput } from '../../lib/diagram';
import { loadConfig, parseConfig } from '../../lib/model';
import { BASE } from '../support/configs';

/** Parses SVG text as XML, failing on any warning or error; returns every text node's content. */
function svgTexts(svg: string): string[] {
  const doc = new DOMParser({ onError: onWarningStopParsing }).parseFromString(svg, 'image/svg+xml');
  expect(doc.documentElement?.nodeName).toBe('svg');
  expect(doc.documentElement?.getAttribute('xmlns')).toBe('http://www.w3.org/2000/svg');
  return Array.from(doc.getElementsByTagName('text')).map((t) => t.textContent ?? '');
}

const capture = () => {
  let text = '';
  return { stream: new Writable({ write: (chunk, _e, cb) => ((text += String(chunk)), cb()) }), text: () => text };
};

const shipped = loadConfig('infra/egress.yaml');

describe('topology DOT', () => {
  const input = topologyFromModel(shipped);

  test('levels top to bottom with their address space, node subnet, Envoy and DNS IPs', () => {
    const dot = topologyDot(input);
    const order = shipped.levels.map((l) => dot.indexOf(`subgraph "cluster_${l.name}"`));
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    for (const [i, level] of shipped.levels.entries()) {
      expect(dot).toContain(level.addresses.addressSpace);
      expect(dot).toContain(level.addresses.nodeSubnet.cidr);
      expect(dot).toContain(level.addresses.envoyIp);
      // Every level but the bottom serves DNS to the level below.
      expect(dot.includes(level.addresses.dnsIp)).toBe(i < shipped.levels.length - 1);
    }
  });

  test('each level reaches its parent: Envoy on the proxied ports with names per port, nodes on 53, a peering', () => {
    const dot = topologyDot(input);
    const names443 = shipped.allowEntries.filter((e) => e.ports.includes(443)).length;
    const wildcards443 = shipped.allowEntries.filter((e) => e.ports.includes(443) && e.kind === 'wildcard').length;
    expect(input.ports.find((p) => p.port === 443)).toEqual({ port: 443, names: names443, wildcards: wildcards443 });
    expect(dot).toContain(`443: ${names443} names (${wildcards443} wildcards)`);
    expect(dot).toContain('"l4_envoy" -> "l3_envoy" [dir=back');
    expect(dot).toContain('"l4_dns" -> "l3_nodes" [dir=back');
    expect(dot).toContain('"l3_nodes" -> "l2_nodes" [dir=none, style=dashed');
    expect(dot).toMatch(/internet -> "l4_envoy" \[dir=back, label="443, 8084 to allowed names/);
    expect(dot).not.toContain('firewall');
  });

  test('strict DNS (the default) shows on every dnsmasq, and its opt-out does not', () => {
    const lenient = topologyDot(topologyFromModel(parseConfig(`${BASE}workloads:\n  dnsmasq:\n    strict: false\n`, 'egress.yaml')));
    expect(topologyDot(input)).toContain('strict DNS: other names NXDOMAIN');
    expect(lenient).not.toContain('strict DNS');
  });

  test('a firewall, when the input has one, sits between the top Envoy and the internet', () => {
    const withFirewall: TopologyInput = { ...input, firewall: { name: 'afw-edge', privateIp: '172.16.128.4' } };
    const dot = topologyDot(withFirewall);
    expect(dot).toContain('internet -> firewall [dir=back');
    expect(dot).toContain('firewall -> "l4_envoy" [dir=back]');
    expect(dot).not.toMatch(/internet -> "l4_envoy"/);
  });

  test('labels are escaped: quotes, backslashes and newlines cannot break out of a DOT string', () => {
    expect(quote('a"b\\c\nd\u0007')).toBe('"a\\"b\\\\c\\nd"');
  });

  test('same input, same text', () => {
    expect(topologyDot(topologyFromModel(loadConfig('infra/egress.yaml')))).toBe(topologyDot(input));
  });
});

describe('topology SVG', () => {
  test('is valid SVG (parsed as XML) naming every level, deterministic to the byte', async () => {
    const dot = topologyDot(topologyFromModel(shipped));
    const svg = await renderSvg(dot);
    const texts = svgTexts(svg).join('\n');
    for (const level of shipped.levels) {
      expect(texts).toContain(level.name);
      expect(texts).toContain(level.addresses.addressSpace);
      expect(texts).toContain(level.addresses.envoyIp);
    }
    expect(await renderSvg(dot)).toBe(svg);
  });

  test('hostile text in a label renders as text, not markup', async () => {
    const input = topologyFromModel(shipped);
    const svg = await renderSvg(topologyDot({ ...input, name: '</text><script>x</script>"&' }));
    expect(svgTexts(svg).join('\n')).toContain('</text><script>x</script>"&');
    expect(svg).not.toContain('<script>');
  });

  test('docs/topology.svg and docs/topology.dot are current (npm run diagram rewrites them)', async () => {
    const dot = topologyDot(topologyFromModel(shipped));
    expect(readFileSync('docs/topology.dot', 'utf8')).toBe(dot);
    expect(readFileSync('docs/topology.svg', 'utf8')).toBe(await renderSvg(dot));
  });
});

describe('layered-egress diagram', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'le-diagram-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('writes the SVG and the DOT next to it', async () => {
    const out = capture();
    const err = capture();
    const svgPath = join(dir, 'pics', 'net.svg');
    expect(await main(['diagram', '--config', 'infra/egress.yaml', '--out', svgPath], out.stream, err.stream)).toBe(0);
    expect(out.text()).toContain(`Wrote ${svgPath} and ${join(dir, 'pics', 'net.dot')}`);
    expect(svgTexts(readFileSync(svgPath, 'utf8')).join('\n')).toContain('l4 (top)');
    expect(readFileSync(join(dir, 'pics', 'net.dot'), 'utf8')).toBe(topologyDot(topologyFromModel(shipped)));
  });

  test('an invalid config: exit 2, the problems, nothing written', async () => {
    const config = join(dir, 'egress.yaml');
    writeFileSync(config, `${BASE}  - domain: "*contoso.com"\n`);
    const err = capture();
    const svgPath = join(dir, 'net.svg');
    expect(await main(['diagram', '--config', config, '--out', svgPath], capture().stream, err.stream)).toBe(2);
    expect(err.text()).toMatch(/egress\.yaml:\d+: allowList\[1\]\.domain "\*contoso\.com"/);
    expect(err.text()).toContain('Nothing was written.');
    expect(existsSync(svgPath) || existsSync(join(dir, 'net.dot'))).toBe(false);
  });
});

test('a firewall at the top is drawn between the top Envoy and the internet, with its name and IP', async () => {
  const { parseConfig } = await import('../../lib/model');
  const { BASE } = await import('../support/configs');
  const { topologyFromModel } = await import('../../lib/diagram/topology');
  const input = topologyFromModel(parseConfig(`${BASE}firewall:\n  placement: top\n`, 'egress.yaml'));
  expect(input.firewall).toEqual({ name: 'afw-edge-l4', privateIp: '172.16.192.4' });
  expect(topologyFromModel(parseConfig(BASE, 'egress.yaml')).firewall).toBeUndefined();
});

test('a hub firewall is drawn in a hub box that every level is peered with; the hops between levels say they cross it', async () => {
  const { loadConfig } = await import('../../lib/model');
  const { topologyFromModel } = await import('../../lib/diagram/topology');
  const { topologyDot } = await import('../../lib/diagram/dot');
  const input = topologyFromModel(loadConfig('examples/hub-spoke.yaml'));
  expect(input.firewall).toEqual({ name: 'afw-edge-hub', privateIp: '172.22.0.4', hubAddressSpace: '172.22.0.0/22' });
  const dot = topologyDot(input);
  expect(dot).toContain('subgraph "cluster_hub" {');
  expect(dot).toContain('label="hub   172.22.0.0/22"');
  for (const level of ['l4', 'l3', 'l2']) expect(dot).toContain(`firewall -> "${level}_nodes" [dir=none, style=dashed`);
  expect(dot).not.toMatch(/"l4_nodes" -> "l3_nodes"/);
  expect(dot).toMatch(/"l4_envoy" -> "l3_envoy" \[dir=back, penwidth=1\.5, label="TLS, unopened\\nthrough the hub firewall/);
});
