/**
 * POSIX single-quote quoting. Values reaching a shell are already restricted by the schemas; quoting is the
 * second wall, so that a schema mistake can never become command injection.
 */
export function shellQuote(value: string): string {
  if (value.includes('\0')) throw new Error('refusing to quote a string containing NUL');
  if (/^[A-Za-z0-9_./:=+@%^,-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function shellJoin(args: readonly string[]): string {
  return args.map(shellQuote).join(' ');
}
