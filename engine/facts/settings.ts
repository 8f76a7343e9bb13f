/**
 * Key/value settings as the program reading the file sees them. Pure: file contents and Include expansions in,
 * values out. `undefined` from a content lookup means "could not be read", which makes the answer unknown.
 */

export type Contents = (path: string) => string | undefined;
/** Files an Include pattern matched on the host, in the order the host's glob returned them. */
export type Globs = (includingFile: string, pattern: string) => string[] | undefined;

export type SettingsResult = { ok: true; values: Record<string, string | null> } | { ok: false; reason: string };

const MAX_INCLUDE_DEPTH = 16;

/**
 * sshd_config semantics: keywords are case-insensitive, the first value obtained wins, `Keyword value` or
 * `Keyword=value`; a `Match` line ends the global section of the file it appears in (an included file's Match
 * ends at the end of that file, as `sshd -T` shows); `Include` patterns, relative ones against `base` (sshd: /etc/ssh, whatever the including file), are read in place.
 */
export function spaceSettings(file: string, base: string, keys: string[], contents: Contents, globs: Globs): SettingsResult {
  const wanted = new Map(keys.map((k) => [k.toLowerCase(), k]));
  const values: Record<string, string | null> = Object.fromEntries(keys.map((k) => [k, null]));
  const found = new Set<string>();

  // Returns a reason when something needed could not be read.
  const walk = (path: string, depth: number): string | undefined => {
    if (depth > MAX_INCLUDE_DEPTH) return `Include nesting deeper than ${MAX_INCLUDE_DEPTH} at ${path}`;
    const text = contents(path);
    if (text === undefined) return `content of ${path} unknown`;
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      const m = /^([^\s=]+)(?:\s*=\s*|\s+)(.*)$/.exec(line) ?? /^([^\s=]+)()$/.exec(line);
      if (!m) continue;
      const kw = m[1]!.toLowerCase();
      const rest = m[2]!;
      if (kw === 'match') return undefined;
      if (kw === 'include') {
        for (const token of tokens(rest)) {
          const pattern = token.startsWith('/') ? token : `${base}/${token}`;
          const matches = globs(path, pattern);
          if (matches === undefined) return `Include ${pattern} in ${path} was not expanded on the host`;
          for (const inc of matches) {
            const r = walk(inc, depth + 1);
            if (r) return r;
          }
        }
        continue;
      }
      const key = wanted.get(kw);
      if (key !== undefined && !found.has(kw)) {
        found.add(kw);
        values[key] = argument(rest);
      }
    }
    return undefined;
  };
  const problem = walk(file, 0);
  return problem ? { ok: false, reason: problem } : { ok: true, values };
}

/** Whitespace-separated words up to a word starting with '#' (the way the gather script splits Include lines). */
function tokens(rest: string): string[] {
  const out: string[] = [];
  for (const t of rest.split(/\s+/)) {
    if (!t) continue;
    if (t.startsWith('#')) break;
    out.push(t);
  }
  return out;
}

/** The value as sshd would compare it: a trailing comment dropped, one pair of enclosing double quotes removed. */
function argument(rest: string): string {
  let v = rest.replace(/\s+#.*$/, '').trim();
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"') && !v.slice(1, -1).includes('"')) v = v.slice(1, -1);
  return v;
}

/**
 * `key = value` files (sysctl.conf, many daemons): the last assignment wins, `#` and `;` start comment lines,
 * keys are case-sensitive, and one pair of matching enclosing quotes is removed from the value.
 */
export function equalsSettings(text: string, keys: string[]): Record<string, string | null> {
  const values: Record<string, string | null> = Object.fromEntries(keys.map((k) => [k, null]));
  const wanted = new Set(keys);
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    if (!wanted.has(key)) continue;
    let v = line.slice(eq + 1).trim();
    if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.endsWith(v[0]!)) v = v.slice(1, -1);
    values[key] = v;
  }
  return values;
}
