/**
 * Checks the props of a construct built without `loadConfig` by the config file's rules:
 * a value handed to a construct ends up in a Corefile, a dnsmasq.conf, an Envoy bootstrap,
 * a Kubernetes object or a Terraform resource, so it must pass what the file would.
 */
import { firewallSchema, LEVEL_NAME_PATTERN, LOCATION_PATTERN } from './config';
import { parseCidr, parseIpv4 } from './ipv4';
import { ConfigError, IssueCollector } from './issues';
import type { Path } from './schema';

/** The rule of an Azure subnet name (1-80 characters: letters, digits, '_', '.', '-'; starts alphanumeric, ends alphanumeric or '_'). */
const SUBNET_NAME = /^[A-Za-z0-9](?:[\w.-]{0,78}\w)?$/;

/**
 * Collects every problem of one construct's props, then {@link PropsCheck.done} throws them
 * all at once as a ConfigError whose "file" is the construct (`EnvoyChart 'envoy'`).
 */
export class PropsCheck {
  /** Where the problems go; a schema field may add to it directly. */
  public readonly issues: IssueCollector;

  constructor(kind: string, id: string) {
    this.issues = new IssueCollector(`${kind} '${id}'`);
  }

  /** `value` must be a level name, as the config file's `levels[].name`. */
  public levelName(path: Path, value: unknown): this {
    if (typeof value !== 'string' || !LEVEL_NAME_PATTERN.test(value))
      this.issues.add(path, "must be 1-16 characters of a-z, 0-9 and '-', starting with a letter and not ending with '-'", value);
    return this;
  }

  /** `value` must be a dotted-quad IPv4 address. */
  public ip(path: Path, value: unknown): this {
    if (typeof value !== 'string' || parseIpv4(value) === undefined) this.issues.add(path, 'must be an IPv4 address such as 10.1.64.4', value);
    return this;
  }

  /** `value` must be an IPv4 network in CIDR form. */
  public cidr(path: Path, value: unknown): this {
    const parsed = typeof value === 'string' ? parseCidr(value) : undefined;
    if (!parsed?.ok) this.issues.add(path, parsed && !parsed.ok ? parsed.rule : 'must be an IPv4 CIDR such as 172.16.0.0/16', value);
    return this;
  }

  /** `value` must be a list of IPv4 networks in CIDR form. */
  public cidrs(path: Path, value: unknown): this {
    if (!Array.isArray(value)) this.issues.add(path, 'must be a list of IPv4 CIDRs', value);
    else value.forEach((cidr, i) => this.cidr([...path, i], cidr));
    return this;
  }

  /** `value` must be an Azure subnet name (it becomes a load balancer annotation or a subnet). */
  public subnetName(path: Path, value: unknown): this {
    if (typeof value !== 'string' || !SUBNET_NAME.test(value))
      this.issues.add(path, "must be an Azure subnet name (1-80 characters of letters, digits, '_', '.' and '-')", value);
    return this;
  }

  /** `value` must be an Azure region name. */
  public location(path: Path, value: unknown): this {
    if (typeof value !== 'string' || !LOCATION_PATTERN.test(value))
      this.issues.add(path, "must be an Azure region name such as 'westeurope' (lowercase letters and digits)", value);
    return this;
  }

  /**
   * `value` must be a firewall model (`model.firewall`): its options as the config file's
   * `firewall:` section allows them, its planned subnet and IP, and with placement `hub`
   * the hub's address space.
   */
  public firewall(path: Path, value: unknown): this {
    if (typeof value !== 'object' || value === null) {
      this.issues.add(path, 'must be the firewall model (model.firewall)', value);
      return this;
    }
    const f = value as Record<string, unknown> & {
      addresses?: { subnet?: { name?: unknown; cidr?: unknown }; privateIp?: unknown };
      hub?: { addressSpace?: unknown };
    };
    const options = Object.fromEntries(['placement', 'sku', 'threatIntel', 'idps', 'publicIps', 'tls'].filter((k) => f[k] !== undefined).map((k) => [k, f[k]]));
    firewallSchema(options, path, this.issues);
    this.subnetName([...path, 'addresses', 'subnet', 'name'], f.addresses?.subnet?.name)
      .cidr([...path, 'addresses', 'subnet', 'cidr'], f.addresses?.subnet?.cidr)
      .ip([...path, 'addresses', 'privateIp'], f.addresses?.privateIp);
    if (f.placement === 'hub') this.cidr([...path, 'hub', 'addressSpace'], f.hub?.addressSpace);
    return this;
  }

  /** @throws ConfigError listing every problem found */
  public done(): void {
    if (!this.issues.empty) throw new ConfigError(this.issues.issues);
  }
}
