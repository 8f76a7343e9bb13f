import { createHash } from 'node:crypto';
import { ArtifactMismatch, PlumbError } from '../errors/index.js';
import type { Model } from '../model/types.js';

export interface CheckedArtifact {
  remediation: string;
  path: string;
  sha256: string;
  bytes: Buffer;
  /** From a Debian file name `name_version_arch.deb` (the epoch's ':' is written '%3a'), when it is one. */
  deb?: { name: string; version: string };
}

/** Debian's own file-name convention: name_version_arch.deb, ':' of an epoch escaped as %3a. */
export function debIdentity(path: string): { name: string; version: string } | undefined {
  const m = /(?:^|\/)([a-z0-9][a-z0-9+.-]+)_([^_/]+)_([a-z0-9-]+)\.deb$/.exec(path);
  return m ? { name: m[1]!, version: decodeURIComponent(m[2]!) } : undefined;
}

/**
 * Checks every local patch artifact of the given remediations against its recorded sha256 (SP 800-40 2.6:
 * integrity before install). A remediation with one bad or missing artifact is refused as a whole, on every host.
 */
export async function checkArtifacts(model: Model, read: (path: string) => Promise<Buffer | null>, remediationIds: Iterable<string>): Promise<{ ok: CheckedArtifact[]; refused: Map<string, ArtifactMismatch> }> {
  const ok: CheckedArtifact[] = [];
  const refused = new Map<string, ArtifactMismatch>();
  for (const id of new Set(remediationIds)) {
    const r = model.remediations.get(id);
    for (const a of r?.artifacts ?? []) {
      let bytes: Buffer | null;
      try {
        bytes = await read(a.path);
      } catch (e) {
        // A link out of the repository, or a file too large: refused like a mismatch, with the reason.
        if (!(e instanceof PlumbError)) throw e;
        refused.set(id, new ArtifactMismatch(id, a.path, a.sha256, null, e.message));
        break;
      }
      const got = bytes ? createHash('sha256').update(bytes).digest('hex') : null;
      if (got !== a.sha256) {
        refused.set(id, new ArtifactMismatch(id, a.path, a.sha256, got));
        break;
      }
      ok.push({ remediation: id, path: a.path, sha256: a.sha256, bytes: bytes!, deb: debIdentity(a.path) });
    }
  }
  return { ok: ok.filter((a) => !refused.has(a.remediation)), refused };
}
