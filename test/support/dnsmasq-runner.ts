import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { queryDns } from './dns-probe-client';

/** Path of the dnsmasq binary, or undefined when it is not installed. */
export function findDnsmasq(): string | undefined {
  for (const candidate of ['/usr/sbin/dnsmasq', '/usr/bin/dnsmasq', '/sbin/dnsmasq']) {
    const r = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) return candidate;
  }
  return undefined;
}

/** Options that bind, daemonise, log or change user: the runner sets these itself. */
const RUNNER_OWNED =
  /^(port|listen-address|interface|except-interface|bind-interfaces|bind-dynamic|user|group|pid-file|log-facility|keep-in-foreground|no-daemon|conf-dir|conf-file)(=|$)/;

/**
 * Rewrites a dnsmasq.conf for a loopback test: every upstream (`server=` with an
 * address, a resolv file) becomes the fake upstream at 127.0.0.1#`upstreamPort`;
 * `server=/zone/` without an address and `local=` stay as written; options that bind
 * or daemonise are dropped (the runner passes its own). Files referenced by
 * `addn-hosts=`/`hostsdir=` are looked up by base name in `extraFiles`.
 */
export function prepareDnsmasqConf(conf: string, upstreamPort: number, dir: string, extraFiles: ReadonlyMap<string, string> = new Map()): string {
  const upstream = `127.0.0.1#${upstreamPort}`;
  const out: string[] = [];
  let hasDefaultServer = false;
  let noResolv = false;
  for (const raw of conf.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (RUNNER_OWNED.test(line)) continue;
    const server = /^(server|rev-server)=(.*)$/.exec(line);
    if (server) {
      const value = server[2];
      const zones = /^((?:\/[^/]*)+\/)(.*)$/.exec(value);
      if (zones) {
        // server=/zone/ (no address) means "local only": keep it; with an address: the fake.
        out.push(zones[2] === '' || zones[2] === '#' ? `server=${zones[1]}${zones[2]}` : `server=${zones[1]}${upstream}`);
      } else {
        out.push(`server=${upstream}`);
        hasDefaultServer = true;
      }
      continue;
    }
    if (line === 'no-resolv') noResolv = true;
    if (/^resolv-file=/.test(line)) {
      // an explicit resolv file is an upstream too
      out.push(`server=${upstream}`);
      hasDefaultServer = true;
      continue;
    }
    const file = /^(addn-hosts|hostsdir|servers-file)=(.*)$/.exec(line);
    if (file) {
      const content = extraFiles.get(basename(file[2]));
      if (content === undefined) throw new Error(`dnsmasq.conf references ${file[2]}, which the ConfigMap does not provide`);
      const path = join(dir, basename(file[2]));
      writeFileSync(path, content);
      out.push(`${file[1]}=${path}`);
      continue;
    }
    out.push(line);
  }
  // Without no-resolv dnsmasq would read /etc/resolv.conf: that upstream becomes the fake.
  // With no-resolv and no default server, the file means "never forward": keep it so.
  if (!noResolv && !hasDefaultServer) out.push(`server=${upstream}`);
  if (!out.includes('no-resolv')) out.push('no-resolv');
  return out.join('\n') + '\n';
}

/** A dnsmasq instance on loopback. */
export interface DnsmasqInstance {
  readonly port: number;
  readonly confPath: string;
  stop(): Promise<void>;
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const port = s.address().port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts `binary` with `conf` (already prepared) on 127.0.0.1 at a free high port and
 * waits until it answers. Rejects with dnsmasq's own message when it refuses the file.
 */
export async function startDnsmasq(binary: string, conf: string): Promise<DnsmasqInstance> {
  const dir = mkdtempSync(join(tmpdir(), 'le-dnsmasq-'));
  const confPath = join(dir, 'dnsmasq.conf');
  writeFileSync(confPath, conf);
  const test = spawnSync(binary, ['--test', `--conf-file=${confPath}`], { encoding: 'utf8' });
  if (test.status !== 0) throw new Error(`dnsmasq --test refused the config: ${test.stderr.trim()}`);
  const port = await freeUdpPort();
  const child: ChildProcess = spawn(
    binary,
    [
      '--keep-in-foreground',
      `--conf-file=${confPath}`,
      `--port=${port}`,
      '--listen-address=127.0.0.1',
      '--bind-interfaces',
      '--pid-file=',
      '--user=root',
      '--log-facility=-',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += String(d)));
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; attempt < 50; attempt++) {
    if (child.exitCode !== null) break;
    try {
      await queryDns(port, 'ready.probe.invalid', 1, 200);
      return { port, confPath, stop };
    } catch {
      /* not up yet */
    }
  }
  await stop();
  throw new Error(`dnsmasq did not start on 127.0.0.1:${port}: ${stderr.trim()}`);
}
