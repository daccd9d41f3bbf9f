/**
 * What a wildcard `*.suffix` covers: every name strictly below `suffix`, at any depth
 * (docs/semantics.md). One helper for the model, the renderers and the verifier, so they
 * cannot disagree on it.
 */

/** The proper parent suffixes of `name`, nearest first: `a.b.com` gives `b.com`, then `com`. */
export function* parentSuffixes(name: string): Generator<string> {
  for (let dot = name.indexOf('.'); dot !== -1; dot = name.indexOf('.', dot + 1)) yield name.slice(dot + 1);
}

/** Is `name` strictly below `suffix`, that is, matched by `*.suffix`? Both lowercase, without a trailing dot. */
export function isBelow(name: string, suffix: string): boolean {
  return name.endsWith(`.${suffix}`);
}

/** The value of the most specific wildcard (keyed by its suffix) that covers `name`, or undefined. */
export function coveringWildcard<T>(name: string, wildcardsBySuffix: ReadonlyMap<string, T>): T | undefined {
  for (const suffix of parentSuffixes(name)) {
    const found = wildcardsBySuffix.get(suffix);
    if (found !== undefined) return found;
  }
  return undefined;
}
