import { Construct } from 'constructs';
import { Route, RouteTable, Subnet, SubnetRouteTableAssociation } from './azurerm/network';
import { defaultRouteName } from '../model/azure-names';

/** Props of {@link DefaultRoute}. */
export interface DefaultRouteProps {
  readonly name: string;
  readonly location: string;
  readonly resourceGroupName: string;
  /** The level's node subnet, which gets the route table. */
  readonly nodeSubnet: Subnet;
  /** Name of the 0.0.0.0/0 route. */
  readonly routeName: string;
  /** Its next hop (a virtual appliance): the parent's Envoy IP, or the firewall's private IP. */
  readonly nextHopIp: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A route table on a level's node subnet whose 0.0.0.0/0 route goes to a virtual
 * appliance, as AKS's `userDefinedRouting` outbound type requires ("Customize cluster
 * egress with a user-defined routing table"). BGP route propagation is off: nothing
 * on-premises may inject a path out.
 */
export class DefaultRoute extends Construct {
  public readonly table: RouteTable;
  public readonly route: Route;
  public readonly association: SubnetRouteTableAssociation;

  constructor(scope: Construct, id: string, props: DefaultRouteProps) {
    super(scope, id);
    this.table = new RouteTable(this, 'table', {
      name: props.name,
      location: props.location,
      resourceGroupName: props.resourceGroupName,
      bgpRoutePropagationEnabled: false,
      tags: props.tags ? { ...props.tags } : undefined,
    });
    this.route = new Route(this, 'default', {
      name: props.routeName,
      resourceGroupName: props.resourceGroupName,
      routeTableName: this.table.name,
      addressPrefix: '0.0.0.0/0',
      nextHopType: 'VirtualAppliance',
      nextHopInIpAddress: props.nextHopIp,
    });
    this.association = new SubnetRouteTableAssociation(this, 'association', {
      subnetId: props.nodeSubnet.id,
      routeTableId: this.table.id,
      dependsOn: [this.route],
    });
  }
}

/** Props of {@link ParentDefaultRoute}. */
export interface ParentDefaultRouteProps {
  readonly name: string;
  readonly location: string;
  readonly resourceGroupName: string;
  /** The level's node subnet, which gets the route table. */
  readonly nodeSubnet: Subnet;
  /** Parent level name (route name) and its Envoy load balancer IP (the next hop). */
  readonly parent: { readonly level: string; readonly envoyIp: string };
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The route table a level below the top needs for AKS's `userDefinedRouting` outbound
 * type, which gives the cluster no public egress IP. AKS refuses to create such a
 * cluster unless the node subnet has a 0.0.0.0/0 route whose next hop is a virtual
 * appliance or gateway ("Customize cluster egress with a user-defined routing table":
 * it validates that 0.0.0.0/0 does not point to the Internet). The next hop is the
 * parent's Envoy load balancer IP: Envoy accepts only connections addressed to itself,
 * so a packet for any other address is dropped there, and the NSG's Internet deny stops
 * it before routing anyway. Routes to the peered parent and to the level's own VNET are
 * more specific and win. BGP route propagation is off: nothing on-premises may inject
 * a path out.
 */
export class ParentDefaultRoute extends DefaultRoute {
  constructor(scope: Construct, id: string, props: ParentDefaultRouteProps) {
    super(scope, id, {
      name: props.name,
      location: props.location,
      resourceGroupName: props.resourceGroupName,
      nodeSubnet: props.nodeSubnet,
      routeName: defaultRouteName(props.parent.level),
      nextHopIp: props.parent.envoyIp,
      tags: props.tags,
    });
  }
}
