import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { checkFile, type CheckedFile } from './check.js';
import type { SourceFile } from './source.js';
import { ParsedYaml, type ParsedYamlData, type YamlLimits } from './yaml.js';

/** Below this, starting workers costs more than it saves. */
const PARALLEL_BYTES = 1024 * 1024;

type Transferred = Omit<CheckedFile, 'doc'> & { doc?: ParsedYamlData };

/**
 * The `yaml` parser runs at about 2 MB/s, which made parsing the largest part of loading a big
 * organization; files are independent, so they are checked on every core.
 */
export async function checkFiles(files: SourceFile[], limits: YamlLimits): Promise<Array<CheckedFile | null>> {
  const bytes = files.reduce((n, f) => n + f.bytes.length, 0);
  const workers = Math.min(availableParallelism(), 4);
  // From TypeScript sources (vitest) there is no compiled worker to start: check in this thread.
  const script = new URL('./check-worker.js', import.meta.url);
  if (bytes < PARALLEL_BYTES || workers < 2 || !existsSync(fileURLToPath(script))) return files.map((f) => checkFile(f, limits));

  // Deal files round-robin by size so that each worker gets a similar share of bytes.
  const order = files.map((f, i) => i).sort((a, b) => files[b]!.bytes.length - files[a]!.bytes.length);
  const shares: number[][] = Array.from({ length: workers }, () => []);
  order.forEach((idx, n) => shares[n % workers]!.push(idx));

  const results: Array<CheckedFile | null> = new Array(files.length).fill(null);
  await Promise.all(
    shares.map(
      (share) =>
        new Promise<void>((resolve, reject) => {
          const w = new Worker(script, {
            workerData: { limits, files: share.map((i) => files[i]) },
          });
          w.once('message', (out: Array<Transferred | null>) => {
            out.forEach((r, k) => {
              results[share[k]!] = r && { ...r, doc: r.doc ? ParsedYaml.from(r.doc) : undefined };
            });
            resolve();
            void w.terminate();
          });
          w.once('error', reject);
        }),
    ),
  );
  return results;
}
