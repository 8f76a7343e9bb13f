// tsc copies only what it compiles; schemas, shell scripts and templates travel to dist/ here.
import { cpSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ASSET = /\.(json|sh|pl|hbs|css|js\.txt)$/;
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (ASSET.test(name) && !name.endsWith('.test.json')) cpSync(p, join('dist', p));
  }
};
walk('engine');
