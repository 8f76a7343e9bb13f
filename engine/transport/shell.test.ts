import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellJoin, shellQuote } from './shell.js';

describe('shellQuote', () => {
  it('round-trips hostile strings through a real sh', () => {
    const hostile = ["a'b", '$(touch /tmp/pwned)', '`id`', 'a b\tc\nd', '; rm -rf /', '"x"', '\\', '-rf', '', '*', '~root', '!!'];
    for (const s of hostile) {
      const out = execFileSync('sh', ['-c', `printf %s ${shellQuote(s)}`], { encoding: 'utf8' });
      expect(out).toBe(s);
    }
  });
  it('leaves plain words alone and joins', () => {
    expect(shellJoin(['apt-get', 'install', 'libssl3=3.0.17-1~deb12u3'])).toBe("apt-get install 'libssl3=3.0.17-1~deb12u3'");
  });
});
