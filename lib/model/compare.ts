/**
 * The one ordering of text in generated output: by UTF-16 code unit, like `Array.sort()`
 * without a comparator. Never locale-aware (`localeCompare`): the same input must give the
 * same bytes on every machine.
 */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
