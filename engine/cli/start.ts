/** What `plumb` runs: main.ts starts this, from the bundle engine/build/bundle-cli.mjs made of it when there is one. */
import { guardOutput } from './output.js';
import { run } from './program.js';

// `plumb … | head` closes the pipe early: that is the reader's choice, not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

// Every byte written from here on passes through terminalText (cli/output.ts): nothing a host sent acts on a terminal.
guardOutput();
process.exitCode = await run(process.argv);
