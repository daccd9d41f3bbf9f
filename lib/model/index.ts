/** The model: parse, validate and normalise the config; the AllowList construct; the address plan. */
export * from './address-plan';
export * from './allow-entries';
export * from './allow-list';
export * from './azure-facts';
export * from './config';
export * from './domain';
export * from './ipv4';
export * from './issues';
export * from './load';
export * from './options';
export * from './firewall';
export * from './network-rules';
export { MAX_ALIASES, MAX_CONFIG_BYTES, MAX_NESTING } from './yaml-source';
