import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { UsageError } from '../../errors/index.js';
import { ScapContentInvalid } from '../../errors/scap.js';
import type { Model } from '../../model/types.js';
import type { HostInput } from '../../plan/assemble.js';
import { renderArf, type ArfHost } from '../../scap/arf.js';
import { readDataStream } from '../../scap/datastream.js';
import { ruleVerdicts } from '../../scap/verdicts.js';
import { parseXml } from '../../scap/xml.js';
import { plumbVersion } from '../program.js';

/**
 * `plumb plan --format arf --datastream FILE`: the verdicts of the hosts whose baseline was imported from FILE (by
 * its sha256, as recorded in the baseline's scap: section), as an ARF result data stream on standard output.
 */
export function arfFor(model: Model, inputs: HostInput[], datastream: string | undefined): string {
  if (!datastream) throw new UsageError('--format arf needs --datastream FILE', 'give the data stream the baseline was imported from (plumb import scap), e.g. --datastream /usr/share/xml/scap/ssg/content/ssg-debian11-ds.xml');
  let bytes: Buffer;
  try {
    bytes = readFileSync(datastream);
  } catch (e) {
    throw new ScapContentInvalid(datastream, `cannot read it: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const sha = createHash('sha256').update(bytes).digest('hex');
  const text = bytes.toString('utf8');
  const ds = readDataStream(parseXml(text, datastream), datastream);
  const hosts: ArfHost[] = [];
  const skipped: string[] = [];
  for (const input of inputs) {
    const host = model.hosts.get(input.host);
    const baseline = host && model.resolvedBaselines.get(host.baseline);
    const scap = baseline?.chain.map((n) => model.baselines.get(n)?.scap).filter(Boolean).pop();
    const fromHere = baseline?.controls.length && baseline.controls.every((c) => c.content.benchmark === ds.benchmark.id) && (!scap?.sha256 || scap.sha256 === sha);
    if (!host || !baseline || !fromHere || !baseline.controls[0]) {
      skipped.push(`${input.host} (its baseline was not imported from ${basename(datastream)})`);
      continue;
    }
    if ('error' in input && input.error) {
      skipped.push(`${input.host} (${input.error.message})`);
      continue;
    }
    const facts = input.facts!;
    hosts.push({ name: host.name, address: host.address, time: facts.gatheredAt, profile: baseline.controls[0].content.profile, verdicts: ruleVerdicts(model, host, facts) });
  }
  for (const s of skipped) process.stderr.write(`plumb: no results for ${s}\n`);
  if (!hosts.length) throw new UsageError(`no host has a baseline imported from ${basename(datastream)}`, 'import one with plumb import scap, and give the same data stream file');
  return renderArf({ ds, datastreamText: text, hosts, version: plumbVersion() });
}
