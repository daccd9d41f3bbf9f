import { Artifacts } from './artifacts';
import { DnsIntent, Intent, purposesOf } from './intent';
import { ALL_RULES, checkContext, Rule } from './rules';
import { Finding, RuleResult } from './types';
import { buildWorld } from './world';

/** The outcome of `check`. */
export interface Report {
  /** True when no rule found an error. */
  readonly ok: boolean;
  /** The Terraform output folder that was read. */
  readonly cdktfOut: string;
  /** The manifests folder that was read. */
  readonly manifestsOut: string;
  /** The config's levels, top first. */
  readonly levels: readonly string[];
  /** How many allow-list entries the config holds. */
  readonly entries: number;
  /** How many names were probed (listed names plus unlisted look-alikes). */
  readonly probes: number;
  /** What the config promises for unlisted names at each dnsmasq (checked by `dnsmasq-unlisted`). */
  readonly dns?: DnsIntent;
  /** Every rule that ran: its id, what it checks, its status (with the reason when not applicable) and its findings. */
  readonly rules: ReadonlyArray<{
    readonly id: string;
    readonly description: string;
    readonly status: RuleResult['status'];
    readonly reason?: string;
    readonly findings: readonly Finding[];
  }>;
  /** Every finding of every rule. */
  readonly findings: readonly Finding[];
  /** How many findings are errors (the check fails with one or more). */
  readonly errors: number;
  /** How many findings are warnings. */
  readonly warnings: number;
}

/** Runs every rule over the artifacts against the intent. Pure. */
export function runCheck(intent: Intent, artifacts: Artifacts, rules: readonly Rule[] = ALL_RULES): Report {
  const ctx = checkContext(buildWorld(intent, artifacts));
  const results = rules.map((rule) => {
    let result: RuleResult;
    try {
      result = rule.evaluate(ctx);
    } catch (e) {
      result = {
        status: 'non-compliant',
        findings: [{ rule: rule.id, severity: 'error', level: '-', layer: rule.layer, message: `rule crashed: ${(e as Error).stack ?? e}` }],
      };
    }
    return {
      id: rule.id,
      description: rule.description,
      status: result.status,
      reason: result.status === 'not-applicable' ? result.reason : undefined,
      findings: result.status === 'non-compliant' ? result.findings : [],
    };
  });
  const withPurpose = (f: Finding): Finding => {
    const purposes = f.name ? purposesOf(intent, f.name) : [];
    return purposes.length > 0 ? { ...f, purpose: purposes.join('; ') } : f;
  };
  for (const r of results) r.findings = r.findings.map(withPurpose);
  const findings = results.flatMap((r) => r.findings);
  const errors = findings.filter((f) => f.severity === 'error').length;
  return {
    ok: errors === 0,
    cdktfOut: artifacts.cdktfOut,
    manifestsOut: artifacts.manifestsOut,
    levels: intent.levels.map((l) => l.name),
    entries: intent.entries.length,
    probes: ctx.probes.length,
    dns: intent.dns,
    rules: results,
    findings,
    errors,
    warnings: findings.length - errors,
  };
}
