/**
 * Text from hosts, advisories and YAML is untrusted: it must not be able to drive a terminal (ESC sequences, C1
 * controls such as CSI U+009B) or break a line-oriented reader. These make such characters visible or escape them.
 */

/** Control characters (C0 except tab and newline, DEL, C1) shown as \u{…} so a terminal prints them instead of obeying them. */
export function visible(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
}

/**
 * JSON whose text holds no raw control character at all: JSON.stringify escapes C0 but leaves DEL, C1 and the
 * Unicode line separators raw, which reach whoever pipes the output into a terminal (curl, jq -r keeps them escaped).
 */
export function safeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
