import type { Command } from 'commander';
import { rebuildHost } from '../../rebuild/index.js';
import { cliPorts } from '../apply/wiring.js';
import { colours, printJson } from '../output.js';
import { globals } from '../program.js';

export async function rebuildAction(host: string, opts: { lab?: string; fingerprint?: string; doneBy?: string; json?: boolean }, cmd: Command): Promise<void> {
  const { repo } = globals(cmd);
  const ports = cliPorts({ json: opts.json, confirm: false });
  try {
    const r = await rebuildHost({ repo, host, lab: opts.lab, fingerprint: opts.fingerprint, doneBy: opts.doneBy, ports });
    if (opts.json) return printJson(r);
    const c = colours();
    process.stdout.write(`${c.green('rebuilt')} ${host}: ${r.incident.rebuild.how === 'lab-image' ? 'reset from the standard image' : `recorded (${r.incident.rebuild.by ?? 'by other means'})`}; new host key ${r.incident.newHostKeys.join(', ')} pinned\n`);
    process.stdout.write(`baseline applied from scratch in run ${r.record?.id ?? '?'} and verified; quarantine lifted (since ${r.incident.quarantine.since}${r.incident.quarantine.ticket ? `, ${r.incident.quarantine.ticket}` : ''})\n`);
    process.stdout.write(c.dim('commit the inventory change (new host_keys, compromised: removed) for review\n'));
  } finally {
    ports.detach();
  }
}
