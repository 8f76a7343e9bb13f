/**
 * Python's shlex.split(line, comments=True) in POSIX mode, which Ansible's INI parser applies to host lines:
 * whitespace separates words, '…' is literal, "…" honours \\ and \", a backslash outside quotes escapes the next
 * character, and # outside quotes ends the line (also in the middle of a word). Throws on an unclosed quote.
 */
export function shlexSplit(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (c === '#') {
      break;
    } else if (c === '\\') {
      if (i + 1 >= line.length) throw new Error('No escaped character');
      word += line[++i];
      inWord = true;
    } else if (c === "'" || c === '"') {
      const close = c;
      inWord = true;
      for (i++; ; i++) {
        if (i >= line.length) throw new Error('No closing quotation');
        const d = line[i]!;
        if (d === close) break;
        if (close === '"' && d === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) word += line[++i];
        else word += d;
      }
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}
