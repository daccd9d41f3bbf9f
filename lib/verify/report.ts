import { Report } from './check';
import { Finding, formatSource } from './types';

/**
 * Human output of `check`: findings grouped by level, then layer; identical findings
 * for many names are folded into one line listing the names.
 */
export function formatReport(report: Report): string {
  const lines: string[] = [];
  lines.push(
    `layered-egress check: ${report.levels.length} level(s) [${report.levels.join(', ')}], ${report.entries} allow-list entries, ${report.probes} probe names`,
  );
  lines.push(`  read ${report.cdktfOut} and ${report.manifestsOut}`);
  if (report.dns) {
    const d = report.dns;
    lines.push(
      `  unlisted names at every dnsmasq: ${d.strict ? `NXDOMAIN (strict), except ${d.forwardZones.length} declared zone(s) forwarded upstream` : 'forwarded upstream (non-strict)'} (the top level to ${d.upstream}, each level below to its parent's DNS)`,
    );
  }
  lines.push('');
  const byLevel = new Map<string, Finding[]>();
  for (const f of report.findings) byLevel.set(f.level, [...(byLevel.get(f.level) ?? []), f]);
  const order = ['-', ...report.levels, ...[...byLevel.keys()].filter((l) => l !== '-' && !report.levels.includes(l))];
  for (const level of order) {
    const fs = byLevel.get(level);
    if (!fs) continue;
    lines.push(level === '-' ? 'General' : `Level ${level}`);
    const byLayer = new Map<string, Finding[]>();
    for (const f of fs) byLayer.set(f.layer, [...(byLayer.get(f.layer) ?? []), f]);
    for (const [layer, lf] of byLayer) {
      lines.push(`  [${layer}]`);
      const groups = new Map<string, { f: Finding; names: string[]; purposes: string[] }>();
      for (const f of lf) {
        const key = `${f.severity}|${f.rule}|${f.message}|${formatSource(f.source)}`;
        const g = groups.get(key) ?? { f, names: [], purposes: [] };
        if (f.name) g.names.push(f.port ? `${f.name}:${f.port}` : f.name);
        if (f.purpose) g.purposes.push(f.purpose);
        groups.set(key, g);
      }
      for (const g of groups.values()) {
        const { f, names } = g;
        const mark = f.severity === 'error' ? 'FAIL' : 'warn';
        lines.push(`    ${mark} ${f.rule}: ${f.message}`);
        if (names.length > 0) {
          const shown = [...new Set(names)];
          lines.push(`         names: ${shown.slice(0, 8).join(', ')}${shown.length > 8 ? ` and ${shown.length - 8} more` : ''}`);
        }
        const purposes = [...new Set(g.purposes)];
        if (purposes.length > 0)
          lines.push(`         purpose: ${purposes.slice(0, 4).join('; ')}${purposes.length > 4 ? ` and ${purposes.length - 4} more` : ''}`);
        lines.push(`         at: ${formatSource(f.source)}`);
      }
    }
    lines.push('');
  }
  lines.push('Rules');
  for (const r of report.rules) {
    const status =
      r.status === 'compliant' ? 'pass' : r.status === 'not-applicable' ? 'n/a ' : r.findings.some((f) => f.severity === 'error') ? 'FAIL' : 'warn';
    lines.push(`  ${status} ${r.id}${r.status === 'non-compliant' ? ` (${r.findings.length})` : r.reason ? ` (${r.reason})` : ''}`);
  }
  lines.push('');
  lines.push(
    report.ok
      ? `OK: every allowed name resolves to the proxy and is routed to the internet from every level, and nothing else is${report.warnings ? ` (${report.warnings} warning(s))` : ''}.`
      : `FAILED: ${report.errors} violation(s), ${report.warnings} warning(s).`,
  );
  return lines.join('\n') + '\n';
}

/** Machine output of `check` (`--json`): stable keys, findings flat. */
export function reportJson(report: Report): string {
  return JSON.stringify(report, null, 2) + '\n';
}
