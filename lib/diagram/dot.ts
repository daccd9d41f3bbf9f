import type { DiagramLevel, DiagramPort, TopologyInput } from './topology';

/**
 * The topology as Graphviz DOT: levels top to bottom (the internet above the top level),
 * each a box with its address space, node subnet, Envoy and DNS IPs; arrows point the
 * way connections go, upwards: a level's Envoy to its parent's Envoy with the proxied
 * ports and how many names each carries, its nodes to the parent's dnsmasq (their VNET
 * DNS) on 53, a dashed line for each VNET peering, and the top Envoy (through the
 * firewall when there is one) to the internet. With a hub the firewall sits in a hub box,
 * every level's peering goes to it, and the hops between levels say they cross it. Pure and deterministic: same input, same
 * text. Every label is escaped, though the model has already validated what reaches it.
 */
export function topologyDot(input: TopologyInput): string {
  const lines: string[] = [];
  const add = (line: string) => lines.push(line);
  add(`digraph ${quote(`layered-egress ${input.name}`)} {`);
  add(
    `  graph [rankdir=TB, newrank=true, fontname="Helvetica", fontsize=12, nodesep=0.35, ranksep=0.55, labelloc=t, label=${quote(
      `layered-egress: ${input.name} (${input.location}), ${input.levels.length} level${input.levels.length === 1 ? '' : 's'}`,
    )}];`,
  );
  add('  node [shape=box, style="rounded,filled", fillcolor="#ffffff", color="#555555", fontname="Helvetica", fontsize=10];');
  add('  edge [fontname="Helvetica", fontsize=9, color="#333333"];');
  add(`  internet [shape=ellipse, fillcolor="#eef3fb", label=${quote('internet\n(allowed names only)')}];`);

  input.levels.forEach((level, index) => {
    const top = index === 0;
    const hasChild = index < input.levels.length - 1;
    add(`  subgraph ${quote(`cluster_${level.name}`)} {`);
    add(
      `    label=${quote(`${level.name}${top ? ' (top)' : ''}${hasChild ? '' : index > 0 ? ' (bottom)' : ''}   ${level.addressSpace}`)}; style="rounded"; color="#1f5fa8"; fontcolor="#1f5fa8";`,
    );
    add(`    ${id(level, 'envoy')} [fillcolor="#fff7e6", label=${quote(`Envoy SNI proxy\n${level.envoyIp}\n(load balancers ${level.loadBalancerSubnet})`)}];`);
    add(`    ${id(level, 'nodes')} [label=${quote(`AKS nodes ${level.nodeSubnet}\npods resolve allowed names\nto Envoy (CoreDNS)`)}];`);
    if (hasChild) add(`    ${id(level, 'dns')} [fillcolor="#eefaf0", label=${quote(`dnsmasq ${level.dnsIp}\n${dnsBehaviour(input.strictDns)}`)}];`);
    // One row per level, always in the same order: Envoy, nodes, DNS.
    const row = [id(level, 'envoy'), id(level, 'nodes'), ...(hasChild ? [id(level, 'dns')] : [])];
    add(`    { rank=same; ${row.join('; ')}; }`);
    add(`    ${row.join(' -> ')} [style=invis];`);
    add('  }');
  });

  const top = input.levels[0];
  const hub = input.firewall?.hubAddressSpace;
  const viaHub = hub ? '\nthrough the hub firewall' : '';
  if (top) {
    const upstream = `${input.ports.map((p) => p.port).join(', ')} to allowed names`;
    if (input.firewall) {
      const firewallNode = `firewall [shape=box, fillcolor="#fdecea", label=${quote(`Azure Firewall ${input.firewall.name}\n${input.firewall.privateIp}`)}];`;
      if (hub) {
        add(`  subgraph "cluster_hub" {`);
        add(`    label=${quote(`hub   ${hub}`)}; style="rounded"; color="#b3261e"; fontcolor="#b3261e";`);
        add(`    ${firewallNode}`);
        add('  }');
      } else add(`  ${firewallNode}`);
      add(`  internet -> firewall [dir=back, label=${quote(upstream)}];`);
      add(`  firewall -> ${id(top, 'envoy')} [dir=back];`);
    } else {
      add(`  internet -> ${id(top, 'envoy')} [dir=back, label=${quote(`${upstream}\n${portSummary(input.ports)}`)}];`);
    }
  }
  for (let i = 1; i < input.levels.length; i++) {
    const parent = input.levels[i - 1];
    const child = input.levels[i];
    add(`  ${id(parent, 'envoy')} -> ${id(child, 'envoy')} [dir=back, penwidth=1.5, label=${quote(`TLS, unopened${viaHub}\n${portSummary(input.ports)}`)}];`);
    add(
      `  ${id(parent, 'dns')} -> ${id(child, 'nodes')} [dir=back, style=bold, color="#2e7d32", label=${quote(`DNS 53 (VNET DNS of ${child.name})${viaHub}`)}];`,
    );
    if (!hub) add(`  ${id(parent, 'nodes')} -> ${id(child, 'nodes')} [dir=none, style=dashed, color="#1f5fa8", label=${quote('VNET peering')}];`);
  }
  // With a hub every level is peered with the hub only: its routes send everything there.
  if (hub)
    for (const level of input.levels)
      add(`  firewall -> ${id(level, 'nodes')} [dir=none, style=dashed, color="#1f5fa8", constraint=false, label=${quote('VNET peering, 0.0.0.0/0')}];`);
  add('}');
  return `${lines.join('\n')}\n`;
}

/** `443: 28 names (8 wildcards)`, one port a line. */
function portSummary(ports: readonly DiagramPort[]): string {
  return ports
    .map((p) => `${p.port}: ${p.names} name${p.names === 1 ? '' : 's'}${p.wildcards > 0 ? ` (${p.wildcards} wildcard${p.wildcards === 1 ? '' : 's'})` : ''}`)
    .join('\n');
}

function dnsBehaviour(strict: boolean): string {
  return strict ? 'strict DNS: other names NXDOMAIN' : 'other names: forwarded upstream';
}

function id(level: DiagramLevel, part: string): string {
  return quote(`${level.name}_${part}`);
}

/** A DOT double-quoted string; newlines become centred line breaks. */
export function quote(text: string): string {
  const escaped = text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\r?\n/g, '\\n')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '');
  return `"${escaped}"`;
}
