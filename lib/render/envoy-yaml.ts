import { stringify } from 'yaml';

/**
 * The bootstrap as block YAML, the text stored in the ConfigMap and read by Envoy. Envoy
 * picks the parser from the `--config-path` extension (`.json`, `.yaml`, `.pb`,
 * `.pb_text`: Envoy docs, "Command line options"); the mounted file is `envoy.yaml`, and
 * the proto3 JSON field names are the same in YAML.
 *
 * Keys keep the renderer's order, which is fixed; every list item and every server name
 * sits on its own line, so adding one domain to the allow-list changes a few lines in
 * review instead of one line of several kilobytes. Only text with spaces can be folded
 * (the access-log format, as a `>` block that reads back to the same string): names and
 * type URLs never are. Scalars a YAML reader could take for another type are quoted.
 */
export function envoyBootstrapYaml(bootstrap: unknown): string {
  // YAML 1.1 rules for quoting: Envoy's YAML reader (yaml-cpp) still reads plain `no`,
  // `on`, `y` as booleans, and a level may be named `no`; 1.1 output quotes them, and a
  // quoted scalar is a string to every YAML reader.
  return stringify(bootstrap, { version: '1.1', lineWidth: 100, minContentWidth: 20, indent: 2, indentSeq: true, aliasDuplicateObjects: false });
}
