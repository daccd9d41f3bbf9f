import { App, Chart, Yaml } from 'cdk8s';
import { parse } from 'yaml';
import { problemsOf } from '../support/problems';
import { AllowList, CorednsChart, DnsmasqChart, EnvoyChart, loadConfig, NamespaceChart, NetworkPolicyChart } from '../../lib';
import { synthManifests } from '../../lib/synth/manifests';
import { assertValidEnvoyConfig } from '../support/envoy-validator';
import { validateKubernetesObjects } from '../support/kubernetes-validator';

/** A cdk8s app holding only an AllowList, as a user building one chart alone would write it. */
function appWithAllowList(): App {
  const app = new App();
  new AllowList(app, 'AllowList', { entries: [{ domain: 'mcr.microsoft.com' }, { domain: '*.blob.core.windows.net', ports: [443, 8443] }] });
  return app;
}

const objects = (chart: Chart): any[] => chart.toJson();
const find = (chart: Chart, kind: string): any => objects(chart).find((o) => o.kind === kind);

/** Planned addresses written by hand: no config file, no EgressModel. */
const addresses = {
  addressSpace: '10.20.0.0/16',
  envoyIp: '10.20.64.4',
  dnsIp: '10.20.64.5',
  loadBalancerSubnet: { name: 'egress-ilb', cidr: '10.20.64.0/24' },
};
const parent = { envoyIp: '10.10.64.4', dnsIp: '10.10.64.5' };

describe('each level chart built alone from narrow props and an AllowList', () => {
  test('NamespaceChart: the namespace, restricted unless privileged', () => {
    const app = appWithAllowList();
    const restricted = new NamespaceChart(app, 'namespace', { level: 'plant', options: { namespace: 'proxy' } });
    const privileged = new NamespaceChart(app, 'namespace-top', { level: 'site', privileged: true });
    expect(find(restricted, 'Namespace').metadata).toEqual({
      name: 'proxy',
      labels: { 'app.kubernetes.io/part-of': 'layered-egress', 'layered-egress/level': 'plant', 'pod-security.kubernetes.io/enforce': 'restricted' },
    });
    expect(find(privileged, 'Namespace').metadata.name).toBe('egress');
    expect(find(privileged, 'Namespace').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
  });

  test('EnvoyChart below the top: sends the allow-list ports to the parent, listens on the planned IP', () => {
    const chart = new EnvoyChart(appWithAllowList(), 'envoy', { level: 'plant', addresses, parent, options: { envoy: { replicas: 3 } } });
    expect(chart.ports.map((p) => p.servicePort)).toEqual([443, 8443]);
    assertValidEnvoyConfig(chart.config, 'standalone envoy.yaml');
    const config = parse(chart.config);
    const clusters = JSON.stringify(config.static_resources.clusters);
    expect(clusters).toContain('10.10.64.4');
    expect(JSON.stringify(config.static_resources.listeners)).toContain('mcr.microsoft.com');
    const service = find(chart, 'Service');
    expect(service.metadata.annotations['service.beta.kubernetes.io/azure-load-balancer-ipv4']).toBe('10.20.64.4');
    expect(service.metadata.annotations['service.beta.kubernetes.io/azure-load-balancer-internal-subnet']).toBe('egress-ilb');
    expect(service.spec.ports.map((p: any) => p.port)).toEqual([443, 8443]);
    const deployment = find(chart, 'Deployment');
    expect(deployment.spec.replicas).toBe(3);
    expect(deployment.spec.template.spec.dnsPolicy).toBeUndefined();
    expect(objects(chart).map((o) => o.kind)).toEqual(['ConfigMap', 'Deployment', 'Service', 'PodDisruptionBudget']);
    expect(validateKubernetesObjects(objects(chart)).flatMap((v) => v.errors)).toEqual([]);
  });

  test('EnvoyChart at the top (no parent): resolves through its upstream DNS, never the cluster DNS', () => {
    const chart = new EnvoyChart(appWithAllowList(), 'envoy', { level: 'site', addresses, options: { envoy: { upstreamDns: ['10.0.0.53'] } } });
    expect(find(chart, 'Deployment').spec.template.spec.dnsConfig.nameservers).toEqual(['10.0.0.53']);
    expect(chart.config).not.toContain('10.10.64.4');
  });

  test('CorednsChart: rewrites every allowed name to the Envoy Service of the namespace', () => {
    const chart = new CorednsChart(appWithAllowList(), 'coredns', { level: 'plant', options: { namespace: 'proxy' } });
    expect(chart.override).toContain('rewrite name exact mcr.microsoft.com envoy.proxy.svc.cluster.local');
    expect(find(chart, 'ConfigMap').metadata).toMatchObject({ name: 'coredns-custom', namespace: 'kube-system' });
  });

  test('DnsmasqChart: answers allowed names with the Envoy IP, forwards to the parent, forwards the declared zones', () => {
    const chart = new DnsmasqChart(appWithAllowList(), 'dnsmasq', {
      level: 'plant',
      addresses,
      parent,
      levelAddressSpaces: ['10.10.0.0/16', '10.20.0.0/16'],
      privateClusterLocation: 'westeurope',
      options: { dnsmasq: { forwardZones: ['privatelink.vaultcore.azure.net'] } },
    });
    const lines = chart.config.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'host-record=mcr.microsoft.com,10.20.64.4',
        'address=/*.blob.core.windows.net/10.20.64.4',
        'server=/20.10.in-addr.arpa/10.10.64.5',
        'server=/privatelink.westeurope.azmk8s.io/10.10.64.5',
        'server=/privatelink.vaultcore.azure.net/10.10.64.5',
        'address=/#/',
      ]),
    );
    expect(find(chart, 'Service').metadata.annotations['service.beta.kubernetes.io/azure-load-balancer-ipv4']).toBe('10.20.64.5');
    expect(objects(chart).map((o) => o.kind)).toEqual(['ConfigMap', 'Deployment', 'Service', 'PodDisruptionBudget']);
    expect(validateKubernetesObjects(objects(chart)).flatMap((v) => v.errors)).toEqual([]);
  });

  test('NetworkPolicyChart: the level below may reach Envoy and dnsmasq; Envoy reaches only the parent', () => {
    const chart = new NetworkPolicyChart(appWithAllowList(), 'network-policies', { level: 'plant', parent, child: { addressSpace: '10.30.0.0/16' } });
    const policies = objects(chart);
    expect(policies.map((p) => p.metadata.name)).toEqual(['default-deny', 'envoy', 'dnsmasq']);
    const envoy = policies[1];
    expect(envoy.spec.egress).toEqual([
      {
        to: [{ ipBlock: { cidr: '10.10.64.4/32' } }],
        ports: [
          { protocol: 'TCP', port: 443 },
          { protocol: 'TCP', port: 8443 },
        ],
      },
    ]);
    expect(envoy.spec.ingress[0].from).toContainEqual({ ipBlock: { cidr: '10.30.0.0/16' } });
    expect(policies[2].spec.egress[0].to).toEqual([{ ipBlock: { cidr: '10.10.64.5/32' } }]);
    // The bottom level: no level below, so no dnsmasq policy.
    const bottom = new NetworkPolicyChart(appWithAllowList(), 'network-policies', { level: 'plant', parent });
    expect(objects(bottom).map((p) => p.metadata.name)).toEqual(['default-deny', 'envoy']);
  });

  test('a chart without an AllowList in its tree says how to add one', () => {
    expect(() => new CorednsChart(new App(), 'coredns', { level: 'plant' })).toThrow(/No AllowList in the construct tree/);
  });
});

describe("chart props pass the config file's rules", () => {
  test('a hostile or malformed value is refused with every problem at once, naming the chart and the prop', () => {
    const problems = problemsOf(
      () =>
        new DnsmasqChart(appWithAllowList(), 'dnsmasq', {
          level: 'Plant',
          addresses: { envoyIp: '10.20.64.4\naddress=/#/6.6.6.6', dnsIp: '10.20.64.5', loadBalancerSubnet: { name: 'egress ilb', cidr: '10.20.64.0/24' } },
          parent: { dnsIp: '10.10.64.5\nserver=6.6.6.6' },
          levelAddressSpaces: ['10.20.0.1/16'],
          options: { namespace: 'Egress', dnsmasq: { forwardZones: ['evil.com/6.6.6.6\nserver=/#'] } },
        }),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^ {2}- DnsmasqChart 'dnsmasq': level "Plant": must be 1-16 characters/),
      expect.stringMatching(/^ {2}- DnsmasqChart 'dnsmasq': options\.namespace "Egress": must be a Kubernetes namespace name/),
      expect.stringMatching(
        /^ {2}- DnsmasqChart 'dnsmasq': options\.dnsmasq\.forwardZones\[0\] "evil\.com\/6\.6\.6\.6\\nserver=\/#": must be a lowercase DNS zone/,
      ),
      '  - DnsmasqChart \'dnsmasq\': addresses.envoyIp "10.20.64.4\\naddress=/#/6.6.6.6": must be an IPv4 address such as 10.1.64.4',
      expect.stringMatching(/^ {2}- DnsmasqChart 'dnsmasq': addresses\.loadBalancerSubnet\.name "egress ilb": must be an Azure subnet name/),
      '  - DnsmasqChart \'dnsmasq\': parent.dnsIp "10.10.64.5\\nserver=6.6.6.6": must be an IPv4 address such as 10.1.64.4',
      '  - DnsmasqChart \'dnsmasq\': levelAddressSpaces[0] "10.20.0.1/16": host bits are set: the network address of this block is 10.20.0.0/16',
    ]);
  });

  test('options follow the deployment rules too (an Envoy connection cap its memory cannot hold)', () => {
    expect(
      problemsOf(
        () =>
          new EnvoyChart(appWithAllowList(), 'envoy', {
            level: 'site',
            addresses,
            options: { envoy: { resources: { memory: '256Mi' }, maxConnections: 1_000_000 } },
          }),
      ),
    ).toEqual([
      expect.stringMatching(/^ {2}- EnvoyChart 'envoy': options\.envoy\.maxConnections 1000000: a memory limit of 256Mi holds at most \d+ connections/),
    ]);
    expect(
      problemsOf(
        () =>
          new NetworkPolicyChart(appWithAllowList(), 'np', {
            level: 'site',
            excludedRanges: ['10.0.0.0/33'],
            options: { envoy: { upstreamDns: ['dns.example'] } },
          }),
      ),
    ).toEqual([
      expect.stringMatching(/^ {2}- NetworkPolicyChart 'np': options\.envoy\.upstreamDns\[0\] "dns\.example": must be an IPv4 address/),
      expect.stringMatching(/^ {2}- NetworkPolicyChart 'np': excludedRanges\[0\] "10\.0\.0\.0\/33": must be an IPv4 CIDR/),
    ]);
  });
});

test("LevelWorkloads maps the model onto the narrow props: each chart alone gives the CLI's file for its level", () => {
  const model = loadConfig('infra/egress.yaml');
  const cli = synthManifests(model);
  const [top, middle, bottom] = model.levels;
  const app = new App();
  new AllowList(app, 'AllowList', { entries: model.allowEntries });
  const options = model.workloads;
  const level = middle.name;
  const charts: Record<string, Chart> = {
    namespace: new NamespaceChart(app, 'namespace', { level, options }),
    envoy: new EnvoyChart(app, 'envoy', { level, options, addresses: middle.addresses, parent: top.addresses }),
    coredns: new CorednsChart(app, 'coredns', { level, options }),
    dnsmasq: new DnsmasqChart(app, 'dnsmasq', {
      level,
      options,
      addresses: middle.addresses,
      parent: top.addresses,
      levelAddressSpaces: model.levels.map((l) => l.addresses.addressSpace),
    }),
    'network-policies': new NetworkPolicyChart(app, 'network-policies', { level, options, parent: top.addresses, child: bottom.addresses }),
  };
  for (const [id, chart] of Object.entries(charts)) expect([id, Yaml.stringify(...chart.toJson())]).toEqual([id, cli.get(`${level}/${id}.yaml`)]);
});
