import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { PlumbError, UsageError } from '../../errors/index.js';
import { ScapContentInvalid } from '../../errors/scap.js';
import { validateDocument } from '../../model/validate.js';
import { parseYaml } from '../../model/yaml.js';
import { baselineDocument, renderBaseline } from '../../scap/baseline-doc.js';
import { readDataStream } from '../../scap/datastream.js';
import { importParsed } from '../../scap/import.js';
import { readTailoring } from '../../scap/tailoring.js';
import { parseXml } from '../../scap/xml.js';
import { colours, formatProblem, plural, printJson, visible } from '../output.js';

interface ImportScapOptions {
  profile?: string;
  tailoring?: string;
  out?: string;
  name?: string;
  platformVersions?: string;
  listProfiles?: boolean;
  json?: boolean;
}

const PROFILE_PREFIX = 'xccdf_org.ssgproject.content_profile_';

export async function importScapAction(datastream: string, opts: ImportScapOptions, _cmd: Command): Promise<void> {
  const ds = readDataStream(parseXml(readText(datastream), datastream), datastream);
  const tailoringText = opts.tailoring ? readText(opts.tailoring) : undefined;
  const tailored = opts.tailoring ? readTailoring(parseXml(tailoringText!, opts.tailoring), opts.tailoring) : new Map();
  if (opts.listProfiles) {
    const all = [...tailored.values(), ...ds.benchmark.profiles.values()];
    if (opts.json) return printJson(all.map((p) => ({ id: p.id, title: p.title, tailoring: tailored.has(p.id) })));
    for (const p of all) process.stdout.write(`${visible(p.id)}  ${visible(p.title)}${tailored.has(p.id) ? '  (tailoring)' : ''}\n`);
    return;
  }
  if (!opts.profile) throw new UsageError('--profile is required', `list them with: plumb import scap ${datastream} --list-profiles`);
  const profile = tailored.has(opts.profile) || ds.benchmark.profiles.has(opts.profile) ? opts.profile : `${PROFILE_PREFIX}${opts.profile}`;
  const tailoring = opts.tailoring ? { profiles: tailored, file: opts.tailoring, sha256: sha256(Buffer.from(tailoringText!)) } : undefined;
  const result = importParsed({ ds, sha256: sha256(readFileSync(datastream)), tailoring, profile });
  const name = opts.name ?? (opts.out ? basename(opts.out).replace(/\.ya?ml$/, '') : `ssg-${ds.benchmark.id.replace(/^.*benchmark_/, '').toLowerCase()}-${result.profile.id.replace(/^.*profile_/, '')}`);
  const doc = baselineDocument(result, { name, platformVersions: opts.platformVersions });
  const command = ['plumb import scap', basename(datastream), `--profile ${result.profile.id.replace(PROFILE_PREFIX, '')}`, opts.tailoring && `--tailoring ${basename(opts.tailoring)}`, opts.platformVersions && `--platform-versions '${opts.platformVersions}'`].filter(Boolean).join(' ');
  const text = renderBaseline(doc, result, command);
  // What we write must load: checked against the baseline schema like any hand-written baseline.
  const parsed = parseYaml(opts.out ?? `${name}.yaml`, Buffer.from(text));
  const problems = parsed.ok ? validateDocument('baseline', parsed.doc) : parsed.problems;
  if (problems.length) {
    for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
    throw new PlumbError('E_SCAP_IMPORT', `the baseline made from ${basename(datastream)} does not validate`, { hint: 'this is a bug in plumb import scap: please report it with the data stream' });
  }
  if (opts.out) writeFileSync(opts.out, text);
  if (opts.json) {
    printJson({
      baseline: opts.out ?? null,
      name,
      datastream: { file: basename(datastream), sha256: result.sha256, benchmark: ds.benchmark.id, version: ds.benchmark.version },
      profile: result.profile.id,
      mapped: result.mapped.map((m) => ({ rule: m.rule.id, cce: m.rule.cce, nist: m.rule.nist, checks: m.checks, guard: m.guard, notes: m.notes })),
      unmapped: result.unmapped.map((u) => ({ rule: u.rule.id, cce: u.rule.cce, nist: u.rule.nist, reason: u.reason })),
      warnings: result.warnings,
      ...(opts.out ? {} : { yaml: text }),
    });
    return;
  }
  const out = opts.out ? process.stdout : process.stderr;
  if (!opts.out) process.stdout.write(text);
  const c = colours(out);
  out.write(`${c.bold(visible(result.profile.title || result.profile.id))}: ${plural(result.mapped.length, 'rule')} mapped to ${plural(new Set(result.mapped.flatMap((m) => m.checks)).size, 'check')}${opts.out ? ` in ${opts.out}` : ''}; ${plural(result.unmapped.length, 'rule')} unmapped\n`);
  for (const w of result.warnings) out.write(`${c.yellow('warning')}: ${visible(w)}\n`);
  for (const u of result.unmapped) out.write(`  ${c.yellow('unmapped')} ${visible(u.rule.id.replace('xccdf_org.ssgproject.content_rule_', ''))}: ${visible(u.reason)}\n`);
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new ScapContentInvalid(file, `cannot read it: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
