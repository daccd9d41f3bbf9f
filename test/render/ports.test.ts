import fc from 'fast-check';
import { ENVOY_RESERVED_PORTS, mapContainerPorts } from '../../lib/render/ports';

describe('mapContainerPorts', () => {
  test('privileged ports move to 10000 + port, high ports keep their number', () => {
    expect(mapContainerPorts([443, 8084, 80])).toEqual([
      { servicePort: 80, containerPort: 10080 },
      { servicePort: 443, containerPort: 10443 },
      { servicePort: 8084, containerPort: 8084 },
    ]);
  });

  test('a reserved port (admin, health) moves away; a colliding candidate probes upwards', () => {
    expect(mapContainerPorts([9901, 443, 10443])).toEqual([
      { servicePort: 443, containerPort: 10444 },
      { servicePort: 9901, containerPort: 29901 },
      { servicePort: 10443, containerPort: 10443 },
    ]);
  });

  test('port 53 and out-of-range ports are refused', () => {
    expect(() => mapContainerPorts([53])).toThrow(/53 is reserved/);
    expect(() => mapContainerPorts([0])).toThrow(/not a TCP port/);
    expect(() => mapContainerPorts([65536])).toThrow(/not a TCP port/);
  });

  test('any set of allow-list ports maps injectively onto unprivileged, unreserved ports', () => {
    const port = fc.integer({ min: 1, max: 65535 }).filter((p) => p !== 53);
    fc.assert(
      fc.property(fc.uniqueArray(port, { minLength: 1, maxLength: 200 }), (ports) => {
        const mapping = mapContainerPorts(ports);
        const targets = mapping.map((m) => m.containerPort);
        expect(new Set(targets).size).toBe(targets.length);
        for (const m of mapping) {
          expect(m.containerPort).toBeGreaterThanOrEqual(1024);
          expect(m.containerPort).toBeLessThanOrEqual(65535);
          expect(ENVOY_RESERVED_PORTS).not.toContain(m.containerPort);
          if (m.servicePort >= 1024 && !ENVOY_RESERVED_PORTS.includes(m.servicePort)) expect(m.containerPort).toBe(m.servicePort);
        }
        expect(mapping.map((m) => m.servicePort).sort((a, b) => a - b)).toEqual([...ports].sort((a, b) => a - b));
      }),
      { numRuns: 300 },
    );
  });
});
