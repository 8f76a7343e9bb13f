import type { PlannedAction } from '../action.js';

/** One line of plain language per action, shared by every rendering. */
export function describeAction(a: PlannedAction): { sign: string; text: string } {
  switch (a.type) {
    case 'package-install':
      if (!a.upgrade) return { sign: '+', text: `install ${a.name}${a.version ? ` ${a.version}` : a.minVersion ? ` (>= ${a.minVersion})` : ''}` };
      return { sign: '↑', text: `upgrade ${a.name} ${a.before ?? '?'} → ${a.version ?? (a.minVersion ? `>= ${a.minVersion}` : 'latest')}` };
    case 'package-remove':
      return { sign: '-', text: `remove ${a.name} ${a.before ?? ''}`.trim() };
    case 'package-repair':
      return { sign: '!', text: `repair ${a.name} ${a.state} (dpkg --configure -a, then the package transaction again)` };
    case 'file-write':
      return { sign: '~', text: `${a.findingKind === 'file-missing' ? 'create' : 'rewrite'} ${a.path}${a.mode ? ` (${a.mode}${a.owner ? ` ${a.owner}:${a.group ?? a.owner}` : ''})` : ''}` };
    case 'file-attributes':
      return { sign: '~', text: [a, ...(a.also ?? [])].map((x) => `${x.findingKind === 'file-mode' ? 'chmod' : 'chown'} ${a.path} ${x.before ?? '?'} → ${x.after ?? '?'}`).join(', ') };
    case 'setting-set':
      return { sign: '~', text: `set ${a.key} in ${a.file}: ${a.before === null ? 'unset' : `'${a.before}'`} → '${a.value}'` };
    case 'service-enable':
    case 'service-disable':
    case 'service-mask':
      return { sign: '~', text: `${a.type.slice('service-'.length)} ${a.unit} (${a.before ?? '?'} → ${a.after})` };
    case 'sysctl-set':
      return a.findingKind === 'sysctl-boot'
        ? { sign: '~', text: `persist sysctl ${a.key} = ${a.value} for the next boot${a.files?.length ? ` (and rewrite ${a.files.join(', ')})` : ''}` }
        : { sign: '~', text: `sysctl ${a.key} ${a.before ?? '?'} → ${a.value}${a.files?.length ? ` (and rewrite ${a.files.join(', ')})` : ''}` };
    case 'kernel-module-disable':
      return { sign: '~', text: `disable kernel module ${a.name} (install ${a.name} /bin/false)` };
    case 'reboot-notify':
      return { sign: '!', text: `reboot pending (reported, never performed)` };
  }
}

export function originLabel(a: PlannedAction): string {
  if (a.origin.kind === 'baseline') return `baseline ${a.origin.name}`;
  return `${a.origin.id}${a.approval ? ` · ${a.approval.id}${a.approval.emergency ? ' (emergency)' : ''}` : ''}`;
}

/** ` [rule sshd_disable_root_login, CCE-80000-1]` for findings of imported SCAP rules, else ''. */
export function controlsLabel(controls: ReadonlyArray<{ rule: string; cce: string[] }> | undefined): string {
  if (!controls?.length) return '';
  return ` [${controls.map((c) => [`rule ${c.rule.replace(/^xccdf_[^_]+(?:\.[^_]+)*_rule_/, '')}`, ...c.cce].join(', ')).join('; ')}]`;
}
