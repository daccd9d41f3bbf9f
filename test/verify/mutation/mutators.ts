/**
 * Random single edits to synthesized artifacts, each labelled by construction:
 * `changes` (the edit changes what some name resolves to or where it is routed),
 * `preserves` (a pure reshuffle or rename of something no engine matches on), or
 * `depends` (whether it changes anything depends on the rest of the config; only the
 * oracle decides). The test checks the oracle against every `changes`/`preserves` label.
 */
import { parse, parseAllDocuments, stringify } from 'yaml';
import { Intent } from '../../../lib/verify';
import { Tree } from './tree';

export type Label = 'changes' | 'preserves' | 'depends';

export interface Mutation {
  readonly op: string;
  readonly label: Label;
  readonly description: string;
  readonly tree: Tree;
}

/** Seeded PRNG (mulberry32): same seed, same mutations. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
function shuffled<T>(r: Rand, xs: readonly T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

interface Ctx {
  readonly r: Rand;
  readonly intent: Intent;
  readonly tree: Tree;
  readonly n: number;
}

type Edit = { label: Label; description: string } | undefined;
type Op = (ctx: Ctx, files: { terraform: Map<string, string>; manifests: Map<string, string> }) => Edit;

/** Parsed documents by file text (a fresh copy each time: callers edit them). */
const docCache = new Map<string, unknown[]>();
function parsedDocs(text: string): any[] {
  let docs = docCache.get(text);
  if (!docs) {
    docs = parseAllDocuments(text).map((d) => d.toJS());
    if (docCache.size > 100) docCache.clear();
    docCache.set(text, docs);
  }
  return structuredClone(docs) as any[];
}

/** Edits the ConfigMap holding `key` in some level's manifests; `edit` returns the new value (or undefined: not applicable). */
function editConfigMap(
  ctx: Ctx,
  files: { manifests: Map<string, string> },
  key: string,
  edit: (value: string, level: string) => { value: string; label: Label; description: string } | undefined,
): Edit {
  const candidates = [...files.manifests.entries()].filter(([, text]) => text.includes(`${key}:`));
  if (candidates.length === 0) return undefined;
  const [file, text] = pick(ctx.r, candidates);
  const docs = parsedDocs(text);
  const cm = docs.find((d: any) => d?.kind === 'ConfigMap' && typeof d.data?.[key] === 'string');
  if (!cm) return undefined;
  const result = edit(cm.data[key], file.split('/')[0]);
  if (!result || result.value === cm.data[key]) return undefined;
  cm.data[key] = result.value;
  files.manifests.set(file, docs.map((d) => stringify(d)).join('---\n'));
  return { label: result.label, description: `${file} ${key}: ${result.description}` };
}

function editEnvoy(
  ctx: Ctx,
  files: { manifests: Map<string, string> },
  edit: (boot: any, level: string) => { label: Label; description: string } | undefined,
): Edit {
  return editConfigMap(ctx, files, 'envoy.yaml', (value, level) => {
    const boot = parse(value);
    const result = edit(boot, level);
    return result ? { ...result, value: JSON.stringify(boot) } : undefined;
  });
}

const forwardingChains = (boot: any): any[] =>
  (boot.static_resources?.listeners ?? [])
    .flatMap((l: any) =>
      (l.filter_chains ?? []).filter((c: any) => Array.isArray(c.filter_chain_match?.server_names) && c.filters?.some((f: any) => /tcp_proxy/.test(f.name))),
    )
    .map((c: any) => c);

function editLines(
  ctx: Ctx,
  files: { manifests: Map<string, string> },
  key: string,
  edit: (lines: string[], level: string) => { lines: string[]; label: Label; description: string } | undefined,
): Edit {
  return editConfigMap(ctx, files, key, (value, level) => {
    const lines = value.split('\n').filter((l, i, a) => !(i === a.length - 1 && l === ''));
    const result = edit(lines, level);
    return result ? { value: `${result.lines.join('\n')}\n`, label: result.label, description: result.description } : undefined;
  });
}

const corednsKey = (files: { manifests: Map<string, string> }) => {
  for (const text of files.manifests.values()) {
    const m = /^\s+([a-z0-9.-]+\.override):/m.exec(text);
    if (m) return m[1];
  }
  return 'layered-egress.override';
};

const evil = (ctx: Ctx) => `mut${ctx.n}-${Math.floor(ctx.r() * 1e6)}.evil-egress.net`;

function editTerraform(
  ctx: Ctx,
  files: { terraform: Map<string, string> },
  edit: (json: any, level: string) => { label: Label; description: string } | undefined,
  levels: (level: string) => boolean = () => true,
): Edit {
  const candidates = [...files.terraform.keys()].filter((k) => /^stacks\/[^/]+\/cdk\.tf\.json$/.test(k) && levels(k.split('/')[1]));
  if (candidates.length === 0) return undefined;
  const file = pick(ctx.r, candidates);
  const json = JSON.parse(files.terraform.get(file)!);
  const result = edit(json, file.split('/')[1]);
  if (!result) return undefined;
  files.terraform.set(file, JSON.stringify(json, null, 2));
  return { label: result.label, description: `${file}: ${result.description}` };
}

const nsgRules = (json: any): Array<[string, any]> => Object.entries(json.resource?.azurerm_network_security_rule ?? {});
const isLower = (ctx: Ctx, level: string) => ctx.intent.levels.find((l) => l.name === level)?.parent !== undefined;
/** The one resource of `type` in a stack, or undefined. */
const single = (json: any, type: string): any => {
  const values = Object.values(json.resource?.[type] ?? {});
  return values.length === 1 ? values[0] : undefined;
};
const platformDnsDeny = (json: any): [string, any] | undefined =>
  nsgRules(json).find(([, r]) => r.access === 'Deny' && /^azureplatformdns$/i.test(String(r.destination_address_prefix)));

const OPS: Record<string, Op> = {
  // ---------------------------------------------------------------- Envoy
  'envoy-add-name': (ctx, f) =>
    editEnvoy(ctx, f, (boot) => {
      const chains = forwardingChains(boot);
      if (chains.length === 0) return undefined;
      const name = ctx.r() < 0.5 ? evil(ctx) : `*.${evil(ctx)}`;
      pick(ctx.r, chains).filter_chain_match.server_names.push(name);
      return { label: 'changes', description: `server name ${name} added` };
    }),
  'envoy-drop-name': (ctx, f) =>
    editEnvoy(ctx, f, (boot) => {
      const chain = pick(ctx.r, forwardingChains(boot) as any[]);
      if (!chain) return undefined;
      const names: string[] = chain.filter_chain_match.server_names;
      const i = Math.floor(ctx.r() * names.length);
      const [dropped] = names.splice(i, 1);
      if (names.length === 0) delete chain.filter_chain_match.server_names;
      // an exact name a listed wildcard also covers may fall into that wildcard's chain: only the oracle can tell
      const covered = ctx.intent.entries.some((e) => e.kind === 'wildcard' && dropped.endsWith(`.${e.domain}`));
      return { label: covered ? 'depends' : 'changes', description: `server name ${dropped} dropped` };
    }),
  'envoy-rename-name': (ctx, f) =>
    editEnvoy(ctx, f, (boot) => {
      const chain = pick(ctx.r, forwardingChains(boot) as any[]);
      if (!chain) return undefined;
      const names: string[] = chain.filter_chain_match.server_names;
      const i = Math.floor(ctx.r() * names.length);
      const before = names[i];
      names[i] = before.startsWith('*.') ? `*.x${before.slice(2)}` : `x${before}`;
      return { label: 'changes', description: `server name ${before} renamed ${names[i]}` };
    }),
  'envoy-name-to-other-port': (ctx, f) =>
    editEnvoy(ctx, f, (boot) => {
      const listeners = (boot.static_resources?.listeners ?? []).filter((l: any) => forwardingChains({ static_resources: { listeners: [l] } }).length > 0);
      if (listeners.length < 2) return undefined;
      const [from, to] = shuffled<any>(ctx.r, listeners);
      const name = pick(
        ctx.r,
        forwardingChains({ static_resources: { listeners: [from] } }).flatMap((c: any) => c.filter_chain_match.server_names) as string[],
      );
      const target = pick(ctx.r, forwardingChains({ static_resources: { listeners: [to] } }));
      if (target.filter_chain_match.server_names.includes(name)) return undefined;
      target.filter_chain_match.server_names.push(name);
      // a listed name on a port the list does not give it (unless the list gives it both)
      return { label: 'depends', description: `server name ${name} of ${from.name} added to ${to.name}` };
    }),
  'envoy-reorder-chains': (ctx, f) =>
    editEnvoy(ctx, f, (boot) => {
      const l = pick(ctx.r, (boot.static_resources?.listeners ?? []).filter((x: any) => (x.filter_chains ?? []).length > 1) as any[]);
      if (!l) return undefined;
      l.filter_chains = shuffled(ctx.r, l.filter_chains).reverse();
      return { label: 'preserves', description: `filter chains of ${l.name} reordered` };
    }),
  'envoy-reorder-names': (ctx, f) =>
    editEnvoy(ctx, f, (boot) => {
      const chain = pick(
        ctx.r,
        (forwardingChains(boot) as any[]).filter((c) => c.filter_chain_match.server_names.length > 1),
      );
      if (!chain) return undefined;
      chain.filter_chain_match.server_names = [...chain.filter_chain_match.server_names].reverse();
      return { label: 'preserves', description: `server names of chain ${chain.name} reversed` };
    }),
  'envoy-rename-chain': (ctx, f) =>
    editEnvoy(ctx, f, (boot) => {
      const chain = pick(ctx.r, forwardingChains(boot) as any[]);
      if (!chain) return undefined;
      const before = chain.name;
      chain.name = `renamed_${ctx.n}`;
      return { label: 'preserves', description: `filter chain ${before} renamed ${chain.name}` };
    }),
  'envoy-endpoint': (ctx, f) =>
    editEnvoy(ctx, f, (boot) => {
      const cluster = pick(ctx.r, (boot.static_resources?.clusters ?? []).filter((c: any) => c.load_assignment && c.name !== 'admin') as any[]);
      const sa = cluster?.load_assignment?.endpoints?.[0]?.lb_endpoints?.[0]?.endpoint?.address?.socket_address;
      if (!sa) return undefined;
      if (ctx.r() < 0.5) {
        const before = sa.port_value;
        sa.port_value = before + 1;
        return { label: 'changes', description: `cluster ${cluster.name} port ${before} -> ${sa.port_value}` };
      }
      const before = sa.address;
      sa.address = /^\d/.test(before) ? `10.${Math.floor(ctx.r() * 200) + 1}.0.4` : `x${before}`;
      return { label: 'changes', description: `cluster ${cluster.name} address ${before} -> ${sa.address}` };
    }),
  'envoy-listener-port': (ctx, f) =>
    editEnvoy(ctx, f, (boot) => {
      const l = pick(ctx.r, (boot.static_resources?.listeners ?? []).filter((x: any) => /^egress/.test(x.name)) as any[]);
      if (!l) return undefined;
      l.address.socket_address.port_value += 1;
      return { label: 'changes', description: `listener ${l.name} port +1` };
    }),
  'envoy-add-catch-all': (ctx, f) =>
    editEnvoy(ctx, f, (boot) => {
      const l = pick(ctx.r, (boot.static_resources?.listeners ?? []).filter((x: any) => /^egress/.test(x.name)) as any[]);
      const template = l?.filter_chains?.find((c: any) => c.filters?.some((x: any) => /tcp_proxy/.test(x.name)));
      if (!template) return undefined;
      const chain = JSON.parse(JSON.stringify(template));
      delete chain.filter_chain_match;
      chain.name = `catch_all_${ctx.n}`;
      l.filter_chains.push(chain);
      return { label: 'changes', description: `catch-all chain (no server names) added to ${l.name}` };
    }),
  // ---------------------------------------------------------------- CoreDNS
  'coredns-add-rewrite': (ctx, f) =>
    editLines(ctx, f, corednsKey(f), (lines) => {
      const name = evil(ctx);
      const kind = pick(ctx.r, ['exact', 'suffix', 'prefix', 'substring', 'regex', 'regex-unanchored'] as const);
      const from =
        kind === 'prefix'
          ? `mut${ctx.n}-`
          : kind === 'substring'
            ? `-mut${ctx.n}-`
            : kind === 'regex'
              ? `^(?:[^.]+\\.)+${name.replace(/\./g, '\\.')}\\.$`
              : kind === 'regex-unanchored'
                ? name.replace(/\./g, '\\.')
                : name;
      const target = /^([^ ]+ ){3}([^ ]+)/.exec(lines.find((l) => l.trim().startsWith('rewrite')) ?? '')?.[2] ?? 'envoy.egress.svc.cluster.local';
      const line = `rewrite name ${kind.startsWith('regex') ? 'regex' : kind} ${from} ${target.replace(/\.$/, '')}.${kind.startsWith('regex') ? ' answer auto' : ''}`;
      const at = Math.floor(ctx.r() * (lines.length + 1));
      return { lines: [...lines.slice(0, at), line, ...lines.slice(at)], label: 'changes', description: `added '${line}'` };
    }),
  'coredns-drop-line': (ctx, f) =>
    editLines(ctx, f, corednsKey(f), (lines) => {
      if (lines.length === 0) return undefined;
      const i = Math.floor(ctx.r() * lines.length);
      return { lines: lines.filter((_, j) => j !== i), label: 'changes', description: `dropped '${lines[i]}'` };
    }),
  'coredns-rename': (ctx, f) =>
    editLines(ctx, f, corednsKey(f), (lines) => {
      const idx = lines.map((l, i) => [l, i] as const).filter(([l]) => /rewrite name exact /.test(l));
      if (idx.length === 0) return undefined;
      const [line, i] = pick(ctx.r, idx);
      const next = line.replace(/exact ([^ ]+)/, 'exact x$1');
      return { lines: lines.map((l, j) => (j === i ? next : l)), label: 'changes', description: `'${line}' -> '${next}'` };
    }),
  'coredns-retarget': (ctx, f) =>
    editLines(ctx, f, corednsKey(f), (lines) => {
      if (lines.length === 0) return undefined;
      const i = Math.floor(ctx.r() * lines.length);
      const next = lines[i].replace(/ ([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local/, ' other-$1.$2.svc.cluster.local');
      if (next === lines[i]) return undefined;
      return { lines: lines.map((l, j) => (j === i ? next : l)), label: 'changes', description: `'${lines[i]}' -> '${next}'` };
    }),
  'coredns-add-plugin': (ctx, f) =>
    editLines(ctx, f, corednsKey(f), (lines) => {
      const name = evil(ctx);
      const block = pick(ctx.r, [
        [`hosts {`, `  203.0.113.9 ${name}`, `  fallthrough`, `}`],
        [`template IN A ${name} {`, `  answer "{{ .Name }} 60 IN A 203.0.113.9"`, `}`],
        [`forward ${name} 203.0.113.53`],
      ]);
      return { lines: [...lines, ...block], label: 'changes', description: `added '${block[0]}'` };
    }),
  'coredns-add-server-block': (ctx, f) => {
    const candidates = [...f.manifests.entries()].filter(([, t]) => /\.override:/.test(t));
    if (candidates.length === 0) return undefined;
    const [file, text] = pick(ctx.r, candidates);
    const docs = parsedDocs(text);
    const cm = docs.find((d: any) => d?.kind === 'ConfigMap' && d.metadata?.name === 'coredns-custom');
    if (!cm) return undefined;
    const zone = evil(ctx);
    cm.data[`mut${ctx.n}.server`] = `${zone}:53 {\n  forward . 203.0.113.53\n}\n`;
    f.manifests.set(file, docs.map((d) => stringify(d)).join('---\n'));
    return { label: 'changes', description: `${file}: server block for ${zone}` };
  },
  'coredns-harmless': (ctx, f) =>
    editLines(ctx, f, corednsKey(f), (lines) => {
      const extra = pick(ctx.r, ['log', 'errors', `# reviewed ${ctx.n}`]);
      const at = Math.floor(ctx.r() * (lines.length + 1));
      return { lines: [...lines.slice(0, at), extra, ...lines.slice(at)], label: 'preserves', description: `added '${extra}'` };
    }),
  'coredns-reorder': (ctx, f) =>
    editLines(ctx, f, corednsKey(f), (lines) =>
      lines.length > 1 ? { lines: shuffled(ctx.r, lines).reverse(), label: 'preserves', description: 'rewrite lines reordered' } : undefined,
    ),
  // ---------------------------------------------------------------- dnsmasq
  'dnsmasq-add-host': (ctx, f) =>
    editLines(ctx, f, 'dnsmasq.conf', (lines, level) => {
      const ip = ctx.intent.levels.find((l) => l.name === level)?.envoyIp ?? '10.0.0.4';
      const line = `host-record=${evil(ctx)},${ip}`;
      return { lines: [...lines, line], label: 'changes', description: `added ${line}` };
    }),
  'dnsmasq-add-catch-all': (ctx, f) =>
    editLines(ctx, f, 'dnsmasq.conf', (lines) => {
      const literal = ctx.r() < 0.7;
      const line = literal ? `address=/#/203.0.113.${Math.floor(ctx.r() * 250) + 1}` : 'address=/#/';
      // address=/#/ without an address loses to a default server= line in the same (root) group
      const label: Label = literal ? 'changes' : lines.includes('address=/#/') ? 'preserves' : 'depends';
      return { lines: [...lines, line], label, description: `added ${line}` };
    }),
  'dnsmasq-drop-line': (ctx, f) =>
    editLines(ctx, f, 'dnsmasq.conf', (lines) => {
      const idx = lines.map((l, i) => [l, i] as const).filter(([l]) => /^(host-record|address|local|server)=/.test(l));
      if (idx.length === 0) return undefined;
      const [line, i] = pick(ctx.r, idx);
      // a local= next to a host-record or an address= of the same name may be redundant in strict mode
      const label: Label = /^local=/.test(line) || /^server=\/[^/]+\//.test(line) ? 'depends' : 'changes';
      return { lines: lines.filter((_, j) => j !== i), label, description: `dropped ${line}` };
    }),
  'dnsmasq-change-ip': (ctx, f) =>
    editLines(ctx, f, 'dnsmasq.conf', (lines) => {
      const idx = lines
        .map((l, i) => [l, i] as const)
        .filter(([l]) => /^(host-record=[^,]+,|address=\/[^#][^/]*\/)\d+\.\d+\.\d+\.\d+$/.test(l) || /^server=(\/[^/]+\/)?\d/.test(l));
      if (idx.length === 0) return undefined;
      const [line, i] = pick(ctx.r, idx);
      const next = line.replace(/\d+\.\d+\.\d+\.\d+$/, `198.51.100.${Math.floor(ctx.r() * 250) + 1}`);
      return { lines: lines.map((l, j) => (j === i ? next : l)), label: 'changes', description: `${line} -> ${next}` };
    }),
  'dnsmasq-add-zone': (ctx, f) =>
    editLines(ctx, f, 'dnsmasq.conf', (lines) => {
      const declared = ctx.intent.dns?.upstream ?? '168.63.129.16';
      const toDeclared = ctx.r() < 0.5;
      const line = `server=/${evil(ctx)}/${toDeclared ? declared : '198.51.100.53'}`;
      // in non-strict mode a zone sent to the same upstream is what every unlisted name gets anyway
      const label: Label = toDeclared && !ctx.intent.dns?.strict ? 'preserves' : 'changes';
      return { lines: [...lines, line], label, description: `added ${line}` };
    }),
  'dnsmasq-add-local': (ctx, f) =>
    editLines(ctx, f, 'dnsmasq.conf', (lines) => {
      const line = `local=/${evil(ctx)}/`;
      return { lines: [...lines, line], label: ctx.intent.dns?.strict ? 'preserves' : 'changes', description: `added ${line}` };
    }),
  'dnsmasq-rename': (ctx, f) =>
    editLines(ctx, f, 'dnsmasq.conf', (lines) => {
      const idx = lines.map((l, i) => [l, i] as const).filter(([l]) => /^host-record=/.test(l));
      if (idx.length === 0) return undefined;
      const [line, i] = pick(ctx.r, idx);
      const next = line.replace('host-record=', 'host-record=x');
      return { lines: lines.map((l, j) => (j === i ? next : l)), label: 'changes', description: `${line} -> ${next}` };
    }),
  'dnsmasq-look-alike': (ctx, f) =>
    editLines(ctx, f, 'dnsmasq.conf', (lines) => {
      const idx = lines.map((l, i) => [l, i] as const).filter(([l]) => /^address=\/\*\./.test(l));
      if (idx.length === 0) return undefined;
      const [line, i] = pick(ctx.r, idx);
      const next = line.replace('/*.', '/*');
      return { lines: lines.map((l, j) => (j === i ? next : l)), label: 'changes', description: `${line} -> ${next} (look-alikes too)` };
    }),
  'dnsmasq-add-unmodelled': (ctx, f) =>
    editLines(ctx, f, 'dnsmasq.conf', (lines) => {
      const line = pick(ctx.r, [`cname=${evil(ctx)},github.com`, 'addn-hosts=/etc/extra-hosts', `alias=203.0.113.1,198.51.100.1`]);
      return { lines: [...lines, line], label: 'changes', description: `added ${line}` };
    }),
  'dnsmasq-reorder': (ctx, f) =>
    editLines(ctx, f, 'dnsmasq.conf', (lines) => ({ lines: shuffled(ctx.r, lines).reverse(), label: 'preserves', description: 'lines reordered' })),
  // ---------------------------------------------------------------- Terraform
  'nsg-priority': (ctx, f) =>
    editTerraform(ctx, f, (json) => {
      const rules = nsgRules(json);
      if (rules.length === 0) return undefined;
      const [key, rule] = pick(ctx.r, rules);
      const before = rule.priority;
      rule.priority = ctx.r() < 0.2 ? pick(ctx.r, rules)[1].priority : 100 + Math.floor(ctx.r() * 3997);
      return before === rule.priority ? undefined : { label: 'depends', description: `${key} priority ${before} -> ${rule.priority}` };
    }),
  'nsg-port': (ctx, f) =>
    editTerraform(ctx, f, (json) => {
      const rules = nsgRules(json).filter(([, r]) => r.destination_port_range !== '*' || r.destination_port_ranges);
      if (rules.length === 0) return undefined;
      const [key, rule] = pick(ctx.r, rules);
      const before = JSON.stringify(rule.destination_port_range ?? rule.destination_port_ranges);
      delete rule.destination_port_ranges;
      rule.destination_port_range = String(pick(ctx.r, [22, 80, 444, 8443, 9001]));
      return { label: 'depends', description: `${key} ports ${before} -> ${rule.destination_port_range}` };
    }),
  'nsg-add-rule': (ctx, f) =>
    editTerraform(ctx, f, (json, level) => {
      const rules = nsgRules(json);
      if (rules.length === 0) return undefined;
      const template = rules[0][1];
      const priority = 100 + Math.floor(ctx.r() * 890);
      const outbound = ctx.r() < 0.7;
      const rule = {
        ...template,
        name: `mut-${ctx.n}`,
        priority,
        access: 'Allow',
        protocol: 'Tcp',
        direction: outbound ? 'Outbound' : 'Inbound',
        source_address_prefix: outbound ? '*' : 'Internet',
        destination_address_prefix: outbound ? 'Internet' : '*',
        destination_port_range: String(pick(ctx.r, [443, 80, 8443])),
      };
      delete rule.source_address_prefixes;
      delete rule.destination_address_prefixes;
      delete rule.destination_port_ranges;
      delete rule['//'];
      json.resource.azurerm_network_security_rule[`mut_${ctx.n}`] = rule;
      return {
        label: outbound && !isLower(ctx, level) ? 'preserves' : 'changes',
        description: `added ${rule.direction} Allow ${rule.destination_address_prefix} ${rule.destination_port_range} at ${priority}`,
      };
    }),
  'nsg-reorder': (ctx, f) =>
    editTerraform(ctx, f, (json) => {
      const rules = json.resource?.azurerm_network_security_rule;
      if (!rules) return undefined;
      json.resource.azurerm_network_security_rule = Object.fromEntries(shuffled(ctx.r, Object.entries(rules)).reverse());
      return { label: 'preserves', description: 'NSG rules reordered in the file' };
    }),
  peering: (ctx, f) =>
    editTerraform(ctx, f, (json) => {
      const peerings = Object.entries(json.resource?.azurerm_virtual_network_peering ?? {});
      if (peerings.length === 0) return undefined;
      const [key, p] = pick(ctx.r, peerings) as [string, any];
      if (ctx.r() < 0.5) {
        p.allow_virtual_network_access = false;
        return { label: 'changes', description: `${key} allow_virtual_network_access false` };
      }
      delete json.resource.azurerm_virtual_network_peering[key];
      return { label: 'changes', description: `${key} removed` };
    }),
  // Below the top only: the top level keeps its own outbound type and has no route table without a firewall.
  'cluster-outbound-type': (ctx, f) =>
    editTerraform(
      ctx,
      f,
      (json, level) => {
        const profile = single(json, 'azurerm_kubernetes_cluster')?.network_profile;
        if (!profile) return undefined;
        const type = pick(ctx.r, ['loadBalancer', 'managedNATGateway', 'userAssignedNATGateway', 'none', undefined]);
        if (type === undefined) delete profile.outbound_type;
        else profile.outbound_type = type;
        return { label: 'changes', description: `outbound type of ${level} -> ${type ?? "(unset: azurerm's loadBalancer)"}` };
      },
      (level) => isLower(ctx, level),
    ),
  'route-edit': (ctx, f) =>
    editTerraform(
      ctx,
      f,
      (json, level) => {
        const route = single(json, 'azurerm_route');
        const table = single(json, 'azurerm_route_table');
        if (!route || !table) return undefined;
        switch (pick(ctx.r, ['internet', 'add-internet', 'no-table', 'bgp', 'next-hop'] as const)) {
          case 'internet':
            route.next_hop_type = 'Internet';
            delete route.next_hop_in_ip_address;
            return { label: 'changes', description: `${level} default route -> Internet` };
          case 'add-internet': {
            const prefix = `203.0.113.${Math.floor(ctx.r() * 250) + 1}/32`;
            json.resource.azurerm_route[`mut_${ctx.n}`] = { ...route, name: `mut-${ctx.n}`, address_prefix: prefix, next_hop_type: 'Internet' };
            delete json.resource.azurerm_route[`mut_${ctx.n}`].next_hop_in_ip_address;
            return { label: 'changes', description: `${level} route ${prefix} -> Internet added` };
          }
          case 'no-table':
            delete json.resource.azurerm_subnet_route_table_association;
            return { label: 'changes', description: `${level} route table association removed` };
          case 'bgp':
            table.bgp_route_propagation_enabled = true;
            return { label: 'changes', description: `${level} route table propagates BGP routes` };
          case 'next-hop':
            route.next_hop_in_ip_address = `198.51.100.${Math.floor(ctx.r() * 250) + 1}`;
            return { label: 'changes', description: `${level} default route next hop -> ${route.next_hop_in_ip_address}` };
        }
      },
      (level) => isLower(ctx, level),
    ),
  'route-rename': (ctx, f) =>
    editTerraform(
      ctx,
      f,
      (json, level) => {
        const route = single(json, 'azurerm_route');
        if (!route) return undefined;
        route.name = `renamed-${ctx.n}`;
        return { label: 'preserves', description: `${level} default route renamed ${route.name}` };
      },
      (level) => isLower(ctx, level),
    ),
  'nsg-platform-dns': (ctx, f) =>
    editTerraform(
      ctx,
      f,
      (json, level) => {
        const found = platformDnsDeny(json);
        if (!found) return undefined;
        const [key, deny] = found;
        switch (pick(ctx.r, ['remove', 'shadow', 'by-address', 'move'] as const)) {
          case 'remove':
            delete json.resource.azurerm_network_security_rule[key];
            return { label: 'changes', description: `${level} ${deny.name} removed` };
          case 'shadow': {
            const priority = 100 + Math.floor(ctx.r() * 890);
            const protocol = pick(ctx.r, ['Udp', 'Tcp', '*']);
            json.resource.azurerm_network_security_rule[`mut_${ctx.n}`] = {
              ...deny,
              name: `mut-${ctx.n}`,
              priority,
              access: 'Allow',
              protocol,
              destination_address_prefix: pick(ctx.r, ['168.63.129.16', '168.63.129.16/32', 'AzurePlatformDNS']),
              destination_port_range: '53',
            };
            return { label: 'changes', description: `${level} Allow ${protocol} 53 to Azure DNS at ${priority}, before ${deny.name}` };
          }
          case 'by-address':
            deny.destination_address_prefix = '168.63.129.16/32';
            return { label: 'changes', description: `${level} ${deny.name} names the address, not the tag` };
          case 'move':
            deny.priority = 4050;
            return { label: 'preserves', description: `${level} ${deny.name} priority -> 4050` };
        }
      },
      (level) => isLower(ctx, level),
    ),
  'vnet-dns': (ctx, f) =>
    editTerraform(ctx, f, (json, level) => {
      const vnet: any = Object.values(json.resource?.azurerm_virtual_network ?? {})[0];
      if (!vnet) return undefined;
      vnet.dns_servers = ['198.51.100.53'];
      return { label: 'changes', description: `VNET DNS of ${level} -> 198.51.100.53` };
    }),
  // ---------------------------------------------------------------- Services
  'service-ip': (ctx, f) => {
    const candidates = [...f.manifests.entries()].filter(([, t]) => t.includes('azure-load-balancer-ipv4'));
    if (candidates.length === 0) return undefined;
    const [file, text] = pick(ctx.r, candidates);
    const next = text.replace(/(azure-load-balancer-ipv4: )"?(\d+\.\d+\.\d+\.)(\d+)"?/, (_m, k, net, last) => `${k}${net}${(Number(last) % 200) + 30}`);
    if (next === text) return undefined;
    f.manifests.set(file, next);
    return { label: 'changes', description: `${file}: load balancer IP changed` };
  },
};

export const OPERATORS = Object.keys(OPS);

/** One random applicable edit of `tree`. */
export function mutate(intent: Intent, tree: Tree, r: Rand, n: number): Mutation {
  for (let attempt = 0; attempt < 50; attempt++) {
    const op = pick(r, OPERATORS);
    const files = { terraform: new Map(tree.terraform), manifests: new Map(tree.manifests) };
    const edit = OPS[op]({ r, intent, tree, n }, files);
    if (edit) return { op, label: edit.label, description: edit.description, tree: files };
  }
  throw new Error('no applicable mutation');
}
