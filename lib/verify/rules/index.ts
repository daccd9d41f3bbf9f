import { artifactsPresent } from './artifacts-present';
import { corednsAllowed } from './coredns-allowed';
import { corednsDenied } from './coredns-denied';
import { corednsSyntax } from './coredns-syntax';
import { dnsmasqAaaaLeak } from './dnsmasq-aaaa-leak';
import { dnsmasqAllowed } from './dnsmasq-allowed';
import { dnsmasqDenied } from './dnsmasq-denied';
import { dnsmasqUnlisted } from './dnsmasq-unlisted';
import { dnsmasqUpstreams } from './dnsmasq-upstreams';
import { corednsNamesListed, dnsmasqNamesListed, envoyNamesListed } from './names-listed';
import { nsgRulesListed } from './nsg-rules-listed';
import { envoyAllowedRoutes } from './envoy-allowed-routes';
import { envoyClustersConsistent } from './envoy-clusters-consistent';
import { envoyDeniedRoutes } from './envoy-denied-routes';
import { envoyListenerValid } from './envoy-listener-valid';
import { envoyUpstreamDns } from './envoy-upstream-dns';
import { firewallEastWest, firewallInternetTopOnly, nsgHubSealed } from './firewall-hub';
import { firewallAllowed, firewallDenied, firewallFinalDeny, firewallPresent, firewallRoute, firewallRulesListed } from './firewall';
import { imagesReachable } from './images-reachable';
import { lowerLevelEgress } from './lower-level-egress';
import { nsgDnsHops } from './nsg-dns-hops';
import { nsgLowerInternet } from './nsg-lower-internet';
import { nsgPlatformDns } from './nsg-platform-dns';
import { nsgRulesValid } from './nsg-rules-valid';
import { peeringAdjacent } from './peering-adjacent';
import { privateClusterDns } from './private-cluster-dns';
import { Rule } from './rule';
import { serviceAddresses } from './service-addresses';
import { vnetDns } from './vnet-dns';

export * from './rule';

/** The rule pack `check` runs, in report order. */
export const ALL_RULES: readonly Rule[] = [
  artifactsPresent,
  corednsAllowed,
  corednsDenied,
  corednsSyntax,
  corednsNamesListed,
  dnsmasqAllowed,
  dnsmasqDenied,
  dnsmasqAaaaLeak,
  dnsmasqNamesListed,
  dnsmasqUpstreams,
  dnsmasqUnlisted,
  envoyListenerValid,
  envoyNamesListed,
  envoyClustersConsistent,
  envoyAllowedRoutes,
  envoyDeniedRoutes,
  envoyUpstreamDns,
  serviceAddresses,
  vnetDns,
  nsgDnsHops,
  nsgLowerInternet,
  nsgPlatformDns,
  nsgRulesValid,
  nsgRulesListed,
  peeringAdjacent,
  lowerLevelEgress,
  firewallPresent,
  firewallRoute,
  firewallAllowed,
  firewallDenied,
  firewallRulesListed,
  firewallFinalDeny,
  firewallEastWest,
  firewallInternetTopOnly,
  nsgHubSealed,
  privateClusterDns,
  imagesReachable,
];
