import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { listLinks, listNetns } from '../../engine/lab/host/network.js';
import { isAlive } from '../../engine/lab/proc.js';
import type { LabInfo } from '../../engine/lab/index.js';

/** Running the built CLI (node dist/engine/cli/main.js) the way a person does, and checking what a lab left behind. */

const MAIN = fileURLToPath(new URL('../../dist/engine/cli/main.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function plumb(args: string[], opts: { env?: NodeJS.ProcessEnv; asUser?: string } = {}): CliResult {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm test does)`);
  const env = { ...process.env, NO_COLOR: '1', PLUMB_DEBUG: '', ...opts.env };
  const argv = opts.asUser
    ? ['setpriv', ['--reuid', opts.asUser, '--regid', 'nogroup', '--clear-groups', process.execPath, MAIN, ...args]]
    : [process.execPath, [MAIN, ...args]];
  const r = spawnSync(argv[0] as string, argv[1] as string[], { encoding: 'utf8', env, timeout: 15 * 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Everything of a lab still visible on the machine: its namespaces, links, live recorded processes and mounts. */
export async function traces(info: Pick<LabInfo, 'name' | 'bridge' | 'hosts' | 'mirror' | 'stateDir'>): Promise<string[]> {
  const left: string[] = [];
  const netns = new Set(info.hosts.map((h) => h.netns));
  for (const n of await listNetns()) if (netns.has(n) || n.startsWith(`plumb-${info.name}-`)) left.push(`netns ${n}`);
  const links = new Set([info.bridge, ...info.hosts.map((h) => h.veth)]);
  for (const l of await listLinks()) if (links.has(l)) left.push(`link ${l}`);
  const pids = [
    ...info.hosts.flatMap((h) => [
      [h.pid, h.pidStartTime],
      [h.initPid, h.initStartTime],
    ]),
    [info.mirror.pid, info.mirror.pidStartTime],
  ] as Array<[number | null, number | null]>;
  for (const [pid, start] of pids) if (pid && isAlive(pid, start)) left.push(`process ${pid}`);
  for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) {
    if (line.includes(info.stateDir)) left.push(`mount ${line.split(' ')[1]}`);
  }
  return left;
}
