/** Options that would not deploy on Azure are refused when the config is loaded, with the key to change. */
import { loadConfig } from '../../lib/model';
import { BASE } from './fixtures';
import { configIssues } from '../support/problems';

const withCluster = (yaml: string, base = BASE) => `${base}cluster:\n${yaml.replace(/^/gm, '  ')}\n`;
const ONE_LEVEL = BASE.replace(/  - name: l3\n    addressSpace: 172.18.0.0\/16\n/, '');
const issues = configIssues;

test('the default system pool size is one AKS supports (not B-series)', () => {
  expect(loadConfig('infra/egress.yaml').cluster.vmSize).toBe('Standard_D4ds_v5');
});

test.each(['Standard_B4ms', 'standard_b2s', 'Standard_B2s_v2'])('a B-series system pool (%s) is refused', (size) => {
  expect(issues(withCluster(`vmSize: ${size}`))).toEqual([
    expect.stringMatching(new RegExp(`^egress\\.yaml:\\d+: cluster\\.vmSize "${size}": AKS does not support B-series`)),
  ]);
});

test('privateCluster is refused below the top level, naming the key, and accepted for a single level', () => {
  expect(issues(withCluster('privateCluster: true'))).toEqual([
    expect.stringMatching(/^egress\.yaml:11: cluster\.privateCluster true: a private API server cannot provision below the top level/),
  ]);
  expect(issues(withCluster('privateCluster: true', ONE_LEVEL))).toEqual([]);
  // With a firewall every level's DNS ends at its DNS proxy, whose VNET the cluster zone is linked to.
  expect(issues(`${withCluster('privateCluster: true')}firewall:\n  placement: top\n`)).toEqual([]);
});

test('every problem at once', () => {
  expect(issues(withCluster('privateCluster: true\nvmSize: Standard_B4ms'))).toHaveLength(2);
});

test('Entra admin groups must be GUIDs', () => {
  expect(issues(withCluster('adminGroupObjectIds: [admins]'))).toEqual([
    expect.stringMatching(/cluster\.adminGroupObjectIds\[0\] "admins": must be an Entra ID group object ID/),
  ]);
});

test('a Kubernetes version without the preStop sleep action (before 1.30) is refused', () => {
  expect(issues(withCluster('kubernetesVersion: "1.29"'))).toEqual([expect.stringMatching(/cluster\.kubernetesVersion "1\.29": must be 1\.30 or later/)]);
  expect(issues(withCluster('kubernetesVersion: "1.30.4"'))).toEqual([]);
  expect(issues(withCluster('kubernetesVersion: "2.0"'))).toEqual([]);
});

test('with privateCluster, an allow-list entry covering the private API servers zone is refused, naming the entry', () => {
  const list = (domain: string) => BASE.replace(/allowList:\n/, `allowList:\n  - domain: "${domain}"\n`);
  const withFirewall = (base: string) => `${withCluster('privateCluster: true', base)}firewall:\n  placement: top\n`;
  for (const domain of ['*.azmk8s.io', '*.westeurope.azmk8s.io', '*.privatelink.westeurope.azmk8s.io', 'api-1234.privatelink.westeurope.azmk8s.io']) {
    expect([domain, issues(withFirewall(list(domain)))]).toEqual([
      domain,
      [expect.stringMatching(/allowList\[0\]\.domain ".*": covers names of privatelink\.westeurope\.azmk8s\.io, where cluster\.privateCluster registers/)],
    ]);
    expect(issues(list(domain))).toEqual([]);
  }
  // The public API server names are not in that zone.
  expect(issues(withFirewall(list('*.hcp.westeurope.azmk8s.io')))).toEqual([]);
});
