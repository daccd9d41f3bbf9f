/**
 * `check` and `explain` as library functions: the same answers as the CLI commands, as
 * data, without printing or exit codes.
 */
import { EgressModel } from '../model';
import { Report } from './check';
import { checkArtifacts, explainArtifacts } from './index';

/** Where {@link check} and {@link explain} read the synthesized output. */
export interface VerifyOptions {
  /** The config the output was synthesized from, as `loadConfig` or `parseConfig` return it. */
  readonly config: EgressModel;
  /** Folder holding `manifest.json` and `stacks/<level>/cdk.tf.json`. @default 'cdktf.out' */
  readonly cdktfOut?: string;
  /** Folder holding `<level>/*.yaml`. @default 'manifests' */
  readonly manifestsOut?: string;
}

/** Options of {@link explain}. */
export interface ExplainOptions extends VerifyOptions {
  /** Level whose pods ask for the name. @default the bottom level */
  readonly from?: string;
}

/** What {@link explain} found. */
export interface Explanation {
  /** The path hop by hop (DNS answer, chain, cluster, next hop, NSG rule), or where and why it stops; as the CLI prints it. */
  readonly text: string;
  /** True when the name behaves as the allow-list says (allowed names leave, others stop). */
  readonly ok: boolean;
}

/**
 * Reads the synthesized Terraform JSON and manifests back from disk (never the code that
 * wrote them) and proves, for every level, that each allowed name is resolved to the
 * local proxy and routed hop by hop to the internet, and that nothing else is. A
 * missing or unreadable file is a finding too: `report.ok` is the verdict.
 */
export function check(options: VerifyOptions): Report {
  return checkArtifacts(options.config, options.cdktfOut ?? 'cdktf.out', options.manifestsOut ?? 'manifests');
}

/** The path of one host name through the synthesized output, hop by hop, or where and why it stops. */
export function explain(name: string, options: ExplainOptions): Explanation {
  return explainArtifacts(options.config, options.cdktfOut ?? 'cdktf.out', options.manifestsOut ?? 'manifests', name, options.from);
}
