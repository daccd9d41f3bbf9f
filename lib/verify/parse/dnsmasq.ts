/**
 * A dnsmasq.conf read as dnsmasq 2.90 does (man dnsmasq; confirmed against the real
 * binary by test/verify/dnsmasq-agreement.test.ts): `address=`, `local=`, `server=`,
 * `host-record=`, upstream options. Options that could answer names in ways not
 * modelled (`cname=`, `addn-hosts=` ...) are reported.
 */

/** One domain pattern of `address=`/`server=`/`local=`. */
export interface DnsmasqDomain {
  /** `#` (every name), or the lowercased domain; for wildcards, the raw suffix after `*`. */
  readonly text: string;
  readonly wildcard: boolean;
}

export type DnsmasqAction =
  | { readonly kind: 'address4'; readonly ip: string }
  | { readonly kind: 'address6'; readonly ip: string }
  /** `address=/d/` with no address: NXDOMAIN. */
  | { readonly kind: 'nxdomain' }
  /** `local=/d/` or `server=/d/` with no address: answer from local data only. */
  | { readonly kind: 'local' }
  /** `server=/d/<ip>`. */
  | { readonly kind: 'forward'; readonly upstream: string }
  /** `server=/d/#`: the default upstreams. */
  | { readonly kind: 'default' };

export interface DnsmasqRecord {
  readonly domain: DnsmasqDomain;
  readonly action: DnsmasqAction;
  readonly line: number;
  readonly text: string;
}

export interface DnsmasqHost {
  readonly names: readonly string[];
  readonly ipv4: readonly string[];
  readonly ipv6: readonly string[];
  readonly line: number;
  readonly text: string;
}

export interface DnsmasqConfig {
  readonly records: readonly DnsmasqRecord[];
  readonly hosts: readonly DnsmasqHost[];
  /** Plain `server=<ip>` upstreams. */
  readonly defaultServers: readonly string[];
  /** Where each default upstream was set. */
  readonly defaultServerLines: ReadonlyArray<{ readonly upstream: string; readonly line: number; readonly text: string }>;
  readonly noResolv: boolean;
  readonly port?: number;
  readonly unmodelled: ReadonlyArray<{ readonly line: number; readonly text: string; readonly why: string }>;
}

/** Options that never change which address a name gets. */
const IGNORED = new Set([
  'no-hosts',
  'domain-needed',
  'bogus-priv',
  'cache-size',
  'log-queries',
  'log-facility',
  'log-async',
  'listen-address',
  'interface',
  'bind-interfaces',
  'bind-dynamic',
  'user',
  'group',
  'pid-file',
  'keep-in-foreground',
  'no-daemon',
  'strict-order',
  'all-servers',
  'local-ttl',
  'neg-ttl',
  'max-ttl',
  'max-cache-ttl',
  'min-cache-ttl',
  'no-negcache',
  'dns-forward-max',
  'min-port',
  'max-port',
  'edns-packet-max',
  'query-port',
  'no-poll',
  'clear-on-reload',
  'except-interface',
  'no-dhcp-interface',
  'stop-dns-rebind',
  'rebind-localhost-ok',
  'dnssec',
  'proxy-dnssec',
  'filterwin2k',
  'localise-queries',
  'conf-file',
  'auth-ttl',
  'fast-dns-retry',
  'no-round-robin',
  'log-debug',
  'quiet-dhcp',
  'filter-AAAA',
  'filter-A',
  'txt-record',
  'ptr-record',
]);

const isIpv6 = (s: string) => s.includes(':');
const isIpv4 = (s: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(s);

/** Parses `/a/b/` into domain patterns. */
function domains(spec: string): DnsmasqDomain[] {
  return spec
    .split('/')
    .filter((d) => d.length > 0)
    .map((d) => {
      const lower = d.toLowerCase();
      if (lower === '#') return { text: '#', wildcard: false };
      if (lower.startsWith('*')) return { text: lower.slice(1), wildcard: true };
      return { text: lower.replace(/^\./, '').replace(/\.$/, ''), wildcard: false };
    });
}

/** Parses dnsmasq.conf text. */
export function parseDnsmasqConf(text: string): DnsmasqConfig {
  const records: DnsmasqRecord[] = [];
  const hosts: DnsmasqHost[] = [];
  const defaultServers: string[] = [];
  const defaultServerLines: Array<{ upstream: string; line: number; text: string }> = [];
  const unmodelled: Array<{ line: number; text: string; why: string }> = [];
  let noResolv = false;
  let port: number | undefined;
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const t = raw.trim();
    if (!t || t.startsWith('#')) return;
    const eq = t.indexOf('=');
    const key = (eq === -1 ? t : t.slice(0, eq)).trim();
    const value = eq === -1 ? '' : t.slice(eq + 1).trim();
    const spec = /^((?:\/[^/]*)+\/)(.*)$/.exec(value);
    switch (key) {
      case 'address': {
        if (!spec) {
          unmodelled.push({ line, text: t, why: 'address= without /domain/' });
          return;
        }
        const target = spec[2];
        const action: DnsmasqAction =
          target === ''
            ? { kind: 'nxdomain' }
            : target === '#'
              ? { kind: 'address4', ip: '0.0.0.0' }
              : isIpv6(target)
                ? { kind: 'address6', ip: target }
                : { kind: 'address4', ip: target };
        for (const d of domains(spec[1])) {
          records.push({ domain: d, action, line, text: t });
          if (target === '#') records.push({ domain: d, action: { kind: 'address6', ip: '::' }, line, text: t });
        }
        return;
      }
      case 'local':
      case 'server': {
        if (!spec) {
          if (key === 'server' && value) {
            defaultServers.push(value);
            defaultServerLines.push({ upstream: value, line, text: t });
          } else unmodelled.push({ line, text: t, why: `${key}= without /domain/` });
          return;
        }
        const target = spec[2];
        const action: DnsmasqAction = target === '' ? { kind: 'local' } : target === '#' ? { kind: 'default' } : { kind: 'forward', upstream: target };
        for (const d of domains(spec[1])) records.push({ domain: d, action, line, text: t });
        return;
      }
      case 'host-record': {
        const parts = value.split(',').map((p) => p.trim());
        const names = parts.filter((p) => !isIpv4(p) && !isIpv6(p) && !/^\d+$/.test(p)).map((n) => n.toLowerCase().replace(/\.$/, ''));
        hosts.push({ names, ipv4: parts.filter(isIpv4), ipv6: parts.filter(isIpv6), line, text: t });
        return;
      }
      case 'no-resolv':
        noResolv = true;
        return;
      case 'port':
        port = Number(value);
        return;
      case 'resolv-file':
        defaultServers.push(`resolv-file:${value}`);
        defaultServerLines.push({ upstream: `resolv-file:${value}`, line, text: t });
        return;
      default:
        if (IGNORED.has(key)) return;
        unmodelled.push({ line, text: t, why: `option '${key}' is not modelled` });
    }
  });
  return { records, hosts, defaultServers, defaultServerLines, noResolv, port, unmodelled };
}
