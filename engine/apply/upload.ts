import { PlumbError } from '../errors/index.js';
import type { PlannedAction } from '../plan/action.js';
import type { Transport } from '../transport/index.js';
import { shellQuote } from '../transport/shell.js';
import type { CheckedArtifact } from './artifacts.js';

export const ARTIFACT_DIR = '/var/lib/plumbline/artifacts';

/**
 * Copies the .deb artifacts a host's actions install, checks their sha256 on the host, and maps name=version to the
 * file. Content-addressed and written aside then renamed, so a copy cut short is never taken for a whole one and
 * copying again is harmless.
 */
export async function uploadArtifacts(t: Transport, actions: PlannedAction[], artifacts: CheckedArtifact[]): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const a of actions) {
    if (a.type !== 'package-install' || !a.version || a.origin.kind !== 'remediation') continue;
    const id = a.origin.id;
    const art = artifacts.find((x) => x.remediation === id && x.deb?.name === a.name && x.deb.version === a.version);
    if (!art) continue;
    const dest = `${ARTIFACT_DIR}/${art.sha256}.deb`;
    const cmd = `set -e; umask 022; mkdir -p ${ARTIFACT_DIR}; f=${shellQuote(dest)}; if [ -f "$f" ] && printf '%s  %s\\n' ${art.sha256} "$f" | sha256sum -c --quiet - 2>/dev/null; then exit 0; fi; cat > "$f.part"; printf '%s  %s\\n' ${art.sha256} "$f.part" | sha256sum -c --quiet -; mv -f "$f.part" "$f"`;
    const r = await t.exec(cmd, { stdin: art.bytes, privileged: true });
    if (r.code !== 0) {
      const why = r.stderr.toString('utf8').trim().split('\n').slice(-3).join(' | ');
      throw new PlumbError('E_ARTIFACT_UPLOAD', `${t.host}: artifact ${art.path} did not arrive intact in ${ARTIFACT_DIR}: ${why || `exit status ${r.code}`}`, {
        hint: 'check free space on the host (df /var/lib/plumbline); nothing was changed on it',
        data: { host: t.host, artifact: art.path },
      });
    }
    files.set(`${a.name}=${a.version}`, dest);
  }
  return files;
}
