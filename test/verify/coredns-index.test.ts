/** The indexed CoreDNS lookup answers exactly as trying every rule in order does. */
import { resolveCoredns, resolveCorednsInOrder } from '../../lib/verify/engines/coredns';
import { parseCorednsCustom } from '../../lib/verify/parse/coredns';
import { rng } from './mutation/mutators';

test('indexed and in-order CoreDNS rewrites agree on shadowed, overlapping and unindexed rules', () => {
  const r = rng(7);
  const suffixes = ['b.com', 'a.b.com', 'x-y.net', 'c.io'];
  const lines: string[] = [];
  for (let i = 0; i < 60; i++) {
    const s = suffixes[Math.floor(r() * suffixes.length)];
    const t = `t${i}.egress.svc.cluster.local`;
    const kind = Math.floor(r() * 6);
    if (kind === 0) lines.push(`rewrite name exact ${['', 'w.', 'v.w.'][i % 3]}${s} ${t}`);
    else if (kind === 1) lines.push(`rewrite name regex ^(?:[^.]+\\.)+${s.replace(/[.-]/g, (c) => `\\${c}`)}\\.$ ${t}. answer auto`);
    else if (kind === 2) lines.push(`rewrite name suffix ${s}. ${t}.`);
    else if (kind === 3) lines.push(`rewrite name prefix w ${t}`);
    else if (kind === 4) lines.push(`rewrite name regex ${s.replace(/\./g, '\\.')} ${t}. answer auto`);
    else lines.push(`rewrite name substring -y ${t}`);
  }
  const names = [
    'b.com',
    'w.b.com',
    'v.w.b.com',
    'a.b.com',
    'z.a.b.com',
    'evilb.com',
    'x-y.net',
    'q.x-y.net',
    'c.io',
    'w.c.io',
    'c.io.evil.net',
    'nothing.org',
  ];
  for (let cut = 1; cut <= lines.length; cut += 7) {
    const config = parseCorednsCustom({ 'a.override': lines.slice(0, cut).join('\n') });
    for (const n of names) {
      const fast = resolveCoredns(config, n);
      const slow = resolveCorednsInOrder(config, n);
      expect({ n, name: fast.name, rules: fast.applied.map((x) => x.line) }).toEqual({ n, name: slow.name, rules: slow.applied.map((x) => x.line) });
    }
  }
});
