/**
 * Envoy and dnsmasq under real operation, read from synthesized manifests: drain on
 * rollout (preStop sleep, no shell needed), worker threads from the CPU limit, heap
 * monitor and connection cap from the memory limit, probes exempt from the cap, dnsmasq
 * local-ttl; and the options that size them, with their synth-time checks.
 */
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../../lib/model';
import { ENVOY_BUFFER_BYTES, envoyConcurrency, envoyMaxConnectionsFor } from '../../lib/model/envoy-sizing';
import { ENVOY_HEALTH_PORT } from '../../lib/render/ports';
import { synthManifests } from '../../lib/synth/manifests';
import { BASE } from '../support/configs';
import { assertValidEnvoyConfig } from '../support/envoy-validator';
import { parseManifest, validateKubernetesObjects } from '../support/kubernetes-validator';
import { configIssues } from '../support/problems';

const withWorkloads = (yaml: string) => `${BASE}workloads:\n${yaml.replace(/^/gm, '  ')}\n`;
const objectsOf = (text: string, level: string, file: string): any[] =>
  parseManifest(synthManifests(parseConfig(text, 'egress.yaml')).get(`${level}/${file}`) ?? '');
const find = (objs: any[], kind: string, name: string): any => objs.find((o) => o.kind === kind && o.metadata.name === name);
const issues = configIssues;

describe('defaults', () => {
  const envoy = objectsOf(BASE, 'l3', 'envoy.yaml');
  const deployment = find(envoy, 'Deployment', 'envoy');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const bootstrap = parseYaml(find(envoy, 'ConfigMap', 'envoy-config').data['envoy.yaml']);

  test('a rollout drains: preStop sleep of 20 s, then 10 s to exit', () => {
    expect(container.lifecycle).toEqual({ preStop: { sleep: { seconds: 20 } } });
    expect(pod.terminationGracePeriodSeconds).toBe(30);
    expect(deployment.spec.strategy.rollingUpdate).toEqual({ maxUnavailable: 0, maxSurge: 1 });
  });

  test('the Deployment with its sleep action validates against the Kubernetes schema', () => {
    expect(validateKubernetesObjects([deployment]).filter((r: any) => r.errors?.length)).toEqual([]);
  });

  test('--concurrency from the CPU limit; memory request = limit', () => {
    expect(container.args.slice(container.args.indexOf('--concurrency'), container.args.indexOf('--concurrency') + 2)).toEqual(['--concurrency', '1']);
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } });
  });

  test('heap monitor at 90% of the memory limit; new connections stop at 95%; cap from the memory', () => {
    assertValidEnvoyConfig(bootstrap, 'l3 envoy.yaml');
    const om = bootstrap.overload_manager;
    expect(om.resource_monitors).toEqual([
      expect.objectContaining({
        name: 'envoy.resource_monitors.global_downstream_max_connections',
        typed_config: expect.objectContaining({ max_active_downstream_connections: envoyMaxConnectionsFor('1Gi') }),
      }),
      expect.objectContaining({
        name: 'envoy.resource_monitors.fixed_heap',
        typed_config: expect.objectContaining({ max_heap_size_bytes: String(Math.floor(1024 ** 3 * 0.9)) }),
      }),
    ]);
    expect(om.loadshed_points).toEqual([
      { name: 'envoy.load_shed_points.tcp_listener_accept', triggers: [{ name: 'envoy.resource_monitors.fixed_heap', threshold: { value: 0.95 } }] },
    ]);
    expect(envoyMaxConnectionsFor('1Gi')).toBe(10158);
  });

  test('every proxied listener and cluster buffers at most 32 KiB per connection', () => {
    for (const l of bootstrap.static_resources.listeners.filter((x: any) => x.name.startsWith('egress_')))
      expect(l.per_connection_buffer_limit_bytes).toBe(ENVOY_BUFFER_BYTES);
    for (const c of bootstrap.static_resources.clusters.filter((x: any) => x.name !== 'admin'))
      expect(c.per_connection_buffer_limit_bytes).toBe(ENVOY_BUFFER_BYTES);
  });

  test('the health listener and the admin interface are exempt from the global connection cap', () => {
    const health = bootstrap.static_resources.listeners.find((l: any) => l.address.socket_address.port_value === ENVOY_HEALTH_PORT);
    expect(health.ignore_global_conn_limit).toBe(true);
    expect(bootstrap.admin.ignore_global_conn_limit).toBe(true);
    for (const l of bootstrap.static_resources.listeners.filter((x: any) => x.name.startsWith('egress_'))) expect(l.ignore_global_conn_limit).toBeUndefined();
  });

  test('dnsmasq drains 10 s and answers with a TTL', () => {
    const dnsmasq = objectsOf(BASE.replace('allowList:', 'allowList:'), 'l4', 'dnsmasq.yaml');
    const spec = find(dnsmasq, 'Deployment', 'dnsmasq').spec.template.spec;
    expect(spec.containers[0].lifecycle).toEqual({ preStop: { sleep: { seconds: 10 } } });
    expect(spec.terminationGracePeriodSeconds).toBe(20);
    expect(find(dnsmasq, 'ConfigMap', 'dnsmasq-config').data['dnsmasq.conf']).toMatch(/^local-ttl=60$/m);
  });
});

describe('options', () => {
  test('resources, cap and drain reach the pod and the bootstrap', () => {
    const envoy = objectsOf(
      withWorkloads('envoy:\n  resources: { cpu: 2500m, memory: 2Gi }\n  maxConnections: 3000\n  drainSeconds: 45\ndnsmasq:\n  localTtl: 5'),
      'l3',
      'envoy.yaml',
    );
    const pod = find(envoy, 'Deployment', 'envoy').spec.template.spec;
    expect(pod.containers[0].args).toEqual(expect.arrayContaining(['--concurrency', '2']));
    expect(pod.containers[0].resources.limits).toEqual({ cpu: '2500m', memory: '2Gi' });
    expect(pod.containers[0].lifecycle.preStop.sleep.seconds).toBe(45);
    expect(pod.terminationGracePeriodSeconds).toBe(55);
    const bootstrap = parseYaml(find(envoy, 'ConfigMap', 'envoy-config').data['envoy.yaml']);
    expect(bootstrap.overload_manager.resource_monitors[0].typed_config.max_active_downstream_connections).toBe(3000);
  });

  test('drainSeconds 0 turns the preStop hook off', () => {
    const pod = find(objectsOf(withWorkloads('envoy:\n  drainSeconds: 0'), 'l3', 'envoy.yaml'), 'Deployment', 'envoy').spec.template.spec;
    expect(pod.containers[0].lifecycle).toBeUndefined();
  });

  test('concurrency: whole cores of the CPU limit, at least one', () => {
    expect([envoyConcurrency('500m'), envoyConcurrency('1'), envoyConcurrency('1999m'), envoyConcurrency('4')]).toEqual([1, 1, 1, 4]);
  });

  test('a connection cap the memory cannot hold, and a memory limit below 256Mi, are refused at load', () => {
    expect(issues(withWorkloads('envoy:\n  maxConnections: 50000'))).toEqual([
      expect.stringMatching(
        /^egress\.yaml:\d+: workloads\.envoy\.maxConnections 50000: a memory limit of 1Gi holds at most 10158 connections .*raise workloads\.envoy\.resources\.memory$/,
      ),
    ]);
    expect(issues(withWorkloads('envoy:\n  resources: { memory: 5Gi }\n  maxConnections: 50000'))).toEqual([]);
    expect(issues(withWorkloads('envoy:\n  resources: { memory: 128Mi }'))).toEqual([
      expect.stringMatching(/workloads\.envoy\.resources\.memory "128Mi": must be at least 256Mi/),
    ]);
    expect(issues(withWorkloads('envoy:\n  resources: { cpu: "0.5" }'))).toEqual([
      expect.stringMatching(/workloads\.envoy\.resources\.cpu "0\.5": must be whole cores/),
    ]);
  });
});
