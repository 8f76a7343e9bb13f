import type { Problem } from '../model/problem.js';

/** Colour only for people: never when piped, and never when NO_COLOR is set (https://no-color.org). */
export function colours(stream: NodeJS.WriteStream = process.stdout) {
  const on = Boolean(stream.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
  const wrap = (code: number, reset: number) => (s: string) => (on ? `\u001b[${code}m${s}\u001b[${reset}m` : s);
  return { red: wrap(31, 39), yellow: wrap(33, 39), green: wrap(32, 39), cyan: wrap(36, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}

/** `file:line:col: error: message` (the shape editors and CI annotate), then an indented hint. */
export function formatProblem(p: Problem, c = colours()): string {
  const sev = p.severity === 'error' ? c.red('error') : c.yellow('warning');
  const head = `${p.file}:${p.line}:${p.col}: ${sev}: ${p.message}`;
  return p.hint ? `${head}\n    ${c.dim(`hint: ${p.hint}`)}` : head;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
