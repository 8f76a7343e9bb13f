// A plumb process for the crash and race tests: it runs the built ledger (dist/) and reports on stdout what it has
// done, line by line, so that the test knows exactly what was acknowledged before it kills this process.
import { createInterface } from 'node:readline';

const [, , mode, repo, lib] = process.argv;
const ledger = await import(lib);
const say = (line) => process.stdout.write(`${line}\n`);
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const next = async () => (await lines.next()).value;

if (mode === 'journal' || mode === 'leave') {
  // stdin: one JSON document per journal, {events, paceMs}; `leave` writes them all and exits without finish().
  // paceMs stands for the work the engine does between two events (an SSH command, an apt transaction).
  for (let doc = await next(); doc; doc = await next()) {
    const { events, paceMs = 0 } = JSON.parse(doc);
    const journal = await ledger.Journal.begin(repo, events[0]);
    say('ok 0');
    for (let i = 1; i < events.length; i++) {
      if (mode === 'journal' && events[i].t === 'run-end') break;
      if (paceMs) await new Promise((r) => setTimeout(r, paceMs));
      journal.append(events[i]);
      say(`ok ${i}`);
    }
    if (mode === 'journal') {
      say('finishing');
      const { commit } = await journal.finish(events.at(-1).status);
      say(`committed ${commit}`);
    }
  }
  say('done');
} else if (mode === 'recover') {
  say('ready');
  await next(); // the go signal, sent to every racer at once
  const runs = await ledger.recoverJournals(repo);
  say(JSON.stringify(runs.map((r) => r.id)));
}
