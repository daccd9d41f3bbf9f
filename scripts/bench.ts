/**
 * `npm run bench`: whole-process wall time and peak memory (RSS) of the compiled CLI's
 * synth of both outputs, median of N runs, against the floor (node loading cdktf, cdk8s
 * and cdk8s-plus-28 and nothing else). Prints a table with ratios to the floor; with
 * `--write` (`npm run bench:write`) it also replaces bench/results.md (cited by the README)
 * and bench/results.json, so a casual run never dirties committed files.
 *
 * A benchmark, not a test: nothing here asserts; the targets are judged by a reader.
 *
 * Options: --runs N (default 5), --only <case name substring>, --write.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'dist/lib/cli/main.js');
const PEAK_PRELOAD = join(ROOT, 'dist/scripts/peak-rss.js');

interface Case {
  readonly name: string;
  /** Config text, or undefined for the floor. */
  readonly config?: string;
  readonly entries: number;
  readonly levels: number;
}

interface Measurement {
  readonly name: string;
  readonly entries: number;
  readonly levels: number;
  readonly wallMs: number;
  readonly peakMiB: number;
  readonly ok: boolean;
  readonly note?: string;
}

/** Deterministic allow-list of `n` entries: two exact names per wildcard, ports mostly 443. */
export function generatedEntries(n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const zone = `zone${Math.floor(i / 3)}.bench-${i % 7}.net`;
    const domain = i % 3 === 2 ? `"*.w${i}.${zone}"` : `host${i}.${zone}`;
    const ports = i % 10 === 0 ? '\n    ports: [443, 8443]' : i % 25 === 1 ? '\n    ports: [8084]' : '';
    lines.push(`  - domain: ${domain}${ports}\n    purpose: bench`);
  }
  return lines.join('\n');
}

/** `count` levels on 10.<i*4>.0.0/14 blocks, so any count up to 60 fits without overlaps. */
export function generatedLevels(count: number): string {
  return Array.from({ length: count }, (_, i) => `  - name: lvl${i}\n    addressSpace: 10.${i * 4}.0.0/14`).join('\n');
}

function configWith(levels: string, entries: string): string {
  return `name: bench\nlocation: westeurope\nlevels:\n${levels}\nallowList:\n${entries}\ncluster:\n  serviceCidr: 192.168.0.0/16\n  dnsServiceIp: 192.168.0.10\n  podCidr: 100.64.0.0/16\n`;
}

function cases(): Case[] {
  const defaultConfig = readFileSync(join(ROOT, 'infra/egress.yaml'), 'utf8');
  const defaultEntries = (defaultConfig.match(/^\s+- domain:/gm) ?? []).length;
  const defaultList = defaultConfig.slice(defaultConfig.indexOf('allowList:\n') + 'allowList:\n'.length);
  const list: Case[] = [
    { name: 'floor (require cdktf, cdk8s, cdk8s-plus-28)', entries: 0, levels: 0 },
    { name: 'default config', config: defaultConfig, entries: defaultEntries, levels: 3 },
  ];
  for (const [example, label] of [
    ['examples/firewall-top.yaml', 'firewall at the top'],
    ['examples/hub-spoke.yaml', 'firewall in a hub, 4 stacks'],
  ] as const) {
    const config = readFileSync(join(ROOT, example), 'utf8');
    list.push({ name: `${example} (${label})`, config, entries: (config.match(/^\s+- domain:/gm) ?? []).length, levels: 3 });
  }
  for (const n of [100, 1000, 2500, 10000]) {
    // Past about 700 entries the top level's per-name LOGICAL_DNS clusters no longer fit
    // one ConfigMap (see the capacity table), so the larger lists use the compact mode.
    const compact = n > 700;
    const config = configWith(generatedLevels(3), generatedEntries(n)) + (compact ? 'workloads:\n  envoy:\n    exactNamesVia: dynamic-forward-proxy\n' : '');
    list.push({ name: `${n} entries, 3 levels${compact ? ' (exactNamesVia: dynamic-forward-proxy)' : ''}`, config, entries: n, levels: 3 });
  }
  for (const levels of [6, 10]) {
    list.push({ name: `default list, ${levels} levels`, config: configWith(generatedLevels(levels), defaultList.trimEnd()), entries: defaultEntries, levels });
  }
  return list;
}

function runOnce(c: Case, scratch: string): { wallMs: number; peakMiB: number; ok: boolean; note?: string } {
  const peakFile = join(scratch, 'peak.json');
  rmSync(peakFile, { force: true });
  let args: string[];
  if (c.config === undefined) {
    args = ['-r', PEAK_PRELOAD, '-e', "require('cdktf'); require('cdk8s'); require('cdk8s-plus-28');"];
  } else {
    const configPath = join(scratch, 'egress.yaml');
    writeFileSync(configPath, c.config);
    args = ['-r', PEAK_PRELOAD, CLI, 'synth', '--config', configPath, '--cdktf-out', join(scratch, 'cdktf.out'), '--manifests-out', join(scratch, 'manifests')];
  }
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: ROOT, env: { ...process.env, LE_PEAK_FILE: peakFile }, encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  let peakMiB = NaN;
  try {
    peakMiB = JSON.parse(readFileSync(peakFile, 'utf8')).maxRssKiB / 1024;
  } catch {
    /* the process died before its exit hook */
  }
  const ok = result.status === 0;
  // The first line that is not a warning says why it failed (warnings come first).
  const lines = (result.stderr || result.stdout).split('\n').filter((l) => l.trim() && !l.startsWith('warning:'));
  const note = ok ? undefined : (lines.find((l) => /^\s+- /.test(l)) ?? lines[0] ?? `exit ${result.status}`).trim();
  return { wallMs, peakMiB, ok, note };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function measure(c: Case, runs: number): Measurement {
  const scratch = mkdtempSync(join(tmpdir(), 'le-bench-'));
  try {
    const samples = Array.from({ length: runs }, () => runOnce(c, scratch));
    const failed = samples.find((s) => !s.ok);
    return {
      name: c.name,
      entries: c.entries,
      levels: c.levels,
      wallMs: median(samples.map((s) => s.wallMs)),
      peakMiB: median(samples.map((s) => s.peakMiB)),
      ok: !failed,
      note: failed?.note,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Least-squares slope of wall time over entries x levels for the entry-scaling cases. */
function slope(points: Array<{ x: number; y: number }>): number {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

interface Capacity {
  readonly mode: string;
  readonly largestFitting: number;
  /** The error at the first size that does not fit: which object is the limit. */
  readonly limitedBy: string;
}

/**
 * Largest generated allow-list (3 levels, the mix above) whose manifests stay within the
 * 1 MiB ConfigMap limit, per top-level Envoy mode: a binary search over in-process synths.
 */
export function capacities(): Capacity[] {
  // Loaded here, not at the top, so the timed child processes are not affected.
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded lazily from the compiled build, see above */
  const { parseConfig } = require(join(ROOT, 'dist/lib/model')) as typeof import('../lib/model');
  const { synthManifests } = require(join(ROOT, 'dist/lib/synth/manifests')) as typeof import('../lib/synth/manifests');
  /* eslint-enable @typescript-eslint/no-require-imports */
  return (['logical-dns', 'dynamic-forward-proxy'] as const).map((mode) => {
    const attempt = (n: number): string | undefined => {
      const text = `${configWith(generatedLevels(3), generatedEntries(n))}workloads:\n  envoy:\n    exactNamesVia: ${mode}\n`;
      try {
        synthManifests(parseConfig(text, 'bench.yaml'));
        return undefined;
      } catch (e) {
        return (e as Error).message;
      }
    };
    let fits = 0;
    let failsAt = 1;
    let limitedBy: string;
    while (!(limitedBy = attempt(failsAt) ?? '')) {
      fits = failsAt;
      failsAt *= 2;
    }
    while (failsAt - fits > Math.max(1, Math.floor(fits / 100))) {
      const mid = Math.floor((fits + failsAt) / 2);
      const error = attempt(mid);
      if (error) {
        failsAt = mid;
        limitedBy = error;
      } else fits = mid;
    }
    return { mode, largestFitting: fits, limitedBy: limitedBy.replace(/ holds \d+ bytes.*$/s, '') };
  });
}

function main(): void {
  const argv = process.argv.slice(2);
  const runs = Number(argv[argv.indexOf('--runs') + 1]) || 5;
  const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : undefined;
  const selected = cases().filter((c) => !only || c.name.includes(only) || c.config === undefined);

  const results: Measurement[] = [];
  for (const c of selected) {
    process.stderr.write(`measuring: ${c.name} ...`);
    const m = measure(c, runs);
    process.stderr.write(` ${m.wallMs.toFixed(0)} ms, ${m.peakMiB.toFixed(0)} MiB${m.ok ? '' : ` (FAILED: ${m.note})`}\n`);
    results.push(m);
  }

  const floor = results[0];
  const defaultRun = results.find((r) => r.name === 'default config');
  const scaling = results.filter((r) => r.ok && r.levels === 3 && r.name.includes('entries'));
  const perEntryLevel = slope(scaling.map((r) => ({ x: r.entries * r.levels, y: r.wallMs })));
  const machine = `${cpus().length} x ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${process.platform}`;

  const rows = results.map((r) =>
    [
      r.name,
      r.entries,
      r.levels,
      `${(r.wallMs / 1000).toFixed(2)} s`,
      `${(r.wallMs / floor.wallMs).toFixed(1)}x`,
      `${r.peakMiB.toFixed(0)} MiB`,
      `${(r.peakMiB / floor.peakMiB).toFixed(1)}x`,
      r.ok ? '' : `failed: ${r.note}`,
    ].join(' | '),
  );
  const table = [
    '| case | entries | levels | wall (median) | x floor | peak RSS (median) | x floor | note |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r} |`),
  ].join('\n');
  let summary = [
    `Machine: ${machine}. Median of ${runs} runs, whole process (node start to exit), compiled CLI synth of both outputs.`,
    '',
    table,
    '',
    `Growth: ${(perEntryLevel * 1000).toFixed(3)} ms per 1,000 (entries x levels) (least-squares slope over the 3-level entry cases).`,
    defaultRun && scaling.find((r) => r.entries === 2500)
      ? `2,500 entries vs default: ${(scaling.find((r) => r.entries === 2500)!.wallMs / defaultRun.wallMs).toFixed(1)}x wall.`
      : '',
  ].join('\n');

  process.stderr.write('measuring: largest allow-list per top-level Envoy mode ...\n');
  const capacity = capacities();
  const capacityTable = [
    '',
    'Largest generated allow-list (3 levels, same mix) whose every ConfigMap stays under 1 MiB, to within 1%:',
    '',
    '| workloads.envoy.exactNamesVia | largest list that fits | first object over the limit |',
    '|---|---|---|',
    ...capacity.map((c) => `| ${c.mode} | ${c.largestFitting} entries | ${c.limitedBy.replace(/\|/g, '/')} |`),
  ].join('\n');
  summary += `\n${capacityTable}`;

  process.stdout.write(`${summary}\n`);
  if (!argv.includes('--write')) {
    process.stderr.write('bench/results.md and bench/results.json left as they are (pass --write, or run npm run bench:write, to replace them).\n');
    return;
  }
  mkdirSync(join(ROOT, 'bench'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results.md'), `# Benchmark results (npm run bench)\n\n${summary}\n`);
  writeFileSync(
    join(ROOT, 'bench/results.json'),
    `${JSON.stringify({ machine, runs, results, msPerThousandEntryLevels: perEntryLevel * 1000, capacity }, null, 2)}\n`,
  );
}

if (require.main === module) main();
