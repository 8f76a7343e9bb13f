import { createRequire } from 'node:module';
import type { HostEntry, SystemEntry } from '../model/types.js';
import { TEMPLATE_FIELDS } from '../model/rules/templates.js';

/** handlebars, loaded on the first template (~20 ms): documents without templates never need it. CommonJS, so require() is synchronous. */
let loaded: typeof import('handlebars') | undefined;
const handlebars = (): typeof import('handlebars') => (loaded ??= createRequire(import.meta.url)('handlebars') as typeof import('handlebars'));

const compiled = new Map<string, HandlebarsTemplateDelegate>();

/**
 * Renders a managed file's template for one host. The context holds exactly the names the validator vouches for
 * (model/rules/templates.ts), so a template that validated renders without surprises; escaping is off because
 * these are config files, not HTML.
 */
export function renderTemplate(template: string, host: HostEntry, system: SystemEntry | undefined, vars: Record<string, unknown>): string {
  let fn = compiled.get(template);
  if (!fn) {
    fn = handlebars().compile(template, { noEscape: true, strict: false, knownHelpersOnly: true, knownHelpers: { if: true, unless: true } });
    compiled.set(template, fn);
  }
  const pick = <T extends object>(o: T | undefined, fields: readonly string[]) =>
    Object.fromEntries(fields.map((f) => [f, (o as Record<string, unknown> | undefined)?.[f] ?? '']));
  return fn({
    host: pick(host, TEMPLATE_FIELDS.host),
    system: pick(system, TEMPLATE_FIELDS.system),
    vars: { ...vars, ...(host.variables ?? {}) },
  });
}
