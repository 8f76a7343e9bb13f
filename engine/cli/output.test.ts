import { describe, expect, it } from 'vitest';
import { terminalText, visible } from './output.js';

describe('visible', () => {
  it('shows every character that would act on a terminal, and keeps text, tabs and newlines', () => {
    const osc52 = '\u001b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\u0007';
    expect(visible(`ok\ttab\nline${osc52}\u001b[2J\r\u009b31m\u202eevil\u007f`)).toBe('ok\ttab\nline\\u001b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\\u0007\\u001b[2J\\u000d\\u009b31m\\u202eevil\\u007f');
    expect(visible('é ü 日本 ✓')).toBe('é ü 日本 ✓');
  });
  it('keeps JSON valid: the escapes are JSON escapes', () => {
    const json = JSON.stringify({ v: 'a\u009bb\u202ec' });
    expect(JSON.parse(visible(json))).toEqual({ v: 'a\u009bb\u202ec' });
  });
});

describe('terminalText', () => {
  it("lets only plumb's own colour sequences through, and only where colours are on", () => {
    const ours = '\u001b[31mred\u001b[39m \u001b[1mbold\u001b[22m';
    expect(terminalText(ours, true)).toBe(ours);
    expect(terminalText(ours, false)).toBe('\\u001b[31mred\\u001b[39m \\u001b[1mbold\\u001b[22m');
    expect(terminalText('\u001b[8mhidden\u001b]0;title\u0007', true)).toBe('\\u001b[8mhidden\\u001b]0;title\\u0007');
    expect(terminalText('\r\u001b[2Kgathering 1/2', true)).toBe('\r\u001b[2Kgathering 1/2');
    expect(terminalText('x\r\u001b[2Kforged', true)).toBe('x\\u000d\\u001b[2Kforged');
  });
});
