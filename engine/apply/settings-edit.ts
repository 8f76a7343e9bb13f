/**
 * Sets one key in a config file's text, the way its reader will see it, touching nothing else.
 * - space syntax (sshd_config): the FIRST occurrence wins, and an Include near the top would win over a line
 *   appended at the end. So the key is written once, just before the first Include or Match (at the end of the
 *   file when there is neither), and other uncommented occurrences in the global section are commented out with
 *   a note. Keys compare case-insensitively, as sshd does.
 * - equals syntax (sysctl.conf, login.defs with '='): the LAST occurrence wins, so the first occurrence is
 *   replaced in place, later ones are commented out, and a missing key is appended.
 */
export function setKey(text: string, syntax: 'space' | 'equals', key: string, value: string): string {
  const lines = text.length ? text.replace(/\n$/, '').split('\n') : [];
  const trailingNewline = '\n';
  if (syntax === 'space') {
    const isKey = (l: string) => new RegExp(`^\\s*${escape(key)}(\\s|=|$)`, 'i').test(l);
    const out: string[] = [];
    let boundary = -1;
    let inGlobal = true;
    for (const l of lines) {
      if (/^\s*Match\s/i.test(l)) inGlobal = false;
      if (inGlobal && isKey(l)) {
        out.push(`# ${l.trim()}  # superseded by plumbline`);
        continue;
      }
      if (boundary < 0 && /^\s*(Include|Match)\s/i.test(l)) boundary = out.length;
      out.push(l);
    }
    const at = boundary < 0 ? out.length : boundary;
    out.splice(at, 0, `${key} ${value}`);
    return out.join('\n') + trailingNewline;
  }
  const isKey = (l: string) => new RegExp(`^\\s*${escape(key)}\\s*=`).test(l);
  let replaced = false;
  const out = lines.map((l) => {
    if (!isKey(l)) return l;
    if (replaced) return `# ${l.trim()}  # superseded by plumbline`;
    replaced = true;
    return `${key} = ${value}`;
  });
  if (!replaced) out.push(`${key} = ${value}`);
  return out.join('\n') + trailingNewline;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Adds `install NAME /bin/false` and `blacklist NAME` to a modprobe.d file's text (each once): modprobe then runs
 * /bin/false instead of loading the module, also when another module asks for it, and udev does not autoload it.
 */
export function disableModule(text: string, name: string): string {
  const lines = text.length ? text.replace(/\n$/, '').split('\n') : [];
  const has = (re: RegExp) => lines.some((l) => re.test(l));
  if (!has(new RegExp(`^install\\s+${escape(name)}\\s+/bin/false$`))) lines.push(`install ${name} /bin/false`);
  if (!has(new RegExp(`^blacklist\\s+${escape(name)}$`))) lines.push(`blacklist ${name}`);
  return `${lines.join('\n')}\n`;
}
