import { PlumbError } from './base.js';

/**
 * Failures of `plumb lab`. Each says what is wrong on this machine and how to fix it, because the lab is
 * the first thing a new contributor runs and its failures are about their machine, not about Plumbline.
 */
export class LabError extends PlumbError {}

export class LabNotRoot extends LabError {
  constructor(uid: number, action: string) {
    super('E_LAB_NOT_ROOT', `\`plumb lab ${action}\` needs root (running as uid ${uid}): it creates network namespaces, overlay mounts and veth links`, {
      hint: `run it as root, e.g. \`sudo plumb lab ${action}\`; the integration tests skip themselves when not root`,
      data: { uid },
    });
  }
}

export class LabToolMissing extends LabError {
  /** `missing` are not installed at all; `offPath` are installed, but in a directory that is not on PATH. */
  constructor(missing: Array<{ tool: string; pkg: string }>, offPath: Array<{ tool: string; path: string }> = []) {
    const parts: string[] = [];
    const hints: string[] = [];
    if (missing.length) {
      const tools = missing.map((m) => m.tool);
      parts.push(`${tools.join(', ')}, which ${tools.length === 1 ? 'is' : 'are'} not installed`);
      hints.push(`install with: apt-get install --no-install-recommends ${[...new Set(missing.map((m) => m.pkg))].join(' ')}`);
    }
    if (offPath.length) {
      const dirs = [...new Set(offPath.map((o) => o.path.slice(0, o.path.lastIndexOf('/'))))];
      parts.push(`${offPath.map((o) => o.tool).join(', ')}, which ${offPath.length === 1 ? 'is' : 'are'} installed in ${dirs.join(' and ')} but not on PATH`);
      hints.push(`add ${dirs.join(':')} to PATH (e.g. \`export PATH=$PATH:/usr/sbin:/sbin\`, or use \`sudo -i\`)`);
    }
    super('E_LAB_TOOL_MISSING', `the lab needs ${parts.join('; and ')}`, { hint: hints.join('; '), data: { missing, offPath } });
  }
}

export class LabKernelFeature extends LabError {
  constructor(feature: string, hint: string) {
    super('E_LAB_KERNEL', `this kernel or machine lacks ${feature}, which the lab needs`, { hint, data: { feature } });
  }
}

/** `subject` is what the lock guards ("lab 'demo'"); `lab` the lab's name when it is a lab, for the hint. */
export class LabLocked extends LabError {
  constructor(subject: string, holder: { pid: number; command: string; since: string }, lockPath: string) {
    super('E_LAB_LOCKED', `${subject} is busy: \`plumb lab ${holder.command}\` (pid ${holder.pid}) has been running since ${holder.since}`, {
      hint: `wait for it to finish, or stop it (kill ${holder.pid}) and run \`plumb lab down\`; the lock is ${lockPath}`,
      data: { subject, ...holder, lockPath },
    });
  }
}

export class LabStaleLock extends LabError {
  constructor(subject: string, holder: { pid: number; command: string; since: string }, lockPath: string, lab?: string) {
    super(
      'E_LAB_STALE_LOCK',
      `${subject} has a stale lock: \`plumb lab ${holder.command}\` (pid ${holder.pid}, started ${holder.since}) is no longer running — it was interrupted and may have left hosts, links or processes behind`,
      {
        hint:
          lab === undefined
            ? `remove the lock file ${lockPath}`
            : `run \`plumb lab down${lab === 'default' ? '' : ` --name ${lab}`}\`: it removes whatever the interrupted command left and clears the lock (${lockPath})`,
        data: { subject, lab, ...holder, lockPath },
      },
    );
  }
}

export class LabPortInUse extends LabError {
  constructor(address: string, port: number) {
    super('E_LAB_PORT_IN_USE', `the lab mirror cannot listen on ${address}:${port}: the port is already in use on this machine`, {
      hint: `find the owner with \`ss -ltnp 'sport = :${port}'\`, stop it, or pick another port with --mirror-port`,
      data: { address, port },
    });
  }
}

export class LabAlreadyUp extends LabError {
  constructor(lab: string, hosts: number) {
    super('E_LAB_ALREADY_UP', `lab '${lab}' is already up with ${hosts} host${hosts === 1 ? '' : 's'}; \`up\` does not add hosts to a running lab`, {
      hint: `see it with \`plumb lab status${lab === 'default' ? '' : ` --name ${lab}`}\`; recreate it with --replace, or start a second lab with --name`,
      data: { lab, hosts },
    });
  }
}

export class LabIncomplete extends LabError {
  constructor(lab: string) {
    super('E_LAB_INCOMPLETE', `lab '${lab}' was left half-built by an interrupted \`plumb lab up\``, {
      hint: `run \`plumb lab down${lab === 'default' ? '' : ` --name ${lab}`}\` first, or pass --replace`,
      data: { lab },
    });
  }
}

export class LabNotUp extends LabError {
  constructor(lab: string) {
    super('E_LAB_NOT_UP', `lab '${lab}' is not up`, { hint: `start it with \`plumb lab up${lab === 'default' ? '' : ` --name ${lab}`}\``, data: { lab } });
  }
}

export class LabUnknownHost extends LabError {
  constructor(lab: string, host: string, known: string[]) {
    super('E_LAB_UNKNOWN_HOST', `lab '${lab}' has no host named '${host}'`, { hint: `its hosts are: ${known.join(', ') || '(none)'}`, data: { lab, host } });
  }
}

export class LabNoSubnet extends LabError {
  constructor(detail: string) {
    super('E_LAB_SUBNET', `no free /24 for the lab network: ${detail}`, {
      hint: 'pass a free one with --subnet 10.A.B.0/24 (it must not overlap any route on this machine)',
    });
  }
}

/** An external tool the lab drives (debootstrap, ip, gpg …) failed; `data.stderr` holds the end of its output. */
export class LabCommandFailed extends LabError {
  constructor(what: string, command: string, detail: string, hint?: string) {
    super('E_LAB_COMMAND', `${what} failed: \`${command}\`${detail ? `\n    ${detail.trim().split('\n').slice(-8).join('\n    ')}` : ''}`, {
      hint,
      data: { command, detail },
    });
  }
}

export class LabUpstreamUnreachable extends LabError {
  constructor(url: string, detail: string) {
    super('E_LAB_UPSTREAM', `cannot fetch from the Debian archive at ${url} (needed once, to build the image and the mirror)${detail ? `:\n    ${detail.trim().split('\n').slice(-4).join('\n    ')}` : ''}`, {
      hint: 'check network access to the archive, or point at a reachable mirror with --debian-mirror / PLUMB_LAB_DEBIAN_MIRROR',
      data: { url },
    });
  }
}

export class LabHostFailed extends LabError {
  constructor(host: string, reason: string, logPath: string) {
    super('E_LAB_HOST', `lab host ${host} did not start: ${reason}`, { hint: `its boot log is ${logPath}`, data: { host, logPath } });
  }
}

export class LabImageInUse extends LabError {
  constructor(image: string, labs: string[]) {
    super('E_LAB_IMAGE_IN_USE', `the image ${image} is in use by lab${labs.length === 1 ? '' : 's'} ${labs.join(', ')} and cannot be rebuilt in place`, {
      hint: `bring ${labs.length === 1 ? 'it' : 'them'} down first (\`plumb lab down --name ${labs[0]}\`)`,
      data: { image, labs },
    });
  }
}

export class LabCleanupIncomplete extends LabError {
  constructor(lab: string, leftovers: string[]) {
    super('E_LAB_CLEANUP', `lab '${lab}' could not be removed completely; still present: ${leftovers.join(', ')}`, {
      hint: 'run `plumb lab down` again; if it persists, remove them by hand (`ip netns del`, `ip link del`, `kill PID`)',
      data: { lab, leftovers },
    });
  }
}
