import { App, Testing } from 'cdktf';
import { AllowList, LevelStack, loadConfig } from '../../lib';
import { buildTerraformApp } from '../../lib/network/app';
import { problemsOf } from '../support/problems';

/** A cdktf app holding only an AllowList, as a user building one level's stack alone would write it. */
function appWithAllowList(): App {
  const app = new App({ skipBackendValidation: true });
  new AllowList(app, 'AllowList', { entries: [{ domain: 'mcr.microsoft.com' }, { domain: '*.blob.core.windows.net', ports: [443, 8443] }] });
  return app;
}

const plan = (space: string, second: number) => ({
  addressSpace: `${space}.0.0/16`,
  nodeSubnet: { name: 'nodes', cidr: `${space}.0.0/18` },
  loadBalancerSubnet: { name: 'egress-ilb', cidr: `${space}.${second}.0/24` },
  envoyIp: `${space}.${second}.4`,
  dnsIp: `${space}.${second}.5`,
});
const site = { name: 'site', addresses: plan('10.10', 64) };
const plant = { name: 'plant', addresses: plan('10.20', 64) };
const cell = { name: 'cell', addresses: plan('10.30', 64) };
const resources = (json: any, type: string): any[] => Object.values(json.resource?.[type] ?? {});

test('LevelStack alone from narrow props: its VNET resolves through the parent, its NSG opens the allow-list ports to the parent only', () => {
  const stack = new LevelStack(appWithAllowList(), {
    deployment: 'acme',
    location: 'westeurope',
    level: plant,
    parent: site,
    child: cell,
    otherAddressSpaces: ['10.10.0.0/16', '10.30.0.0/16'],
  });
  const json = JSON.parse(Testing.synth(stack));
  expect(stack.node.id).toBe('plant');
  expect(resources(json, 'azurerm_virtual_network')[0]).toMatchObject({
    name: 'vnet-acme-plant',
    location: 'westeurope',
    address_space: ['10.20.0.0/16'],
    dns_servers: ['10.10.64.5'],
  });
  const toParent = resources(json, 'azurerm_network_security_rule').find((r) => r.name === 'allow-envoy-to-site');
  expect(toParent).toMatchObject({ destination_address_prefix: '10.10.64.4', destination_port_ranges: ['443', '8443'] });
  expect(resources(json, 'azurerm_network_security_rule').map((r) => r.name)).toContain('allow-envoy-from-cell');
  expect(resources(json, 'azurerm_virtual_network_peering')).toHaveLength(2);
  expect(resources(json, 'azurerm_kubernetes_cluster')[0]).toMatchObject({ name: 'aks-acme-plant', location: 'westeurope' });
  expect(json.terraform.backend).toEqual({ local: { path: '../../../terraform.plant.tfstate' } });
});

test('LevelStack at the top (no parent): no peering, no route table, no VNET DNS override', () => {
  const json = JSON.parse(
    Testing.synth(new LevelStack(appWithAllowList(), { deployment: 'acme', location: 'westeurope', level: site, cluster: { nodeCount: 5 } })),
  );
  expect(resources(json, 'azurerm_virtual_network_peering')).toEqual([]);
  expect(resources(json, 'azurerm_route_table')).toEqual([]);
  expect(resources(json, 'azurerm_virtual_network')[0].dns_servers).toBeUndefined();
  expect(resources(json, 'azurerm_kubernetes_cluster')[0].default_node_pool.node_count).toBe(5);
});

test("LevelStack props pass the config file's rules: every problem at once, naming the prop", () => {
  const problems = problemsOf(
    () =>
      new LevelStack(appWithAllowList(), {
        deployment: 'Acme Corp',
        location: 'west europe',
        level: { ...plant, addresses: { ...plant.addresses, envoyIp: '10.20.64.4"}' } },
        parent: { ...site, name: 'Site' },
        otherAddressSpaces: ['10.10.0.1/16'],
        cluster: { vmSize: 'Standard_B2s' },
        backend: { resourceGroupName: 'rg', storageAccountName: 'Bad_Account', containerName: 'tfstate' },
      }),
  );
  expect(problems).toEqual([
    expect.stringMatching(/^ {2}- LevelStack 'plant': deployment "Acme Corp": must be 2-24 characters/),
    expect.stringMatching(/^ {2}- LevelStack 'plant': location "west europe": must be an Azure region name/),
    expect.stringMatching(/^ {2}- LevelStack 'plant': level\.addresses\.envoyIp "10\.20\.64\.4\\"}": must be an IPv4 address/),
    expect.stringMatching(/^ {2}- LevelStack 'plant': parent\.name "Site": must be 1-16 characters/),
    expect.stringMatching(/^ {2}- LevelStack 'plant': otherAddressSpaces\[0\] "10\.10\.0\.1\/16": host bits are set/),
    expect.stringMatching(/^ {2}- LevelStack 'plant': backend\.storageAccountName "Bad_Account": must be 3-24 lowercase letters and digits/),
    expect.stringMatching(/^ {2}- LevelStack 'plant': cluster\.vmSize "Standard_B2s": AKS does not support B-series/),
  ]);
});

test("the model mapped onto the narrow props gives the CLI's stacks", () => {
  const model = loadConfig('infra/egress.yaml');
  const app = new App({ skipBackendValidation: true });
  const stacks = buildTerraformApp(app, model).levels;
  const [top, middle, bottom] = model.levels;
  const alone = new App({ skipBackendValidation: true });
  new AllowList(alone, 'AllowList', { entries: model.allowEntries });
  const stack = new LevelStack(alone, {
    deployment: model.name,
    location: model.location,
    level: middle,
    parent: top,
    child: bottom,
    otherAddressSpaces: [top.addresses.addressSpace, bottom.addresses.addressSpace],
    cluster: model.cluster,
  });
  expect(Testing.synth(stack)).toEqual(Testing.synth(stacks[1]));
});

test('LevelStack with a private cluster: refused below the top without privateClusterDns; with it the zone is created (here) or found by name', () => {
  const below = (privateClusterDns?: any) => () =>
    new LevelStack(appWithAllowList(), {
      deployment: 'acme',
      location: 'westeurope',
      level: plant,
      parent: site,
      cluster: { privateCluster: true },
      privateClusterDns,
    });
  expect(problemsOf(below())).toEqual([
    expect.stringMatching(/^ {2}- LevelStack 'plant': cluster\.privateCluster true: a private API server cannot provision below the top level/),
  ]);
  expect(problemsOf(below({ resourceGroupName: 'rg"}' }))).toEqual([
    expect.stringMatching(
      /^ {2}- LevelStack 'plant': privateClusterDns\.resourceGroupName "rg\\"}": the resource group name 'rg"}' breaks Azure's naming rule/,
    ),
  ]);
  const lower = JSON.parse(Testing.synth(below({ resourceGroupName: 'rg-acme-site' })()));
  expect(Object.values(lower.data.azurerm_private_dns_zone)).toEqual([
    expect.objectContaining({ name: 'privatelink.westeurope.azmk8s.io', resource_group_name: 'rg-acme-site' }),
  ]);
  expect(resources(lower, 'azurerm_kubernetes_cluster')[0].private_dns_zone_id).toMatch(/^\$\{data\.azurerm_private_dns_zone\./);

  const top = JSON.parse(
    Testing.synth(
      new LevelStack(appWithAllowList(), {
        deployment: 'acme',
        location: 'westeurope',
        level: site,
        cluster: { privateCluster: true },
        privateClusterDns: 'here',
      }),
    ),
  );
  expect(resources(top, 'azurerm_private_dns_zone').map((z) => z.name)).toEqual(['privatelink.westeurope.azmk8s.io']);
  expect(resources(top, 'azurerm_private_dns_zone_virtual_network_link').map((l) => l.name)).toEqual(['link-vnet-acme-site']);
  expect(resources(top, 'azurerm_kubernetes_cluster')[0].private_dns_zone_id).toMatch(/^\$\{azurerm_private_dns_zone\./);
});
