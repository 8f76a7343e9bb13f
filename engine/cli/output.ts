import type { Problem } from '../model/problem.js';

/** Whether a stream gets colours: a terminal, without NO_COLOR (https://no-color.org) and not TERM=dumb. */
export function colourOn(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
}

/** Colour only for people: never when piped, and never when NO_COLOR is set. */
export function colours(stream: NodeJS.WriteStream = process.stdout) {
  const on = colourOn(stream);
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

/**
 * Characters that act on a terminal instead of showing: C0 controls but tab and newline (ESC starts escape sequences:
 * OSC 52 writes the clipboard, others clear the screen or set the title; CR overwrites a line), DEL, C1 controls (CSI
 * and OSC in one byte), and the bidirectional overrides that reorder what a reader sees.
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const escaped = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * Text from hosts, advisories or YAML with every such character made visible as `\uXXXX` — the form JSON uses, so the
 * same text stays valid inside a JSON string. Pure.
 */
export function visible(text: string): string {
  return text.replace(UNSAFE, escaped);
}

// plumb's own sequences: the colours of colours(), and the progress line's "return, erase line" at a write's start.
const TERMINAL = new RegExp(`^\\r\\u001b\\[2K|\\u001b\\[(?:1|2|22|31|32|33|36|39)m|${UNSAFE.source}`, 'g');

/** What reaches a terminal: `visible`, but for plumb's own colour sequences when the stream shows colours. */
export function terminalText(text: string, colour: boolean): string {
  if (!colour) return visible(text);
  return text.replace(TERMINAL, (m) => (m.length > 1 ? m : escaped(m)));
}

let guarded = false;
/**
 * Makes every write to stdout and stderr pass through terminalText, once per process (cli/start.ts): so no text a host,
 * an advisory or a YAML file put into a message, a table or an error can act on the terminal, whichever command,
 * renderer or error printed it. JSON output is unchanged by it: JSON.stringify already escapes C0, and the other
 * characters become JSON's own escapes.
 */
export function guardOutput(): void {
  if (guarded) return;
  guarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    const colour = colourOn(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : undefined;
      return write(text === undefined ? chunk : terminalText(text, colour), ...(typeof chunk === 'string' || text === undefined ? rest : rest.filter((r) => typeof r !== 'string')));
    }) as typeof stream.write;
  }
}
