import { ipInCidr } from '../engines/addresses';
import { allowedPorts } from '../intent';
import { describe } from '../parse/kube';
import { Finding, resultOf } from '../types';
import { LB_IP_ANNOTATION, LevelWorld, mainDnsmasq, mainEnvoy, ServiceInfo, World } from '../world';
import { CheckContext, finding, levelsOf, Rule } from './rule';

const ID = 'service-addresses';

function checkLb(
  world: World,
  lw: LevelWorld,
  svc: ServiceInfo | undefined,
  what: string,
  ip: string,
  ports: Array<{ port: number; protocol: string }>,
  out: Finding[],
) {
  const level = lw.level.name;
  if (!svc) return; // artifacts-present
  const at = describe(svc.object);
  if (svc.type !== 'LoadBalancer')
    out.push(finding(ID, 'service', level, `${what} Service is type ${svc.type}, not LoadBalancer: the level below cannot reach it`, { source: at }));
  if (svc.loadBalancerIp !== ip)
    out.push(
      finding(ID, 'service', level, `${what} Service has load balancer IP ${svc.loadBalancerIp ?? '(none)'} (${LB_IP_ANNOTATION}), the plan says ${ip}`, {
        source: at,
      }),
    );
  if (!svc.internal)
    out.push(
      finding(
        ID,
        'service',
        level,
        `${what} Service is not an internal load balancer (service.beta.kubernetes.io/azure-load-balancer-internal: "true"): it would get a public IP`,
        { source: at },
      ),
    );
  const subnets = world.network.subnets.filter((s) => s.stack === level);
  if (svc.loadBalancerIp && subnets.length > 0 && !subnets.some((s) => s.prefixes.some((p) => ipInCidr(svc.loadBalancerIp!, p)))) {
    out.push(finding(ID, 'service', level, `${what} load balancer IP ${svc.loadBalancerIp} is in no subnet of the level's VNET`, { source: at }));
  }
  for (const p of ports) {
    if (!svc.ports.some((sp) => sp.port === p.port && sp.protocol === p.protocol))
      out.push(finding(ID, 'service', level, `${what} Service does not expose ${p.protocol} ${p.port}`, { source: at, port: p.port }));
  }
}

/** Each level's Envoy and DNS load balancers sit at the planned internal IPs and expose the allow-list's ports and DNS on UDP and TCP 53. */
export const serviceAddresses: Rule = {
  id: ID,
  layer: 'service',
  description:
    "Each level's Envoy (and, above another level, dnsmasq) Service is an internal LoadBalancer at the planned IP, inside the VNET, exposing every allow-list port (DNS: UDP and TCP 53).",
  evaluate(ctx: CheckContext) {
    const out: Finding[] = [];
    const ports = allowedPorts(ctx.intent).map((port) => ({ port, protocol: 'TCP' }));
    for (const lw of levelsOf(ctx)) {
      const envoy = mainEnvoy(lw);
      checkLb(ctx.world, lw, envoy?.services.find((s) => s.type === 'LoadBalancer') ?? envoy?.services[0], 'Envoy', lw.level.envoyIp, ports, out);
      if (lw.level.child) {
        const dm = mainDnsmasq(lw);
        checkLb(
          ctx.world,
          lw,
          dm?.services.find((s) => s.type === 'LoadBalancer') ?? dm?.services[0],
          'dnsmasq',
          lw.level.dnsIp,
          [
            { port: 53, protocol: 'UDP' },
            { port: 53, protocol: 'TCP' },
          ],
          out,
        );
        if (dm && dm.services.length === 0)
          out.push(finding(ID, 'service', lw.level.name, 'no Service selects the dnsmasq workload', { source: describe(dm.configMap) }));
      }
    }
    return resultOf(out);
  },
};
