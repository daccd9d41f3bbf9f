import { instance } from '@viz-js/viz';

/**
 * Renders DOT to SVG with Graphviz compiled to WebAssembly (`@viz-js/viz`): no native
 * Graphviz install, and the same bytes on every machine for the pinned version.
 * @throws listing Graphviz's messages when the DOT does not render
 */
export async function renderSvg(dot: string): Promise<string> {
  const viz = await instance();
  const result = viz.render(dot, { format: 'svg', engine: 'dot' });
  if (result.status !== 'success') {
    throw new Error(`Graphviz could not render the diagram: ${result.errors.map((e) => `${e.level ?? 'error'}: ${e.message}`).join('; ')}`);
  }
  return result.output;
}
