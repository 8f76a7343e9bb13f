#!/usr/bin/env node
import { existsSync } from 'node:fs';

// Node 20 spends most of a command's start in its module loader, per file: a command imports 40–180 of plumb's
// modules. `npm run build` also bundles them (engine/build/bundle-cli.mjs) into a few chunks under bundle/, split
// at the same lazy import()s, so `plumb --help` still loads no command and `plumb plan` no other command's code.
// A build without the bundle (tsc alone) runs the modules as compiled; PLUMB_NO_BUNDLE=1 does too (to debug).
const bundled = new URL('./bundle/start.js', import.meta.url);
if (!process.env.PLUMB_NO_BUNDLE && existsSync(bundled)) await import(bundled.href);
else await import('./start.js');
