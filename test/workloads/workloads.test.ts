import { parse } from 'yaml';
import { EgressModel, loadConfig, parseConfig } from '../../lib/model';
import { synthManifests } from '../../lib/synth/manifests';
import { assertValidEnvoyConfig } from '../support/envoy-validator';
import { parseManifest, validateKubernetesObjects } from '../support/kubernetes-validator';

const model = loadConfig('infra/egress.yaml');
const files = synthManifests(model);
const objectsOf = (level: string, file: string) => parseManifest(files.get(`${level}/${file}`) ?? '');
const all = (level: string) =>
  [...files.keys()].filter((f) => f.startsWith(`${level}/`) && !f.endsWith('kustomization.yaml')).flatMap((f) => parseManifest(files.get(f)!));
const find = (objs: any[], kind: string, name: string): any => objs.find((o) => o.kind === kind && o.metadata.name === name);
const envoyConfig = (level: string): any => parse(find(objectsOf(level, 'envoy.yaml'), 'ConfigMap', 'envoy-config').data['envoy.yaml']);
const levelNames = model.levels.map((l) => l.name);

describe('default config: every level folder', () => {
  test('holds the expected files, listed in its kustomization', () => {
    expect([...files.keys()].sort()).toEqual(
      [
        'l2/coredns.yaml',
        'l2/envoy.yaml',
        'l2/kustomization.yaml',
        'l2/namespace.yaml',
        'l2/network-policies.yaml',
        'l3/coredns.yaml',
        'l3/dnsmasq.yaml',
        'l3/envoy.yaml',
        'l3/kustomization.yaml',
        'l3/namespace.yaml',
        'l3/network-policies.yaml',
        'l4/coredns.yaml',
        'l4/dnsmasq.yaml',
        'l4/envoy.yaml',
        'l4/kustomization.yaml',
        'l4/namespace.yaml',
        'l4/network-policies.yaml',
      ].sort(),
    );
    for (const level of levelNames) {
      const listed = parse(files.get(`${level}/kustomization.yaml`)!).resources;
      expect(listed).toEqual(
        [...files.keys()]
          .filter((f) => f.startsWith(`${level}/`) && !f.endsWith('kustomization.yaml'))
          .map((f) => f.split('/')[1])
          .sort(),
      );
    }
  });

  test.each(levelNames)('%s matches its snapshot', (level) => {
    const snapshot = Object.fromEntries([...files].filter(([f]) => f.startsWith(`${level}/`)));
    expect(snapshot).toMatchSnapshot();
  });

  test('l4 and l3 carry dnsmasq, l2 does not', () => {
    expect(files.has('l4/dnsmasq.yaml')).toBe(true);
    expect(files.has('l3/dnsmasq.yaml')).toBe(true);
    expect(files.has('l2/dnsmasq.yaml')).toBe(false);
  });

  test('every object validates against the Kubernetes OpenAPI schema', () => {
    const objects = levelNames.flatMap(all);
    const results = validateKubernetesObjects(objects);
    expect(results.filter((r) => r.errors.length > 0)).toEqual([]);
    expect(results).toHaveLength(objects.length);
  });

  test('the Kubernetes validator can fail (wrong type, missing required field, unknown kind)', () => {
    const deployment: any = structuredClone(find(all('l4'), 'Deployment', 'envoy'));
    deployment.spec.replicas = 'two';
    const service: any = structuredClone(find(all('l4'), 'Service', 'envoy'));
    delete service.spec.ports[0].port;
    const results = validateKubernetesObjects([deployment, service, { apiVersion: 'v1', kind: 'Bogus', metadata: { name: 'x' } }]);
    expect(results.map((r) => r.errors.length > 0)).toEqual([true, true, true]);
    expect(results[0].errors.join()).toMatch(/replicas must be integer/);
    expect(results[1].errors.join()).toMatch(/required property '?port'?/);
  });

  test.each(levelNames)('%s envoy.yaml is a valid Envoy bootstrap (strict proto check)', (level) => {
    assertValidEnvoyConfig(find(objectsOf(level, 'envoy.yaml'), 'ConfigMap', 'envoy-config').data['envoy.yaml'], `${level} envoy.yaml`);
  });
});

describe('default config: Envoy', () => {
  test.each(levelNames)('%s: every allowed name appears exactly once per port in its listener', (level) => {
    const listeners = envoyConfig(level).static_resources.listeners.filter((l: any) => l.name.startsWith('egress_'));
    const ports = [...new Set(model.allowEntries.flatMap((e) => e.ports))].sort((a, b) => a - b);
    expect(listeners.map((l: any) => l.name)).toEqual(ports.map((p) => `egress_${p}`));
    for (const l of listeners) {
      const port = Number(l.name.split('_')[1]);
      const names = l.filter_chains.flatMap((c: any) => c.filter_chain_match.server_names);
      expect(names.sort()).toEqual(
        model.allowEntries
          .filter((e) => e.ports.includes(port))
          .map((e) => e.pattern)
          .sort(),
      );
    }
  });

  test('IPs in the manifests equal the model plan (which Terraform uses)', () => {
    for (const level of model.levels) {
      const objs = all(level.name);
      expect(find(objs, 'Service', 'envoy').metadata.annotations['service.beta.kubernetes.io/azure-load-balancer-ipv4']).toBe(level.addresses.envoyIp);
      if (level.child)
        expect(find(objs, 'Service', 'dnsmasq').metadata.annotations['service.beta.kubernetes.io/azure-load-balancer-ipv4']).toBe(level.addresses.dnsIp);
      for (const svc of objs.filter((o: any) => o.kind === 'Service') as any[]) {
        expect(svc.metadata.annotations).toMatchObject({
          'service.beta.kubernetes.io/azure-load-balancer-internal': 'true',
          'service.beta.kubernetes.io/azure-load-balancer-internal-subnet': level.addresses.loadBalancerSubnet.name,
        });
        expect(svc.spec.type).toBe('LoadBalancer');
      }
      const parent = model.levels.find((l) => l.name === level.parent);
      const statics = envoyConfig(level.name).static_resources.clusters.filter((c: any) => c.name.startsWith('parent_'));
      if (parent) {
        expect(statics.length).toBeGreaterThan(0);
        for (const c of statics) expect(c.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address).toBe(parent.addresses.envoyIp);
      } else expect(statics).toEqual([]);
      if (level.child) expect(find(objs, 'ConfigMap', 'dnsmasq-config').data['dnsmasq.conf']).toContain(`,${level.addresses.envoyIp}\n`);
    }
  });

  test('Service ports are the allow-list ports, behind unprivileged container ports', () => {
    const svc = find(all('l4'), 'Service', 'envoy');
    expect(svc.spec.ports.map((p: any) => [p.port, p.targetPort])).toEqual([
      [443, 10443],
      [8084, 8084],
    ]);
  });

  test('top level resolves upstream names through Azure DNS, never the rewriting CoreDNS; lower levels keep the cluster DNS', () => {
    const top = find(all('l4'), 'Deployment', 'envoy').spec.template.spec;
    expect(top.dnsPolicy).toBe('None');
    expect(top.dnsConfig.nameservers).toEqual(['168.63.129.16']);
    expect(top.hostNetwork).toBeUndefined();
    for (const level of ['l3', 'l2']) expect(find(all(level), 'Deployment', 'envoy').spec.template.spec.dnsPolicy).toBeUndefined();
  });

  test('the hostNetwork option reproduces the sample at the top level only', () => {
    const text = require('node:fs').readFileSync('infra/egress.yaml', 'utf8') + '\nworkloads:\n  envoy:\n    hostNetwork: true\n';
    const m = synthManifests(parseConfig(text, 'test.yaml'));
    const top = find(parseManifest(m.get('l4/envoy.yaml')!), 'Deployment', 'envoy').spec.template.spec;
    expect(top).toMatchObject({ hostNetwork: true, dnsPolicy: 'Default' });
    expect(find(parseManifest(m.get('l3/envoy.yaml')!), 'Deployment', 'envoy').spec.template.spec.hostNetwork).toBeUndefined();
    expect(parseManifest(m.get('l4/namespace.yaml')!)[0]).toMatchObject({ metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } } });
    expect(parseManifest(m.get('l3/namespace.yaml')!)[0]).toMatchObject({ metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } });
  });
});

describe('default config: CoreDNS', () => {
  test.each(levelNames)('%s: coredns-custom in kube-system with one .override key; every regex anchored', (level) => {
    const cm = find(objectsOf(level, 'coredns.yaml'), 'ConfigMap', 'coredns-custom');
    expect(cm.metadata.namespace).toBe('kube-system');
    expect(Object.keys(cm.data)).toEqual(['layered-egress.override']);
    const lines = cm.data['layered-egress.override'].trim().split('\n');
    expect(lines).toHaveLength(model.allowEntries.length);
    for (const line of lines) {
      const regex = /^rewrite name regex (\S+) envoy\.egress\.svc\.cluster\.local\. answer auto$/.exec(line);
      if (regex) expect(regex[1]).toMatch(/^\^\(\?:\[\^\.\]\+\\\.\)\+([a-z0-9-]+\\\.)+\$$/);
      else expect(line).toMatch(/^rewrite name exact [a-z0-9.-]+ envoy\.egress\.svc\.cluster\.local$/);
    }
  });
});

describe('security settings of every Deployment', () => {
  const deployments = levelNames.flatMap((l) =>
    all(l)
      .filter((o: any) => o.kind === 'Deployment')
      .map((d: any) => [`${l}/${d.metadata.name}`, d] as const),
  );
  test.each(deployments)('%s', (_id, d: any) => {
    const spec = d.spec.template.spec;
    expect(d.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.hostNetwork).toBeUndefined();
    expect(spec.topologySpreadConstraints[0]).toMatchObject({ topologyKey: 'kubernetes.io/hostname', maxSkew: 1 });
    expect(d.spec.template.metadata.annotations['layered-egress/config-checksum']).toMatch(/^[0-9a-f]{64}$/);
    for (const c of spec.containers) {
      expect(c.securityContext).toMatchObject({
        runAsNonRoot: true,
        privileged: false,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      expect(c.securityContext.capabilities.add).toBeUndefined();
      expect(c.resources.requests).toEqual(expect.objectContaining({ cpu: expect.anything(), memory: expect.anything() }));
      expect(c.resources.limits).toEqual(expect.objectContaining({ cpu: expect.anything(), memory: expect.anything() }));
      expect(c.image).toMatch(/:[A-Za-z0-9._-]+$|@sha256:/);
      expect(c.image).not.toMatch(/:latest$/);
      for (const p of c.ports) expect(p.containerPort).toBeGreaterThanOrEqual(1024);
    }
    const pdb = find(all(_id.split('/')[0]), 'PodDisruptionBudget', d.metadata.name);
    expect(pdb.spec.selector.matchLabels).toEqual(d.spec.selector.matchLabels);
  });

  test('a config change changes the checksum annotation (rolls the pods)', () => {
    const text = require('node:fs').readFileSync('infra/egress.yaml', 'utf8').replace('  - domain: dl.k8s.io\n', '  - domain: dl2.k8s.io\n');
    const other = synthManifests(parseConfig(text, 'test.yaml'));
    const sum = (m: Map<string, string>) =>
      find(parseManifest(m.get('l3/envoy.yaml')!), 'Deployment', 'envoy').spec.template.metadata.annotations['layered-egress/config-checksum'];
    expect(sum(other)).not.toBe(sum(files));
  });
});

describe('NetworkPolicies', () => {
  test('default deny in the egress namespace at every level; dnsmasq policy only where dnsmasq runs', () => {
    for (const level of model.levels) {
      const pols = objectsOf(level.name, 'network-policies.yaml') as any[];
      expect(find(pols, 'NetworkPolicy', 'default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
      expect(Boolean(find(pols, 'NetworkPolicy', 'dnsmasq'))).toBe(level.child !== undefined);
    }
  });

  test('lower Envoy egress only to the parent Envoy IP; top Envoy to the internet on allow-list ports plus its resolvers', () => {
    const l3 = find(objectsOf('l3', 'network-policies.yaml'), 'NetworkPolicy', 'envoy').spec.egress;
    expect(l3).toEqual([
      {
        to: [{ ipBlock: { cidr: `${model.levels[0].addresses.envoyIp}/32` } }],
        ports: [
          { protocol: 'TCP', port: 443 },
          { protocol: 'TCP', port: 8084 },
        ],
      },
    ]);
    const l4 = find(objectsOf('l4', 'network-policies.yaml'), 'NetworkPolicy', 'envoy').spec.egress;
    expect(l4[1]).toEqual({
      to: [{ ipBlock: { cidr: '168.63.129.16/32' } }],
      ports: [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ],
    });
  });
});

describe('size guard', () => {
  test('a ConfigMap over 1 MiB fails synth naming the level, the object and its size', () => {
    const names = Array.from(
      { length: 14000 },
      (_, i) => `  - domain: host-${String(i).padStart(5, '0')}.a-rather-long-subdomain-name.example-egress.org\n`,
    ).join('');
    // infra/egress.yaml ends inside allowList: appending entries extends the list.
    const big: EgressModel = parseConfig(require('node:fs').readFileSync('infra/egress.yaml', 'utf8') + names, 'big.yaml');
    expect(() => synthManifests(big)).toThrow(
      /level 'l4': ConfigMap egress\/envoy-config holds \d+ bytes \(\d+\.\d+ MiB\), over the Kubernetes limit of 1048576 bytes/,
    );
  });

  test("an allow-list too long for the top Envoy's LOGICAL_DNS clusters names the option, and fits through the dynamic forward proxy", () => {
    const names = Array.from({ length: 2000 }, (_, i) => `  - domain: host-${String(i).padStart(5, '0')}.a-rather-long-subdomain-name.egress-bench.org\n`).join(
      '',
    );
    const text = require('node:fs').readFileSync('infra/egress.yaml', 'utf8') + names;
    expect(() => synthManifests(parseConfig(text, 'big.yaml'))).toThrow(
      /ConfigMap egress\/envoy-config .*: set workloads\.envoy\.exactNamesVia: dynamic-forward-proxy/,
    );
    const files = synthManifests(parseConfig(`${text}workloads:\n  envoy:\n    exactNamesVia: dynamic-forward-proxy\n`, 'big.yaml'));
    expect(files.get('l4/envoy.yaml')!.length).toBeLessThan(1024 * 1024);
  });
});
