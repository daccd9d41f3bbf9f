/**
 * Mutation testing as the measure of `check`'s proof. Two configs (the default, with
 * non-strict DNS, and a seeded random multi-level one with strict DNS and a declared
 * forward zone) are synthesized in memory; random single edits are
 * applied to the artifacts (names added, dropped or renamed in each engine, IPs, ports,
 * priorities and peerings changed, rules and catch-alls added, chains and lines
 * reordered; below the top, outbound types, routes and the platform DNS deny changed).
 * For each edit an oracle that knows nothing of the allow-list or the rules
 * (test/verify/mutation/oracle.ts: the engine models evaluating every relevant name,
 * port and flow) decides whether the edit changes what is resolved or routed; `check`
 * must fail on exactly those. The oracle itself is checked against each edit's label by
 * construction (a pure reorder or rename must not matter; an added name must).
 *
 * Seeded and reproducible: MUTATION_SEED (default 20261203), MUTATIONS per config (default 260).
 */
import { stringify } from 'yaml';
import { EgressModel, loadConfig, parseConfig } from '../../lib/model';
import { DOCKER_HUB_HOSTS } from '../../lib/model/registries';
import { buildWorld, Intent, intentFromModel } from '../../lib/verify';
import { fingerprint, nameUniverse, portUniverse } from './mutation/oracle';
import { Mutation, mutate, rng } from './mutation/mutators';
import { artifactsOfTree, checkTree, synthTree, Tree } from './mutation/tree';

const SEED = Number(process.env.MUTATION_SEED ?? 20261203);
const PER_CONFIG = Number(process.env.MUTATIONS ?? 260);

/** A random multi-level config from the seed: 3-5 levels, exact and wildcard entries, mixed ports, strict DNS (the default config is not). */
function randomConfig(seed: number): EgressModel {
  const r = rng(seed);
  const n = 3 + Math.floor(r() * 3);
  const octets = [16, 18, 20, 22, 24, 26].slice(0, n);
  const word = () => `${['alpha', 'bravo', 'delta', 'kilo', 'oscar', 'tango'][Math.floor(r() * 6)]}${r() < 0.4 ? '-' : ''}${Math.floor(r() * 90) + 10}`;
  const entries: Array<Record<string, unknown>> = [];
  for (let i = 0; i < 6; i++) {
    const domain = `${word()}.${['com', 'net', 'io'][Math.floor(r() * 3)]}`;
    const ports = r() < 0.3 ? [443, 8443] : r() < 0.2 ? [9000] : undefined;
    entries.push({ domain: r() < 0.5 ? `*.${domain}` : domain, ...(ports ? { ports } : {}), purpose: `random ${i}` });
  }
  // the registries of the default images, so lower levels can pull them
  for (const d of [...DOCKER_HUB_HOSTS, 'registry.k8s.io', '*.pkg.dev']) entries.push({ domain: d });
  const strict = true;
  return parseConfig(
    stringify({
      name: 'mut',
      location: 'northeurope',
      levels: octets.map((o, i) => ({ name: `z${n - i}`, addressSpace: `172.${o}.0.0/16` })),
      allowList: entries,
      workloads: { dnsmasq: { strict, forwardZones: strict ? ['privatelink.blob.core.windows.net'] : [] } },
    }),
    'random.yaml',
  );
}

const timing = { mutate: 0, universe: 0, oracle: 0, check: 0 };

interface Outcome {
  readonly m: Mutation;
  readonly matters: boolean;
  readonly checkFails: boolean;
  readonly findings: string[];
}

function runConfig(label: string, model: EgressModel, seed: number): { outcomes: Outcome[]; labelErrors: string[] } {
  const intent: Intent = intentFromModel(model);
  const base = synthTree(model);
  const baseReport = checkTree(intent, base);
  if (!baseReport.ok)
    throw new Error(
      `${label}: check fails on the unmutated output:\n${baseReport.findings
        .filter((f) => f.severity === 'error')
        .slice(0, 5)
        .map((f) => f.message)
        .join('\n')}`,
    );
  const r = rng(seed);
  const mutations: Mutation[] = [];
  let t0 = Date.now();
  for (let i = 0; i < PER_CONFIG; i++) mutations.push(mutate(intent, base, r, i));
  timing.mutate += Date.now() - t0;
  const cache = new Map<string, unknown>();
  const worldOf = (t: Tree) => buildWorld(intent, artifactsOfTree(t, cache));
  const baseWorld = worldOf(base);
  const outcomes: Outcome[] = [];
  const labelErrors: string[] = [];
  for (const m of mutations) {
    t0 = Date.now();
    const world = worldOf(m.tree);
    const names = nameUniverse(intent, [base, m.tree]);
    const ports = portUniverse(intent, [baseWorld, world]);
    timing.universe += Date.now() - t0;
    let t = Date.now();
    const before = fingerprint(baseWorld, names, ports);
    const after = fingerprint(world, names, ports);
    timing.oracle += Date.now() - t;
    const matters = before.length !== after.length || before.some((line, i) => line !== after[i]);
    if ((m.label === 'changes' && !matters) || (m.label === 'preserves' && matters)) {
      const diff = after.filter((l, i) => l !== before[i]).slice(0, 3);
      labelErrors.push(
        `${label} ${m.op} (${m.label}) but the oracle says ${matters ? 'it matters' : 'it does not'}: ${m.description}${diff.length ? `\n    ${diff.join('\n    ')}` : ''}`,
      );
    }
    t = Date.now();
    const report = checkTree(intent, m.tree, cache);
    timing.check += Date.now() - t;
    outcomes.push({
      m,
      matters,
      checkFails: !report.ok,
      findings: report.findings
        .filter((f) => f.severity === 'error')
        .slice(0, 3)
        .map((f) => `${f.rule} ${f.level} ${f.name ?? ''}: ${f.message}`),
    });
  }
  return { outcomes, labelErrors };
}

test(`check fails on exactly the edits that change behaviour (mutation score 100%, >= 500 mutations, seed ${SEED})`, () => {
  const runs = [runConfig('default', loadConfig('infra/egress.yaml'), SEED), runConfig('random', randomConfig(SEED), SEED + 1)];
  const outcomes = runs.flatMap((x) => x.outcomes);
  const labelErrors = runs.flatMap((x) => x.labelErrors);
  const killed = outcomes.filter((o) => o.matters && o.checkFails).length;
  const mattering = outcomes.filter((o) => o.matters).length;
  const falseAlarms = outcomes.filter((o) => !o.matters && o.checkFails);
  const survivors = outcomes.filter((o) => o.matters && !o.checkFails);
  const byOp = new Map<string, number>();
  for (const o of outcomes) byOp.set(o.m.op, (byOp.get(o.m.op) ?? 0) + 1);
  console.log(
    `mutation score: ${killed}/${mattering} behaviour-changing edits caught (${((100 * killed) / Math.max(1, mattering)).toFixed(1)}%); ` +
      `${outcomes.length - mattering - falseAlarms.length}/${outcomes.length - mattering} behaviour-preserving edits passed; ${outcomes.length} mutations, seed ${SEED}\n` +
      `time: mutate ${timing.mutate} ms, world and universe ${timing.universe} ms, oracle ${timing.oracle} ms, check ${timing.check} ms\n` +
      `operators: ${[...byOp].map(([k, v]) => `${k} ${v}`).join(', ')}`,
  );
  const show = (xs: Outcome[]) =>
    xs
      .slice(0, 8)
      .map((o) => `${o.m.op}: ${o.m.description}\n    ${o.findings.join('\n    ') || '(no finding)'}`)
      .join('\n');
  expect(labelErrors).toEqual([]);
  if (survivors.length > 0) throw new Error(`${survivors.length} behaviour-changing edit(s) pass check:\n${show(survivors)}`);
  if (falseAlarms.length > 0) throw new Error(`${falseAlarms.length} behaviour-preserving edit(s) fail check:\n${show(falseAlarms)}`);
  expect(outcomes.length).toBeGreaterThanOrEqual(Math.min(500, 2 * PER_CONFIG));
  // not vacuous: both kinds of edit are well represented
  expect(mattering).toBeGreaterThan(outcomes.length / 2);
  expect(outcomes.length - mattering).toBeGreaterThan(outcomes.length / 10);
}, 600000);
