import { parentPort, workerData } from 'node:worker_threads';
import { checkFile } from './check.js';
import type { SourceFile } from './source.js';
import type { YamlLimits } from './yaml.js';

const { files, limits } = workerData as { files: SourceFile[]; limits: YamlLimits };
const out = files.map((f) => {
  const r = checkFile(f, limits);
  // ParsedYaml's methods do not survive structured cloning; its data does.
  return r && { ...r, doc: r.doc && { file: r.doc.file, value: r.doc.value, positions: r.doc.positions, lineStarts: r.doc.lineStarts } };
});
parentPort!.postMessage(out);
