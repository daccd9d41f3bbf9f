/**
 * Container ports of the egress pods. Pods never bind a privileged port (< 1024): each
 * allow-list port is a Service port whose targetPort is a high container port. The
 * mapping is pure and deterministic, valid for every port 1-65535 except 53, and never
 * collides with another allow-list port or with the ports reserved below.
 */

/** Envoy admin interface, bound to 127.0.0.1 only. */
export const ENVOY_ADMIN_PORT = 9901;
/** Envoy's small HTTP listener: /ready for the kubelet, /stats/prometheus for Prometheus. */
export const ENVOY_HEALTH_PORT = 9902;
/** Container port of dnsmasq, behind Service port 53 (no NET_BIND_SERVICE needed). */
export const DNSMASQ_CONTAINER_PORT = 1053;
/** Ports of the Envoy pod that no proxied listener may take. */
export const ENVOY_RESERVED_PORTS: readonly number[] = [ENVOY_ADMIN_PORT, ENVOY_HEALTH_PORT];

const FIRST_UNPRIVILEGED = 1024;
const MAX_PORT = 65535;
/** A privileged port p first tries 10000 + p (443 -> 10443, 8 -> 10008). */
const PRIVILEGED_BASE = 10000;
/** A reserved port first tries 20000 + p % 10000 (9901 -> 29901). */
const RESERVED_BASE = 20000;

/** One proxied port: what clients dial (Service port) and what the container binds. */
export interface PortMapping {
  /** The allow-list port: the Service's port, and the port upstream. */
  readonly servicePort: number;
  /** The unprivileged port Envoy listens on inside the container. */
  readonly containerPort: number;
}

/**
 * Maps every allow-list port to a container port: a port >= 1024 that is not reserved
 * keeps its number; any other port gets the first free port from its preferred
 * candidate upwards (wrapping to 1024). Ports that keep their number are placed first,
 * so adding a privileged port never moves another port.
 * @throws when a port is out of range or is 53, or no container port is free
 */
export function mapContainerPorts(ports: readonly number[], reserved: readonly number[] = ENVOY_RESERVED_PORTS): PortMapping[] {
  const sorted = [...new Set(ports)].sort((a, b) => a - b);
  for (const p of sorted) {
    if (!Number.isInteger(p) || p < 1 || p > MAX_PORT) throw new Error(`port ${p} is not a TCP port (1-65535)`);
    if (p === 53) throw new Error('port 53 is reserved for DNS and cannot be proxied');
  }
  const reservedSet = new Set(reserved);
  const taken = new Set<number>(reserved);
  const result = new Map<number, number>();
  const keeps = (p: number) => p >= FIRST_UNPRIVILEGED && !reservedSet.has(p);
  for (const p of sorted.filter(keeps)) {
    result.set(p, p);
    taken.add(p);
  }
  for (const p of sorted.filter((q) => !keeps(q))) {
    let candidate = p < FIRST_UNPRIVILEGED ? PRIVILEGED_BASE + p : RESERVED_BASE + (p % 10000);
    for (let tries = 0; taken.has(candidate); tries++) {
      if (tries > MAX_PORT) throw new Error(`no free container port left for port ${p}`);
      candidate = candidate >= MAX_PORT ? FIRST_UNPRIVILEGED : candidate + 1;
    }
    result.set(p, candidate);
    taken.add(candidate);
  }
  return sorted.map((servicePort) => ({ servicePort, containerPort: result.get(servicePort)! }));
}
