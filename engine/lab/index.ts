/**
 * `plumb lab`: disposable real Debian hosts and an internal signed patch mirror (see README.md here).
 * The programmatic API the CLI and the integration tests share.
 */
export { labUp, type UpOptions } from './up.js';
export { labDown, type DownResult } from './down.js';
export { labStatus, labStatuses, type LabStatus } from './status.js';
export { ensureImage, type ImageAndMirror, type ImageOptions } from './image.js';
export { hostExec, resetHost, type HostExecOptions } from './exec.js';
export { findHost, readLab, type LabRef } from './state.js';
export { DEFAULT_LAB, labNames, labRoots } from './config.js';
export { missingTools, type LabAction } from './preflight.js';
export { streamProgress, silentProgress, type Progress } from './progress.js';
export type { LabHealth, LabHost, LabImage, LabInfo, MirrorInfo, MirrorPackage, SecurityUpdate, TestPackage } from './types.js';

import type { LabHost, LabInfo } from './types.js';

/** argv for a plain OpenSSH client to a lab host as root, with strict host key checking against the lab's known_hosts. */
export function sshArgs(info: LabInfo, host: LabHost, user = 'root'): string[] {
  return [
    '-i',
    info.keyPath,
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    `UserKnownHostsFile=${info.knownHostsPath}`,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'BatchMode=yes',
    '-o',
    'LogLevel=ERROR',
    '-p',
    String(host.port),
    `${user}@${host.address}`,
  ];
}
