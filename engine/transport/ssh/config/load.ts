import * as fs from 'node:fs';
import * as path from 'node:path';
import { problemAt, type Problem } from '../../../model/problem.js';
import { parseSshConfig } from './parse.js';
import type { ConfigItem } from './resolve.js';

const MAX_BYTES = 1024 * 1024;
/** OpenSSH's own limit on nested Include. */
const MAX_DEPTH = 16;

/**
 * Reads an ssh_config file and every file its Include lines name (glob patterns, in lexical order; relative
 * paths are under ~/.ssh, as for a user's config), into one list of lines. A file that cannot be read, a file
 * too large, or a line plumb will not follow is a located problem. `home` is ~.
 */
export function loadSshConfig(file: string, home: string): { items: ConfigItem[]; problems: Problem[] } {
  const items: ConfigItem[] = [];
  const problems: Problem[] = [];
  const read = (p: string, depth: number, from?: { file: string; line: number; col: number }) => {
    const at = from ? { ...from, pointer: '' } : { file: p, line: 1, col: 1, pointer: '' };
    if (depth > MAX_DEPTH) return void problems.push(problemAt(at, 'ssh-config', `Include nested deeper than ${MAX_DEPTH} levels (a loop?)`));
    let text: string;
    try {
      const st = fs.statSync(p);
      if (!st.isFile()) return void problems.push(problemAt(at, 'ssh-config', `${p} is not a file`));
      if (st.size > MAX_BYTES) return void problems.push(problemAt(at, 'ssh-config', `${p} is larger than ${MAX_BYTES} bytes`));
      text = fs.readFileSync(p, 'utf8');
    } catch (e) {
      return void problems.push(problemAt(at, 'ssh-config', `cannot read the ssh_config ${p} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { hint: 'ssh_config: in the inventory names a file on the machine plumb runs on' }));
    }
    const parsed = parseSshConfig(p, text);
    problems.push(...parsed.problems);
    for (const line of parsed.lines) {
      if (line.keyword !== 'include') {
        items.push(line);
        continue;
      }
      for (const pattern of line.args) {
        const expanded = pattern.startsWith('~/') ? path.join(home, pattern.slice(2)) : path.isAbsolute(pattern) ? pattern : path.join(home, '.ssh', pattern);
        for (const f of globFiles(expanded)) {
          items.push({ keyword: 'include-start', args: [], file: line.file, line: line.line, col: line.col, conditional: true });
          read(f, depth + 1, line);
          items.push({ keyword: 'include-end', args: [], file: line.file, line: line.line, col: line.col, conditional: true });
        }
      }
    }
  };
  read(file, 0);
  return { items, problems };
}

/** glob(7) over path segments (* and ? within a segment), sorted; a pattern that matches nothing gives nothing, as in ssh. */
function globFiles(pattern: string): string[] {
  const parts = pattern.split('/').filter((x, i) => x !== '' || i === 0);
  let found = [parts[0] === '' ? '/' : '.'];
  for (const part of parts.slice(parts[0] === '' ? 1 : 0)) {
    if (!/[*?[]/.test(part)) {
      found = found.map((d) => path.join(d, part)).filter((p) => fs.existsSync(p));
      continue;
    }
    const re = new RegExp(`^${part.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
    found = found.flatMap((d) => {
      try {
        return fs.readdirSync(d).filter((n) => !n.startsWith('.') && re.test(n)).sort().map((n) => path.join(d, n));
      } catch {
        return [];
      }
    });
  }
  return found.sort();
}
