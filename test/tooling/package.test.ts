/**
 * The tooling around the code: `engines` agrees with every installed dependency (so
 * `npm ci` prints no EBADENGINE on a supported Node), and the package scripts that wrap
 * the CDK CLIs switch off their network calls.
 */
import { readFileSync } from 'node:fs';
import { satisfies, subset } from 'semver';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const engines: string = pkg.engines.node;

describe('engines', () => {
  test('the Node running the tests is one engines accepts', () => {
    expect(satisfies(process.version, engines)).toBe(true);
  });

  test('every locked dependency accepts every Node that engines accepts', () => {
    const narrower = Object.entries(lock.packages as Record<string, { engines?: { node?: string } | string[] }>)
      .filter(([path, meta]) => path !== '' && !Array.isArray(meta.engines) && typeof meta.engines?.node === 'string')
      .filter(([, meta]) => !subset(engines, (meta.engines as { node: string }).node))
      .map(([path, meta]) => `${path.replace(/^.*node_modules\//, '')} wants node ${(meta.engines as { node: string }).node}`);
    expect(narrower).toEqual([]);
  });
});

describe('package scripts', () => {
  test('npm run cdktf disables HashiCorp checkpoint (telemetry and version check calls)', () => {
    expect(pkg.scripts.cdktf).toMatch(/^CHECKPOINT_DISABLE=1 cdktf$/);
  });

  test('npm run cdk8s skips the npm registry upgrade check', () => {
    expect(pkg.scripts.cdk8s).toBe('cdk8s --no-check-upgrade');
  });

  test('npm run bench only measures; bench:write replaces the committed results', () => {
    expect(pkg.scripts.bench).not.toContain('--write');
    expect(pkg.scripts['bench:write']).toContain('--write');
    expect(readFileSync('scripts/bench.ts', 'utf8')).toMatch(/if \(!argv\.includes\('--write'\)\)/);
  });
});

describe('repository contents', () => {
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const listed = spawnSync('git', ['ls-files', '-z'], { encoding: 'utf8' });
  const inGit = listed.status === 0;
  if (!inGit && process.env.CI === 'true') {
    test('git is available and this is a checkout (required in CI)', () => {
      throw new Error(`git ls-files failed: ${listed.stderr || listed.error?.message}`);
    });
  }
  if (!inGit) console.warn('not a git checkout (or no git): skipping the tracked-files check');
  (inGit ? test : test.skip)('tracks no installed or built folder, not even as a link (git ignores folders and links alike)', () => {
    const tracked = listed.stdout.split('\0').filter(Boolean);
    expect(tracked.length).toBeGreaterThan(50);
    const built = /^(?:examples\/library\/)?(?:node_modules|dist|cdktf\.out|\.gen|coverage|docs\/api|build)(?:\/|$)/;
    expect(tracked.filter((f) => built.test(f))).toEqual([]);
  });
});
