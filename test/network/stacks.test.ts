import { Testing } from 'cdktf';
import { LEVEL_TAG } from '../../lib/network/level-stack';
import { defaultModel, FIVE_LEVELS, model, resources, synthStacks, BASE } from './fixtures';

const rules = (json: any) => resources(json, 'azurerm_network_security_rule');
const rule = (json: any, name: string) => {
  const found = rules(json).find((r) => r.name === name);
  if (!found) throw new Error(`no rule ${name}`);
  return found;
};
const ports = (r: any): string[] => r.destination_port_ranges ?? [r.destination_port_range];

describe('default config', () => {
  const m = defaultModel();
  const { stacks, json } = synthStacks(m);

  test('one stack per level, named after it, each depending on its parent', () => {
    expect(stacks.map((s) => s.node.id)).toEqual(['l4', 'l3', 'l2']);
    expect(stacks.map((s) => s.dependencies.map((d) => d.node.id))).toEqual([[], ['l4'], ['l3']]);
  });

  test.each(['l4', 'l3', 'l2'])('stack %s (snapshot)', (name) => {
    expect(Testing.synth(stacks.find((s) => s.node.id === name)!)).toMatchSnapshot();
  });

  test('l3 and l2 deny outbound Internet last and Azure DNS, and open no service tag', () => {
    for (const level of ['l3', 'l2']) {
      const deny = rule(json[level], 'deny-internet-outbound');
      expect(deny).toMatchObject({ direction: 'Outbound', access: 'Deny', destination_address_prefix: 'Internet', priority: 4096, protocol: '*' });
      expect(rule(json[level], 'deny-azure-dns-outbound')).toMatchObject({
        direction: 'Outbound',
        access: 'Deny',
        destination_address_prefix: 'AzurePlatformDNS',
        protocol: '*',
        destination_port_range: '*',
      });
      const allowedTags = rules(json[level]).filter(
        (r) => r.direction === 'Outbound' && r.access === 'Allow' && /^[A-Z*]/.test(r.destination_address_prefix ?? ''),
      );
      expect(allowedTags).toEqual([]);
      for (const r of rules(json[level]).filter((r) => r.direction === 'Outbound' && r.access === 'Allow')) expect(r.priority).toBeLessThan(deny.priority);
    }
  });

  test('lower clusters use userDefinedRouting with a route table whose default route points at the parent Envoy (no public egress IP); the top keeps its load balancer', () => {
    const cluster = (level: string) => resources(json[level], 'azurerm_kubernetes_cluster')[0];
    expect(cluster('l4').network_profile.outbound_type).toBe('loadBalancer');
    expect(resources(json.l4, 'azurerm_route_table')).toEqual([]);
    for (const [level, parent] of [
      ['l3', 'l4'],
      ['l2', 'l3'],
    ] as const) {
      expect(cluster(level).network_profile.outbound_type).toBe('userDefinedRouting');
      const [table] = resources(json[level], 'azurerm_route_table');
      expect(table).toMatchObject({ name: `rt-edge-${level}`, bgp_route_propagation_enabled: false });
      expect(resources(json[level], 'azurerm_route')).toEqual([
        expect.objectContaining({
          name: `default-via-${parent}-envoy`,
          address_prefix: '0.0.0.0/0',
          next_hop_type: 'VirtualAppliance',
          next_hop_in_ip_address: m.levels.find((l) => l.name === parent)!.addresses.envoyIp,
        }),
      ]);
      const association = Object.entries(json[level].resource.azurerm_subnet_route_table_association as Record<string, any>);
      expect(association.map(([, a]) => a.subnet_id)).toEqual(['${azurerm_subnet.subnet-nodes.id}']);
      expect(cluster(level).depends_on).toContain(`azurerm_subnet_route_table_association.${association[0][0]}`);
      expect(resources(json[level], 'azurerm_public_ip')).toEqual([]);
    }
  });

  test('every API server: local accounts off, Entra ID with Azure RBAC for the deploying tenant', () => {
    for (const level of ['l4', 'l3', 'l2']) {
      const [cluster] = resources(json[level], 'azurerm_kubernetes_cluster');
      expect(cluster.local_account_disabled).toBe(true);
      expect(cluster.role_based_access_control_enabled).toBe(true);
      expect(cluster.azure_active_directory_role_based_access_control).toEqual({
        azure_rbac_enabled: true,
        tenant_id: expect.stringMatching(/^\$\{data\.azurerm_client_config\..*\.tenant_id\}$/),
      });
      expect(cluster.private_cluster_enabled).toBe(false);
    }
  });

  test('the top level keeps internet egress', () => {
    expect(rules(json.l4).filter((r) => r.destination_address_prefix === 'Internet')).toEqual([]);
    expect(rules(json.l4).filter((r) => /^Azure|^Microsoft/.test(r.destination_address_prefix ?? ''))).toEqual([]);
  });

  test('l4 and l3 allow the allow-list ports to their Envoy and 53 to their DNS from the level below, and nothing else from other levels', () => {
    for (const [level, child] of [
      ['l4', 'l3'],
      ['l3', 'l2'],
    ] as const) {
      const lvl = m.levels.find((l) => l.name === level)!;
      const below = m.levels.find((l) => l.name === child)!;
      const envoy = rule(json[level], `allow-envoy-from-${child}`);
      expect(envoy).toMatchObject({
        direction: 'Inbound',
        access: 'Allow',
        protocol: 'Tcp',
        source_address_prefix: below.addresses.addressSpace,
        destination_address_prefix: lvl.addresses.envoyIp,
      });
      expect(ports(envoy)).toEqual(['443', '8084']);
      for (const protocol of ['Udp', 'Tcp']) {
        expect(rule(json[level], `allow-dns-${protocol.toLowerCase()}-from-${child}`)).toMatchObject({
          direction: 'Inbound',
          access: 'Allow',
          protocol,
          source_address_prefix: below.addresses.addressSpace,
          destination_address_prefix: lvl.addresses.dnsIp,
          destination_port_range: '53',
        });
      }
      const deny = rule(json[level], 'deny-other-levels-inbound');
      expect(deny).toMatchObject({ direction: 'Inbound', access: 'Deny', destination_address_prefix: '*' });
      expect(deny.source_address_prefixes).toEqual(m.levels.filter((l) => l.name !== level).map((l) => l.addresses.addressSpace));
      expect(deny.priority).toBeGreaterThan(envoy.priority);
    }
    expect(
      rules(json.l2)
        .filter((r) => r.direction === 'Inbound' && r.access === 'Allow')
        .map((r) => r.name),
    ).toEqual(['allow-cluster-inbound']);
  });

  test('lower levels may send only the allow-list ports and 53 to the parent', () => {
    for (const [level, parent] of [
      ['l3', 'l4'],
      ['l2', 'l3'],
    ] as const) {
      const up = m.levels.find((l) => l.name === parent)!;
      expect(rule(json[level], `allow-envoy-to-${parent}`)).toMatchObject({
        direction: 'Outbound',
        protocol: 'Tcp',
        destination_address_prefix: up.addresses.envoyIp,
        destination_port_ranges: ['443', '8084'],
      });
      expect(rule(json[level], `allow-dns-udp-to-${parent}`)).toMatchObject({
        destination_address_prefix: up.addresses.dnsIp,
        destination_port_range: '53',
        protocol: 'Udp',
      });
      expect(rule(json[level], 'deny-other-levels-outbound').destination_address_prefixes).toContain(up.addresses.addressSpace);
    }
  });

  test('every rule has a description, a name of at most 80 characters and a priority unique in its direction', () => {
    for (const level of ['l4', 'l3', 'l2']) {
      const all = rules(json[level]);
      for (const r of all) {
        expect(r.description).toEqual(expect.any(String));
        expect(r.name.length).toBeLessThanOrEqual(80);
      }
      const keys = all.map((r) => `${r.direction}/${r.priority}`);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  test('one NSG per level, associated with both subnets', () => {
    for (const level of ['l4', 'l3', 'l2']) {
      expect(resources(json[level], 'azurerm_network_security_group')).toHaveLength(1);
      const associations = resources(json[level], 'azurerm_subnet_network_security_group_association')
        .map((a) => a.subnet_id)
        .sort();
      expect(associations).toEqual(['${azurerm_subnet.subnet-egress-ilb.id}', '${azurerm_subnet.subnet-nodes.id}']);
    }
  });

  test('exactly 4 peerings: both directions between adjacent levels, forwarded traffic on, no gateway transit', () => {
    const all = ['l4', 'l3', 'l2'].flatMap((level) => resources(json[level], 'azurerm_virtual_network_peering'));
    expect(all).toHaveLength(4);
    expect(resources(json.l4, 'azurerm_virtual_network_peering')).toEqual([]);
    expect(all.map((p) => p.name).sort()).toEqual(['peer-l2-to-l3', 'peer-l3-to-l2', 'peer-l3-to-l4', 'peer-l4-to-l3']);
    for (const p of all) {
      expect(p).toMatchObject({ allow_forwarded_traffic: true, allow_virtual_network_access: true, allow_gateway_transit: false, use_remote_gateways: false });
    }
    const back = resources(json.l3, 'azurerm_virtual_network_peering').find((p) => p.name === 'peer-l4-to-l3')!;
    expect(back).toMatchObject({
      virtual_network_name: 'vnet-edge-l4',
      resource_group_name: 'rg-edge-l4',
      remote_virtual_network_id: '${azurerm_virtual_network.vnet.id}',
    });
    expect(Object.values(json.l3.data!.azurerm_virtual_network)).toEqual([
      expect.objectContaining({ name: 'vnet-edge-l4', resource_group_name: 'rg-edge-l4' }),
    ]);
  });

  test("l3's VNET DNS is l4's DNS IP and l2's is l3's; the top keeps Azure DNS", () => {
    const vnet = (level: string) => resources(json[level], 'azurerm_virtual_network')[0];
    expect(vnet('l4').dns_servers).toBeUndefined();
    expect(vnet('l3').dns_servers).toEqual(['172.16.64.5']);
    expect(vnet('l2').dns_servers).toEqual(['172.18.64.5']);
    expect(vnet('l3').dns_servers).toEqual([m.levels[0].addresses.dnsIp]);
  });

  test('3 AKS clusters, each with its own identity holding Network Contributor on both subnets (and below the top its route table) before it is created', () => {
    for (const level of ['l4', 'l3', 'l2']) {
      const [cluster] = resources(json[level], 'azurerm_kubernetes_cluster');
      const [identity] = resources(json[level], 'azurerm_user_assigned_identity');
      expect(identity.name).toBe(`id-aks-edge-${level}`);
      expect(cluster.identity.type).toBe('UserAssigned');
      expect(cluster.identity.identity_ids).toEqual([expect.stringMatching(/^\$\{azurerm_user_assigned_identity\..*\.id\}$/)]);
      const grants = Object.entries(json[level].resource.azurerm_role_assignment);
      expect(grants.map(([, g]) => [g.role_definition_name, g.scope.replace(/route_table_[0-9A-F]+/, 'route_table')]).sort()).toEqual([
        ...(level === 'l4' ? [] : [['Network Contributor', '${azurerm_route_table.route_table.id}']]),
        ['Network Contributor', '${azurerm_subnet.subnet-egress-ilb.id}'],
        ['Network Contributor', '${azurerm_subnet.subnet-nodes.id}'],
      ]);
      for (const [id, g] of grants) {
        expect(g.principal_id).toMatch(/^\$\{azurerm_user_assigned_identity\..*\.principal_id\}$/);
        expect(cluster.depends_on).toContain(`azurerm_role_assignment.${id}`);
      }
      expect(cluster.default_node_pool).toMatchObject({ node_count: 3, vm_size: 'Standard_D4ds_v5', vnet_subnet_id: '${azurerm_subnet.subnet-nodes.id}' });
      expect(cluster.network_profile).toMatchObject({
        network_plugin: 'azure',
        network_plugin_mode: 'overlay',
        network_policy: 'calico',
        service_cidr: '10.0.0.0/16',
        dns_service_ip: '10.0.0.10',
      });
      expect(cluster.tags).toEqual({ [LEVEL_TAG]: level });
    }
    const total = ['l4', 'l3', 'l2'].flatMap((level) => resources(json[level], 'azurerm_kubernetes_cluster'));
    expect(total).toHaveLength(3);
  });

  test('lower clusters are created after their NSG and their peerings', () => {
    const [cluster] = resources(json.l3, 'azurerm_kubernetes_cluster');
    const deps: string[] = cluster.depends_on;
    expect(deps.filter((d) => d.startsWith('azurerm_virtual_network_peering.'))).toHaveLength(2);
    expect(deps.filter((d) => d.startsWith('azurerm_subnet_network_security_group_association.'))).toHaveLength(2);
  });

  test('outputs: VNET and subnet ids, planned Envoy and DNS IPs, cluster name', () => {
    for (const level of m.levels) {
      const out = json[level.name].output!;
      expect(Object.keys(out).sort()).toEqual([
        'cluster_name',
        'dns_ip',
        'envoy_ip',
        'load_balancer_subnet_id',
        'node_subnet_id',
        'resource_group_name',
        'vnet_id',
      ]);
      expect(out.envoy_ip.value).toBe(level.addresses.envoyIp);
      expect(out.dns_ip.value).toBe(level.addresses.dnsIp);
    }
  });

  test('local state by default, in the project root, with a path that does not depend on where synth ran', () => {
    for (const level of ['l4', 'l3', 'l2']) expect(json[level].terraform?.backend).toEqual({ local: { path: `../../../terraform.${level}.tfstate` } });
  });
});

describe('five levels with other address spaces', () => {
  const m = model(FIVE_LEVELS);
  const { stacks, json } = synthStacks(m);

  test('one stack per level with 8 peerings, DNS chained to each parent, 5 clusters', () => {
    expect(stacks.map((s) => s.node.id)).toEqual(['l5', 'l4', 'l3', 'l2', 'l1']);
    expect(Object.values(json).flatMap((j) => resources(j, 'azurerm_virtual_network_peering'))).toHaveLength(8);
    expect(Object.values(json).flatMap((j) => resources(j, 'azurerm_kubernetes_cluster'))).toHaveLength(5);
    m.levels.forEach((level, i) => {
      const vnet = resources(json[level.name], 'azurerm_virtual_network')[0];
      expect(vnet.address_space).toEqual([level.addresses.addressSpace]);
      expect(vnet.dns_servers).toEqual(i === 0 ? undefined : [m.levels[i - 1].addresses.dnsIp]);
    });
  });

  test('the planned IPs in Terraform are the model values (the ones the Kubernetes side reads)', () => {
    expect(m.levels.map((l) => [l.name, l.addresses.envoyIp, l.addresses.dnsIp])).toEqual([
      ['l5', '10.10.64.4', '10.10.64.5'],
      ['l4', '10.20.4.4', '10.20.4.5'],
      ['l3', '192.168.1.4', '192.168.1.5'],
      ['l2', '10.30.16.4', '10.30.16.5'],
      ['l1', '10.40.10.4', '10.40.10.5'],
    ]);
    for (const [i, level] of m.levels.entries()) {
      const j = json[level.name];
      expect(j.output!.envoy_ip.value).toBe(level.addresses.envoyIp);
      if (level.child) {
        const child = m.levels[i + 1];
        expect(rule(j, `allow-envoy-from-${child.name}`)).toMatchObject({
          source_address_prefix: child.addresses.addressSpace,
          destination_address_prefix: level.addresses.envoyIp,
          destination_port_ranges: ['443', '8084', '8883'],
        });
        expect(rule(j, `allow-dns-udp-from-${child.name}`).destination_address_prefix).toBe(level.addresses.dnsIp);
      }
      if (level.parent) {
        expect(rule(j, `allow-envoy-to-${level.parent}`).destination_address_prefix).toBe(m.levels[i - 1].addresses.envoyIp);
        expect(rule(j, 'deny-azure-dns-outbound').destination_address_prefix).toBe('AzurePlatformDNS');
        expect(rule(j, 'deny-internet-outbound').priority).toBe(4096);
      }
      expect(rule(j, 'deny-other-levels-inbound').source_address_prefixes).toHaveLength(4);
    }
  });
});

describe('cluster and terraform options', () => {
  test('cluster options reach the AKS resource', () => {
    const m = model(`${BASE}cluster:
  nodeCount: 2
  vmSize: Standard_D4s_v5
  networkPlugin: azure
  networkPolicy: cilium
  kubernetesVersion: "1.33"
  apiServerAuthorizedIpRanges: [203.0.113.0/24]
  serviceCidr: 10.100.0.0/16
  dnsServiceIp: 10.100.0.10
`);
    const [cluster] = resources(synthStacks(m).json.l3, 'azurerm_kubernetes_cluster');
    expect(cluster.kubernetes_version).toBe('1.33');
    expect(cluster.default_node_pool).toMatchObject({ node_count: 2, vm_size: 'Standard_D4s_v5', max_pods: 30 });
    expect(cluster.network_profile).toEqual({
      network_plugin: 'azure',
      network_policy: 'cilium',
      network_data_plane: 'cilium',
      service_cidr: '10.100.0.0/16',
      dns_service_ip: '10.100.0.10',
      outbound_type: 'userDefinedRouting',
      load_balancer_sku: 'standard',
    });
    expect(cluster.api_server_access_profile).toEqual({ authorized_ip_ranges: ['203.0.113.0/24'] });
  });

  test('kubenet with calico keeps a pod CIDR', () => {
    const m = model(`${BASE}cluster:
  networkPlugin: kubenet
  networkPolicy: calico
`);
    const { json } = synthStacks(m);
    const [cluster] = resources(json.l3, 'azurerm_kubernetes_cluster');
    expect(cluster.network_profile).toMatchObject({
      network_plugin: 'kubenet',
      pod_cidr: '10.244.0.0/16',
      network_policy: 'calico',
      outbound_type: 'userDefinedRouting',
    });
    expect(cluster.network_profile.network_plugin_mode).toBeUndefined();
    expect(cluster.default_node_pool.max_pods).toBe(110);
    expect(rule(json.l3, 'allow-cluster-inbound').source_address_prefixes).toEqual(['172.18.0.0/18', '10.244.0.0/16']);
  });

  test('a single-level private cluster has no authorized ranges; several levels refuse privateCluster at synth', () => {
    const single = model(`${BASE.replace(/  - name: l3\n    addressSpace: 172.18.0.0\/16\n/, '')}cluster:\n  privateCluster: true\n`);
    const [cluster] = resources(synthStacks(single).json.l4, 'azurerm_kubernetes_cluster');
    expect(cluster.private_cluster_enabled).toBe(true);
    expect(cluster.api_server_access_profile).toBeUndefined();
    expect(() => model(`${BASE}cluster:\n  privateCluster: true\n`)).toThrow(
      /cluster\.privateCluster true: a private API server cannot provision below the top level/,
    );
  });

  test('local accounts and Entra admin groups are options', () => {
    const m = model(`${BASE}cluster:\n  localAccounts: true\n  adminGroupObjectIds: [0D6F3A1C-1111-4222-8333-944455556666]\n`);
    const [cluster] = resources(synthStacks(m).json.l3, 'azurerm_kubernetes_cluster');
    expect(cluster.local_account_disabled).toBe(false);
    expect(cluster.azure_active_directory_role_based_access_control.admin_group_object_ids).toEqual(['0d6f3a1c-1111-4222-8333-944455556666']);
  });

  test('flat Azure CNI: the cluster rule covers the node subnet only', () => {
    const m = model(`${BASE}cluster:\n  networkPlugin: azure\n`);
    expect(rule(synthStacks(m).json.l4, 'allow-cluster-outbound')).toMatchObject({
      source_address_prefix: '172.16.0.0/18',
      destination_address_prefix: '172.16.0.0/18',
    });
  });

  test('terraform.backend: azurerm state, one key per stack', () => {
    const m = model(`${BASE}terraform:
  backend:
    resourceGroupName: rg-tfstate
    storageAccountName: sttfstate01
    containerName: tfstate
    useOidc: true
`);
    const { json } = synthStacks(m);
    expect(json.l4.terraform!.backend).toEqual({
      azurerm: { resource_group_name: 'rg-tfstate', storage_account_name: 'sttfstate01', container_name: 'tfstate', key: 'edge/l4.tfstate', use_oidc: true },
    });
    expect(json.l3.terraform!.backend.azurerm.key).toBe('edge/l3.tfstate');
    const prefixed = model(
      `${BASE}terraform:\n  backend:\n    resourceGroupName: rg\n    storageAccountName: st01\n    containerName: state\n    keyPrefix: plant/a\n    useMsi: true\n`,
    );
    expect(synthStacks(prefixed).json.l3.terraform!.backend.azurerm).toMatchObject({ key: 'plant/a/l3.tfstate', use_msi: true });
  });
});
