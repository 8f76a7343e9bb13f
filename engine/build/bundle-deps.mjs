// Bundles the dependencies that plumb's commands load into one file per group, under dist/node_modules/. Node
// resolves a bare import from dist/engine/… by walking up, so it finds dist/node_modules/<package> before the
// project's (or an installation's) node_modules: nothing in the sources or in tsc's output changes. Why: Node 20
// spends most of a command's start in its module loader, per file — yaml is 72 files, ajv 63, handlebars 33,
// isomorphic-git with pako 20: 70–90 ms each on a slow core, 10–25 ms as one file (npm run bench:cli). Tests run
// the TypeScript sources, which resolve to node_modules as it is; CLI tests run dist/, and so test the bundles.
//
// Each package keeps its module format and exports: a CommonJS package becomes a stub whose module.exports is the
// package's own (so `import x from`, `import { y } from` and require() behave as before; the `0 && (module.exports
// = { … })` line is how Node learns the names for `import { y }`); an ES module package is bundled as one ES module.
//
// Left out: commander (7 files: no measurable gain), ssh2 (its native crypto is found relative to its own files;
// transport/ssh loads it on first connection instead), fastify (plumb serve starts once and runs for days).
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);
const OUT = 'dist/node_modules';
const BUNDLES = join(OUT, '.bundles');

/** One bundle per group; packages in one group share one copy of the code they have in common (ajv-formats builds on ajv's code generator, whose classes must be the very ones the Ajv instance uses). */
const GROUPS = [
  { name: 'yaml', specs: ['yaml'] },
  { name: 'ajv', specs: ['ajv', 'ajv-formats'] },
  { name: 'handlebars', specs: ['handlebars'] },
  { name: 'isomorphic-git', specs: ['isomorphic-git', 'isomorphic-git/http/node'] },
  { name: 'p-queue', specs: ['p-queue'] },
];

const IDENT = /^[A-Za-z_$][\w$]*$/;
const RESERVED = new Set(['default', 'delete', 'new', 'class', 'function', 'export', 'import', 'in', 'instanceof', 'typeof', 'void', 'with', 'yield', 'enum', 'await', 'let', 'static']);
const packageOf = (spec) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');
/** Read from disk: some packages do not export ./package.json. */
const manifest = (pkg) => JSON.parse(readFileSync(join('node_modules', pkg, 'package.json'), 'utf8'));

/** Whether require(spec) reaches a CommonJS file (packages with both flavours then give their CommonJS one). */
function isCommonJs(spec) {
  const file = require.resolve(spec);
  if (file.endsWith('.cjs')) return true;
  if (file.endsWith('.mjs')) return false;
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).type !== 'module';
  }
  return true;
}

const options = (outfile, format) => ({
  bundle: true,
  platform: 'node',
  target: 'node20',
  format,
  outfile,
  legalComments: 'inline',
  logLevel: 'warning',
  // Node's built-in modules stay imports; CommonJS code inside an ES module needs a real require for them.
  ...(format === 'esm' ? { banner: { js: "import { createRequire as __plumbRequire } from 'node:module';\nconst require = __plumbRequire(import.meta.url);" } } : {}),
});

/** Where the package.json of spec's package goes, and its exports map entry. */
function writeStub(spec, body, type) {
  const pkg = packageOf(spec);
  const sub = spec.slice(pkg.length + 1);
  const dir = join(OUT, pkg, sub);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.js'), body(dir));
  const file = join(OUT, pkg, 'package.json');
  const prior = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { name: pkg, version: manifest(pkg).version, description: `${pkg} bundled by plumb's engine/build/bundle-deps.mjs`, type, exports: {} };
  prior.exports[sub ? `./${sub}` : '.'] = sub ? `./${sub}/index.js` : './index.js';
  writeFileSync(file, `${JSON.stringify(prior, null, 2)}\n`);
}

rmSync(OUT, { recursive: true, force: true });
mkdirSync(BUNDLES, { recursive: true });
for (const group of GROUPS) {
  const cjs = group.specs.map(isCommonJs);
  if (cjs.every((c) => !c) && group.specs.length === 1) {
    const [spec] = group.specs;
    const hasDefault = 'default' in (await import(spec));
    const dir = join(OUT, spec);
    mkdirSync(dir, { recursive: true });
    await build({
      ...options(join(dir, 'index.js'), 'esm'),
      stdin: { contents: `export * from '${spec}';\n${hasDefault ? `export { default } from '${spec}';\n` : ''}`, resolveDir: process.cwd(), sourcefile: `${spec}.entry.mjs` },
    });
    writeStub(spec, () => readFileSync(join(dir, 'index.js'), 'utf8'), 'module');
    continue;
  }
  if (cjs.some((c) => !c)) throw new Error(`bundle-deps: group ${group.name} mixes module formats; give ES module packages a group of their own`);
  const bundle = join(BUNDLES, `${group.name}.cjs`);
  await build({
    ...options(bundle, 'cjs'),
    // Getters: a package of the group runs only when something imports it (isomorphic-git's HTTP client pulls in
    // node:https, which only `reconcile --remote` needs).
    stdin: { contents: `module.exports = {\n${group.specs.map((s) => `  get ${JSON.stringify(s)}() { return require(${JSON.stringify(s)}); },`).join('\n')}\n};\n`, resolveDir: process.cwd(), sourcefile: `${group.name}.entry.cjs`, loader: 'js' },
  });
  for (const spec of group.specs) {
    const names = Object.keys(require(spec)).filter((n) => IDENT.test(n) && !RESERVED.has(n));
    writeStub(
      spec,
      (dir) =>
        `// ${spec}, from one bundle with ${group.specs.filter((s) => s !== spec).join(', ') || 'its dependencies'} (engine/build/bundle-deps.mjs).\n` +
        `module.exports = require(${JSON.stringify(relative(dir, bundle))})[${JSON.stringify(spec)}];\n` +
        `// The names, for Node's import { … } of a CommonJS module; never runs.\n0 && (module.exports = { ${names.join(', ')} });\n`,
      'commonjs',
    );
  }
}
