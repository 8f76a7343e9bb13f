import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { shellJoin } from '../../engine/transport/shell.js';

/**
 * The real tools as oracles, batched: dpkg has no batch mode and costs a fork per question, so the questions go
 * into shell scripts (one per core) that each run once; rpm answers everything in one Lua program.
 */

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('latin1'));
      else reject(new Error(`${cmd} exited ${code}: ${Buffer.concat(err).toString('utf8').slice(0, 2000)}`));
    });
  });
}

/** Runs `fn name args…` lines in parallel shell scripts; one output line per call, in order. */
async function shellBatch(prelude: string, calls: string[][]): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'plumb-oracle-'));
  try {
    const jobs = Math.max(1, Math.min(availableParallelism(), 4));
    const size = Math.ceil(calls.length / jobs);
    const chunks: Promise<string>[] = [];
    for (let j = 0; j * size < calls.length; j++) {
      const script = join(dir, `batch-${j}.sh`);
      const body = calls.slice(j * size, (j + 1) * size).map((c) => shellJoin(c));
      writeFileSync(script, `${prelude}\n${body.join('\n')}\n`);
      chunks.push(run('sh', [script]));
    }
    const outputs = await Promise.all(chunks);
    const lines = outputs.flatMap((o) => o.split('\n').slice(0, -1));
    if (lines.length !== calls.length) throw new Error(`oracle answered ${lines.length} of ${calls.length} questions`);
    return lines;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `dpkg --compare-versions` for each pair: '<', '=', '>', or 'E' when dpkg refuses (exit 2). */
export function dpkgOrder(pairs: ReadonlyArray<readonly [string, string]>): Promise<string[]> {
  const prelude = `c() {
  dpkg --compare-versions -- "$1" lt "$2" 2>/dev/null; r=$?
  if [ $r -eq 0 ]; then echo '<'; elif [ $r -ne 1 ]; then echo E
  elif dpkg --compare-versions -- "$1" eq "$2" 2>/dev/null; then echo '='; else echo '>'; fi
}`;
  return shellBatch(prelude, pairs.map(([a, b]) => ['c', a, b]));
}

/** `dpkg --validate-version` for each string: 0 valid, 1 warning (lax), 2 error. */
export async function dpkgValidate(versions: readonly string[]): Promise<number[]> {
  const prelude = `v() { dpkg --validate-version -- "$1" >/dev/null 2>&1; echo $?; }`;
  return (await shellBatch(prelude, versions.map((v) => ['v', v]))).map(Number);
}

const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');

/** rpm.vercmp(a, b) for each pair, in one `rpm --eval` Lua run: '-1', '0', '1', or 'E' when rpm raises. */
export async function rpmOrder(pairs: ReadonlyArray<readonly [string, string]>): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'plumb-oracle-'));
  try {
    const data = join(dir, 'pairs.txt');
    const program = join(dir, 'vercmp.lua');
    // Hex keeps every byte (spaces, newlines, ':' …) out of the way of both Lua and rpm's macro expander.
    writeFileSync(data, pairs.map(([a, b]) => `${hex(a)} ${hex(b)}`).join('\n') + '\n');
    writeFileSync(
      program,
      `local function unhex(h) return (h:gsub('..', function(x) return string.char(tonumber(x, 16)) end)) end
local out = {}
for line in io.lines(${JSON.stringify(data)}) do
  local sp = line:find(' ', 1, true)
  local ok, r = pcall(rpm.vercmp, unhex(line:sub(1, sp - 1)), unhex(line:sub(sp + 1)))
  out[#out + 1] = ok and tostring(r) or 'E'
end
io.write(table.concat(out, '\\n'), '\\n')
`,
    );
    const lines = (await run('rpm', ['--eval', `%{lua: dofile(${JSON.stringify(program)})}`])).split('\n');
    const answers = lines.slice(0, pairs.length);
    if (answers.length !== pairs.length || answers.some((a) => !/^(-1|0|1|E)$/.test(a))) throw new Error(`rpm answered unexpectedly: ${lines.slice(0, 5).join(' | ')}`);
    return answers;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
