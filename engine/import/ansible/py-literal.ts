/**
 * What Ansible's INI inventory does to a value: Python's ast.literal_eval, keeping the text when that fails. So
 * `2222` is a number, `True` a boolean, `'x y'` the string x y, `[1, 2]` a list, and `10.0.0.1`, `yes` or
 * `/home/a/key` stay text. A Python comment after a literal is dropped (`22 # ssh` is 22), as the tokenizer does.
 */

const NOT_LITERAL = Symbol('not a literal');

export function pyLiteral(text: string): unknown {
  const p = new Parser(text.trim());
  try {
    const v = p.value(0);
    p.ws();
    if (p.at() === '#' || p.done()) return v;
  } catch (e) {
    if (e !== NOT_LITERAL) throw e;
  }
  return text.trim();
}

class Parser {
  i = 0;
  constructor(readonly s: string) {}
  at(): string | undefined {
    return this.s[this.i];
  }
  done(): boolean {
    return this.i >= this.s.length;
  }
  ws(): void {
    while (this.i < this.s.length && /[ \t]/.test(this.s[this.i]!)) this.i++;
  }
  fail(): never {
    throw NOT_LITERAL;
  }

  value(depth: number): unknown {
    if (depth > 32) this.fail();
    this.ws();
    const c = this.at();
    if (c === undefined) this.fail();
    if (c === "'" || c === '"') return this.string();
    if (c === '[' || c === '(') return this.sequence(c === '[' ? ']' : ')', depth);
    if (c === '{') return this.dict(depth);
    const word = /^(?:True|False|None)(?![A-Za-z0-9_])/.exec(this.s.slice(this.i));
    if (word) {
      this.i += word[0].length;
      return word[0] === 'True' ? true : word[0] === 'False' ? false : null;
    }
    return this.number();
  }

  number(): number {
    const rest = this.s.slice(this.i);
    const m =
      /^[-+]?(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:(?:[0-9](?:_?[0-9])*)?\.[0-9](?:_?[0-9])*|[0-9](?:_?[0-9])*\.?)(?:[eE][-+]?[0-9](?:_?[0-9])*)?)(?![A-Za-z0-9_.])/.exec(rest);
    if (!m) this.fail();
    const raw = m[0].replace(/_/g, '');
    const sign = raw.startsWith('-') ? -1 : 1;
    const body = raw.replace(/^[-+]/, '');
    // Python 3 refuses decimal integers with leading zeros (0022): literal_eval fails and the text stays.
    if (/^0[0-9]+$/.test(body)) this.fail();
    this.i += m[0].length;
    if (/^0[xob]/i.test(body)) return sign * Number(body.toLowerCase());
    return sign * Number(body);
  }

  string(): string {
    const q = this.s[this.i]!;
    this.i++;
    let out = '';
    for (;;) {
      const c = this.s[this.i++];
      if (c === undefined) this.fail();
      if (c === q) break;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.s[this.i++];
      if (e === undefined) this.fail();
      const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v' };
      if (e in simple) out += simple[e];
      else if (e === 'x' && /^[0-9a-fA-F]{2}/.test(this.s.slice(this.i))) {
        out += String.fromCharCode(parseInt(this.s.slice(this.i, this.i + 2), 16));
        this.i += 2;
      } else out += `\\${e}`;
    }
    // Adjacent literals concatenate ('a' 'b' is 'ab').
    this.ws();
    const n = this.at();
    return n === "'" || n === '"' ? out + this.string() : out;
  }

  sequence(close: string, depth: number): unknown[] {
    this.i++;
    const out: unknown[] = [];
    for (;;) {
      this.ws();
      if (this.at() === close) {
        this.i++;
        return out;
      }
      out.push(this.value(depth + 1));
      this.ws();
      if (this.at() === ',') this.i++;
      else if (this.at() !== close) this.fail();
    }
  }

  dict(depth: number): Record<string, unknown> {
    this.i++;
    const out: Record<string, unknown> = {};
    for (;;) {
      this.ws();
      if (this.at() === '}') {
        this.i++;
        return out;
      }
      const k = this.value(depth + 1);
      this.ws();
      if (this.at() !== ':') this.fail();
      this.i++;
      out[String(k)] = this.value(depth + 1);
      this.ws();
      if (this.at() === ',') this.i++;
      else if (this.at() !== '}') this.fail();
    }
  }
}
