/**
 * Envoy sizing from its container limits, as pure arithmetic shared by the renderer (the
 * bootstrap's overload manager and `--concurrency`) and the config checks (a connection
 * cap the memory cannot hold is refused). The estimate is deliberately pessimistic: a TCP
 * proxy connection may fill its downstream and its upstream buffer at once.
 */

/** `per_connection_buffer_limit_bytes` of every proxied listener and cluster (Envoy's edge-proxy guidance: 32 KiB). */
export const ENVOY_BUFFER_BYTES = 32 * 1024;
/** Worst case per proxied connection: both buffers full, plus socket, TLS-inspector and bookkeeping overhead. */
export const ENVOY_BYTES_PER_CONNECTION = 2 * ENVOY_BUFFER_BYTES + 16 * 1024;
/** Memory Envoy needs before any connection: binary, config, clusters, stats. */
export const ENVOY_BASE_BYTES = 128 * 1024 * 1024;
/** Share of the container memory limit the heap monitor treats as 100%: the rest is allocator slack. */
export const ENVOY_HEAP_SHARE = 0.9;
/** Smallest memory limit accepted for Envoy. */
export const ENVOY_MIN_MEMORY_BYTES = 256 * 1024 * 1024;

const MEMORY = /^([1-9]\d{0,5})(Mi|Gi)$/;
const CPU = /^(?:([1-9]\d{0,2})|([1-9]\d{0,5})m)$/;

/** Bytes of a memory quantity (`512Mi`, `1Gi`), or undefined when it is not one this project accepts. */
export function memoryBytes(quantity: string): number | undefined {
  const m = MEMORY.exec(quantity);
  if (!m) return undefined;
  return Number(m[1]) * (m[2] === 'Gi' ? 1024 ** 3 : 1024 ** 2);
}

/** Millicores of a CPU quantity (`1`, `1500m`), or undefined when it is not one this project accepts. */
export function cpuMillis(quantity: string): number | undefined {
  const m = CPU.exec(quantity);
  if (!m) return undefined;
  return m[1] !== undefined ? Number(m[1]) * 1000 : Number(m[2]);
}

/** Envoy worker threads for a CPU limit: whole cores, at least one (more workers than cores only adds throttling). */
export function envoyConcurrency(cpu: string): number {
  return Math.max(1, Math.floor((cpuMillis(cpu) ?? 1000) / 1000));
}

/** The heap size the overload manager's fixed_heap monitor measures against. */
export function envoyHeapBytes(memory: string): number {
  return Math.floor((memoryBytes(memory) ?? ENVOY_MIN_MEMORY_BYTES) * ENVOY_HEAP_SHARE);
}

/** The largest connection cap a memory limit holds: (heap - base) / worst case per connection. */
export function envoyMaxConnectionsFor(memory: string): number {
  return Math.max(1, Math.floor((envoyHeapBytes(memory) - ENVOY_BASE_BYTES) / ENVOY_BYTES_PER_CONNECTION));
}
