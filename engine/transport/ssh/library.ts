import { createRequire } from 'node:module';
import type * as Ssh2 from 'ssh2';

const require = createRequire(import.meta.url);

/**
 * ssh2, loaded on the first connection or key parse rather than at import: loading it does real work (cipher
 * lists, a WebAssembly Poly1305) that costs ~0.1 s of CPU, and most runs of `plumb validate`, `plumb plan --facts`
 * and the read commands never open a connection. It is CommonJS, so require() loads it synchronously.
 */
export function ssh2(): typeof Ssh2 {
  return require('ssh2') as typeof Ssh2;
}
