import { problemAt, type Problem } from '../../../model/problem.js';

/** One line of an ssh_config file that says something: a keyword (lower-cased) and its arguments, with its place. */
export interface ConfigLine {
  keyword: string;
  args: string[];
  file: string;
  line: number;
  col: number;
}

/**
 * Keywords that make ssh run a program (or are ProxyCommand's kin): plumb runs no command from an ssh_config, so
 * a file that uses them is refused, located, before anything connects. `ProxyCommand none` is allowed.
 */
const RUNS_A_COMMAND = new Set(['proxycommand', 'localcommand', 'knownhostscommand', 'remotecommand']);

/**
 * ssh_config(5) lines: `Keyword args` or `Keyword=args`, comments, double-quoted arguments. Pure: Include is
 * left as a line for the loader (load.ts), which reads the files. Problems are located values.
 */
export function parseSshConfig(file: string, text: string): { lines: ConfigLine[]; problems: Problem[] } {
  const lines: ConfigLine[] = [];
  const problems: Problem[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const n = i + 1;
    const start = raw.length - raw.trimStart().length;
    const body = raw.trim();
    if (!body || body.startsWith('#')) return;
    const m = /^([A-Za-z][A-Za-z0-9]*)(?:\s*=\s*|\s+)(.*)$/.exec(body) ?? /^([A-Za-z][A-Za-z0-9]*)$/.exec(body);
    const at = { file, line: n, col: start + 1, pointer: '' };
    if (!m) return void problems.push(problemAt(at, 'ssh-config', `cannot read '${body.slice(0, 60)}': expected a keyword and its arguments`));
    const keyword = m[1]!.toLowerCase();
    let args: string[];
    try {
      args = splitArgs(m[2] ?? '');
    } catch (e) {
      return void problems.push(problemAt(at, 'ssh-config', `${m[1]}: ${(e as Error).message}`));
    }
    if (RUNS_A_COMMAND.has(keyword) && !(keyword === 'proxycommand' && args.length === 1 && args[0]!.toLowerCase() === 'none')) {
      return void problems.push(problemAt(at, 'ssh-config', `${m[1]} runs a command: plumb runs no command from an ssh_config`, { hint: keyword === 'proxycommand' ? 'use ProxyJump, which plumb follows itself (host keys pinned at every hop)' : 'remove it, or give plumb a config of its own (ssh_config: in the inventory)' }));
    }
    if (keyword === 'match') {
      const why = unsupportedMatch(args);
      if (why) return void problems.push(problemAt(at, 'ssh-config', why.message, { hint: why.hint }));
    }
    lines.push({ keyword, args, file, line: n, col: start + 1 });
  });
  return { lines, problems };
}

/** Match criteria plumb can decide without running anything: all, host, originalhost, user, localuser (and ! of them). */
function unsupportedMatch(args: string[]): { message: string; hint?: string } | undefined {
  for (let i = 0; i < args.length; i++) {
    const c = args[i]!.replace(/^!/, '').toLowerCase();
    if (c === 'exec') return { message: 'Match exec runs a command: plumb runs no command from an ssh_config', hint: 'use Host patterns, or Match host/user' };
    if (c === 'all') continue;
    if (['host', 'originalhost', 'user', 'localuser'].includes(c)) {
      if (i + 1 >= args.length) return { message: `Match ${c} needs a pattern list` };
      i++;
      continue;
    }
    return { message: `Match ${c} is not supported by plumb (only all, host, originalhost, user, localuser)`, hint: 'use Host patterns' };
  }
  return args.length ? undefined : { message: 'Match needs criteria' };
}

/** Words separated by whitespace; "…" groups (ssh's argv_split: no escapes besides \" and \\). */
function splitArgs(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i]!)) i++;
    if (i >= s.length || s[i] === '#') break;
    let word = '';
    if (s[i] === '"') {
      i++;
      for (;;) {
        if (i >= s.length) throw new Error('unterminated quote');
        if (s[i] === '\\' && (s[i + 1] === '"' || s[i + 1] === '\\')) {
          word += s[i + 1];
          i += 2;
          continue;
        }
        if (s[i] === '"') {
          i++;
          break;
        }
        word += s[i++];
      }
    } else {
      while (i < s.length && !/\s/.test(s[i]!)) word += s[i++];
    }
    out.push(word);
  }
  return out;
}
