/**
 * Reads Terraform JSON (`cdk.tf.json`) generically: resources and data sources by
 * address, outputs, and references (`${type.name.attr}`) resolved within the file or,
 * for cdktf cross-stack references (`${data.terraform_remote_state.x.outputs.key}`),
 * through the other stacks' outputs.
 */

/** One resource or data source block. */
export interface TfBlock {
  /** Stack (folder name under `stacks/`). */
  readonly stack: string;
  readonly file: string;
  readonly mode: 'resource' | 'data';
  readonly type: string;
  readonly name: string;
  readonly body: Readonly<Record<string, unknown>>;
  /** 1-based line of the block's key in the file, when the file is pretty-printed. */
  readonly line?: number;
}

/** One parsed `cdk.tf.json`. */
export interface TfStack {
  readonly stack: string;
  readonly file: string;
  readonly blocks: readonly TfBlock[];
  readonly outputs: Readonly<Record<string, unknown>>;
}

/** Address of a block as Terraform prints it: `azurerm_subnet.nodes` or `data.x.y`. */
export function addressOf(block: TfBlock): string {
  return block.mode === 'data' ? `data.${block.type}.${block.name}` : `${block.type}.${block.name}`;
}

/** Parses one file's text. @throws SyntaxError on invalid JSON */
export function parseTfStack(stack: string, file: string, text: string): TfStack {
  const json = JSON.parse(text) as Record<string, unknown>;
  const blocks: TfBlock[] = [];
  const lines = text.split('\n');
  for (const mode of ['resource', 'data'] as const) {
    const section = (json[mode] ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
    for (const type of Object.keys(section).sort()) {
      for (const name of Object.keys(section[type]).sort()) {
        blocks.push({ stack, file, mode, type, name, body: section[type][name], line: blockLine(lines, mode, type, name) });
      }
    }
  }
  const outputs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries((json.output ?? {}) as Record<string, { value?: unknown }>)) outputs[k] = v?.value;
  return { stack, file, blocks, outputs };
}

/** The line of `"name": {` after `"type": {` after `"mode": {` (one line per key, as cdktf and JSON.stringify indent). */
function blockLine(lines: readonly string[], mode: string, type: string, name: string): number | undefined {
  let i = lines.findIndex((l) => l.trimStart().startsWith(`"${mode}":`));
  if (i < 0 || lines.length < 3) return undefined;
  i = lines.findIndex((l, j) => j > i && l.trimStart().startsWith(`${JSON.stringify(type)}:`));
  if (i < 0) return undefined;
  const at = lines.findIndex((l, j) => j > i && l.trimStart().startsWith(`${JSON.stringify(name)}:`));
  return at < 0 ? undefined : at + 1;
}

/** A reference to an attribute of a block, after following cross-stack outputs. */
export interface ResolvedRef {
  readonly block: TfBlock;
  readonly attr: string;
}

const WHOLE_REF = /^\$\{([a-zA-Z0-9_.\-[\]]+)\}$/;

/** Resolves references over a set of stacks. */
export class TfResolver {
  private readonly byStack = new Map<string, Map<string, TfBlock>>();

  constructor(readonly stacks: readonly TfStack[]) {
    for (const s of stacks) this.byStack.set(s.stack, new Map(s.blocks.map((b) => [addressOf(b), b])));
  }

  /** The block at `address` in `stack`. */
  block(stack: string, address: string): TfBlock | undefined {
    return this.byStack.get(stack)?.get(address);
  }

  /**
   * Follows a `${...}` reference written in `stack` to the block and attribute it
   * names; undefined when `value` is not a single reference or cannot be followed.
   */
  ref(stack: string, value: unknown, depth = 0): ResolvedRef | undefined {
    if (typeof value !== 'string' || depth > 8) return undefined;
    const m = WHOLE_REF.exec(value);
    if (!m) return undefined;
    const parts = m[1].replace(/\[\d+\]/g, '').split('.');
    if (parts[0] === 'data' && parts[1] === 'terraform_remote_state' && parts[3] === 'outputs' && parts[4]) {
      for (const other of this.stacks) {
        if (parts[4] in other.outputs) return this.ref(other.stack, other.outputs[parts[4]], depth + 1);
      }
      return undefined;
    }
    const [address, attr] =
      parts[0] === 'data' ? [`data.${parts[1]}.${parts[2]}`, parts.slice(3).join('.')] : [`${parts[0]}.${parts[1]}`, parts.slice(2).join('.')];
    const block = this.block(stack, address);
    return block ? { block, attr } : undefined;
  }

  /**
   * The literal value of `value` written in `stack`: references to plain attributes
   * are followed (so `${azurerm_network_security_group.x.name}` gives the NSG's name);
   * anything else is returned as written.
   */
  value(stack: string, value: unknown, depth = 0): unknown {
    const r = this.ref(stack, value);
    if (!r || depth > 8) return value;
    if (r.attr in r.block.body) return this.value(r.block.stack, r.block.body[r.attr], depth + 1);
    return value;
  }

  /** `value` resolved to a string, or undefined when it is not one. */
  string(stack: string, value: unknown): string | undefined {
    const v = this.value(stack, value);
    return typeof v === 'string' ? v : undefined;
  }

  /** `value` resolved to a list of strings (a single string becomes a list of one). */
  strings(stack: string, value: unknown): string[] {
    const v = this.value(stack, value);
    if (typeof v === 'string' || typeof v === 'number') return [String(v)];
    if (Array.isArray(v)) return v.map((x) => (typeof x === 'number' ? String(x) : this.string(stack, x))).filter((x): x is string => x !== undefined);
    return [];
  }
}
