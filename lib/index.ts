/**
 * layered-egress as a library: what the CLI does, any cdktf or cdk8s app can do.
 *
 * - {@link loadConfig} / {@link parseConfig}: validate a config (file or object) into the
 *   model, or throw one {@link ConfigError} listing every problem;
 * - {@link EgressNetwork} (cdktf): one Terraform stack per level in your `App`;
 * - {@link EgressWorkloads} (cdk8s): each level's charts in your `App`;
 * - {@link AllowList}: the one allow-list every construct of a tree reads;
 * - the per-level constructs they are made of ({@link LevelStack}, {@link EnvoyChart},
 *   {@link CorednsChart}, {@link DnsmasqChart}, {@link NetworkPolicyChart},
 *   {@link NamespaceChart}), each usable alone with narrow props (the level's name and
 *   planned addresses, its parent's and child's, its options; the allow-list comes from
 *   the tree's {@link AllowList});
 * - the renderers ({@link renderEnvoyBootstrap}, {@link renderCorednsOverride},
 *   {@link renderDnsmasqConf}) and {@link check} / {@link explain} for plain data.
 *
 * Everything public is exported here; nothing else is reachable by import.
 *
 * @packageDocumentation
 */

// The config and its model.
export { loadConfig } from './model/load';
export type { EgressModel, LevelModel } from './model/load';
export { parseConfigObject as parseConfig } from './model/parse-config';
export { ConfigError, formatIssue } from './model/issues';
export type { ConfigIssue } from './model/issues';
export type { AllowEntry } from './model/allow-entries';
export type { AddressOverrides, LevelAddressPlan, PlannedSubnet } from './model/address-plan';
export type { ClusterOptions, ContainerResources, TerraformOptions, WorkloadOptions } from './model/options';
export type { BackendConfig } from './model/config';
export type { FirewallAddressPlan, FirewallModel, FirewallOptions, HubModel } from './model/firewall';

// The allow-list construct (cdktf and cdk8s alike).
export { AllowList } from './model/allow-list';
export { AllowListError } from './model/allow-list';
export type { AllowListEntryInput, AllowListProps } from './model/allow-list';

// Terraform (cdktf).
export { EgressNetwork } from './network/egress-network';
export type { EgressNetworkProps } from './network/egress-network';
export { LevelStack } from './network/level-stack';
export type { LevelStackProps, PlannedLevel, PrivateClusterDnsSource } from './network/level-stack';
export { HubStack } from './network/hub-stack';
export type { HubStackProps, HubSpoke } from './network/hub-stack';
export { ExistingPrivateClusterDnsZone, PrivateClusterDnsAccess, PrivateClusterDnsZone, privateClusterZoneName } from './network/private-cluster-dns';
export type {
  ExistingPrivateClusterDnsZoneProps,
  PrivateClusterDnsAccessProps,
  PrivateClusterDnsZoneHandle,
  PrivateClusterDnsZoneProps,
  ResolverNetwork,
} from './network/private-cluster-dns';

// Kubernetes (cdk8s).
export { EgressWorkloads } from './workloads/egress-workloads';
export type { EgressWorkloadsProps } from './workloads/egress-workloads';
export { LevelWorkloads } from './workloads/app';
export type { LevelChartProps, WorkloadOptionsInput } from './workloads/props';
export { NamespaceChart } from './workloads/namespace-chart';
export type { NamespaceChartProps } from './workloads/namespace-chart';
export { EnvoyChart } from './workloads/envoy-chart';
export type { EnvoyChartProps } from './workloads/envoy-chart';
export { CorednsChart } from './workloads/coredns-chart';
export type { CorednsChartProps } from './workloads/coredns-chart';
export { DnsmasqChart } from './workloads/dnsmasq-chart';
export type { DnsmasqChartProps } from './workloads/dnsmasq-chart';
export { NetworkPolicyChart } from './workloads/network-policy-chart';
export type { NetworkPolicyChartProps } from './workloads/network-policy-chart';

// Renderers: plain data in, config text (or the Envoy bootstrap object) out.
export { renderEnvoyBootstrap } from './render/envoy-bootstrap';
export type { EnvoyBootstrapInput } from './render/envoy-bootstrap';
export { mapContainerPorts } from './render/ports';
export type { PortMapping } from './render/ports';
export { renderCorednsOverride } from './render/coredns-override';
export type { CorednsOverrideInput } from './render/coredns-override';
export { renderDnsmasqConf } from './render/dnsmasq-conf';
export type { DnsmasqConfInput } from './render/dnsmasq-conf';

// Verification of synthesized output.
export { check, explain } from './verify/api';
export type { Explanation, ExplainOptions, VerifyOptions } from './verify/api';
export type { Report } from './verify/check';
export type { DnsIntent } from './verify/intent';
export type { Finding, Layer, Source } from './verify/types';
export { formatReport, reportJson } from './verify/report';
