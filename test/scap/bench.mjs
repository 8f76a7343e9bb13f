// npm run bench:scap — import the full SSG Debian data stream (every profile), with time and memory, against a
// floor measured in the same run: saxes reading the same bytes with no tree built. Target: ≤ 5 s for one profile.
// Each import runs in a fresh process (cold: module loading, parsing, mapping, rendering and schema validation
// of the baseline through the real CLI), then once more in-process for all profiles on one parse.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { SaxesParser } from 'saxes';
import { readDataStream } from '../../dist/engine/scap/datastream.js';
import { importParsed } from '../../dist/engine/scap/import.js';
import { parseXml } from '../../dist/engine/scap/xml.js';

const DS = process.argv[2] ?? '/usr/share/xml/scap/ssg/content/ssg-debian11-ds.xml';
if (!existsSync(DS)) {
  console.error(`${DS} is missing: apt-get install ssg-debian (or give a data stream as the argument)`);
  process.exit(1);
}
const CLI = new URL('../../dist/engine/cli/main.js', import.meta.url).pathname;
const text = readFileSync(DS, 'utf8');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mib = (b) => `${(b / 1048576).toFixed(0)} MiB`;

// Floor: the XML alone, events only.
const floor = [];
for (let i = 0; i < 5; i++) {
  const s = performance.now();
  const p = new SaxesParser({ xmlns: true });
  let n = 0;
  p.on('opentag', () => n++);
  p.write(text).close();
  floor.push(performance.now() - s);
}

// In-process: one parse, every profile.
const s0 = performance.now();
const ds = readDataStream(parseXml(text, DS), DS);
const parseMs = performance.now() - s0;
const perProfile = [];
for (const id of ds.benchmark.profiles.keys()) {
  const s = performance.now();
  const r = importParsed({ ds, sha256: '0'.repeat(64), profile: id });
  perProfile.push({ id, ms: performance.now() - s, mapped: r.mapped.length, unmapped: r.unmapped.length });
}
const inProcessRss = process.memoryUsage().rss;

// Cold, through the CLI: what a person waits for.
const cold = [];
for (const p of ds.benchmark.profiles.keys()) {
  const s = performance.now();
  const r = spawnSync(process.execPath, [CLI, 'import', 'scap', DS, '--profile', p, '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = performance.now() - s;
  if (r.status !== 0) throw new Error(`plumb import scap --profile ${p} failed: ${r.stderr}`);
  // Peak memory of the whole process, by GNU time when the machine has it.
  const time = existsSync('/usr/bin/time') ? spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, CLI, 'import', 'scap', DS, '--profile', p, '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 }) : null;
  cold.push({ id: p, ms, maxRssKiB: time ? Number(time.stderr.trim().split('\n').pop()) || null : null });
}

console.log(`data stream: ${DS} (${mib(Buffer.byteLength(text))}, ${ds.benchmark.rules.size} rules, ${ds.benchmark.profiles.size} profiles, benchmark ${ds.benchmark.version})`);
console.log(`floor (saxes events only, median of 5): ${median(floor).toFixed(0)} ms`);
console.log(`parse into the model (tree, benchmark, OVAL, CPE): ${parseMs.toFixed(0)} ms (${(parseMs / median(floor)).toFixed(1)}× the floor)`);
for (const p of perProfile) console.log(`  map ${p.id.replace(/^.*profile_/, '').padEnd(28)} ${p.ms.toFixed(0).padStart(5)} ms  ${p.mapped} mapped, ${p.unmapped} unmapped`);
console.log(`all profiles in one process: ${(parseMs + perProfile.reduce((n, p) => n + p.ms, 0)).toFixed(0)} ms, RSS ${mib(inProcessRss)}`);
for (const c of cold) console.log(`  plumb import scap --profile ${c.id.replace(/^.*profile_/, '').padEnd(28)} ${(c.ms / 1000).toFixed(2)} s cold, peak ${c.maxRssKiB ? `${(c.maxRssKiB / 1024).toFixed(0)} MiB` : '?'}`);
const worst = Math.max(...cold.map((c) => c.ms)) / 1000;
console.log(`one profile, cold through the CLI: worst ${worst.toFixed(2)} s; target ≤ 5 s → ${worst <= 5 ? 'MET' : 'MISSED'}`);
