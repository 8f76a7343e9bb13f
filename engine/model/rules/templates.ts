import { createRequire } from 'node:module';
import { problemAt, type Problem, type Provenance } from '../problem.js';
import type { Model } from '../types.js';
import type { RuleContext } from './index.js';

/** handlebars, loaded on the first template (~20 ms): documents without templates never need it. CommonJS, so require() is synchronous. */
let loaded: typeof import('handlebars') | undefined;
const handlebars = (): typeof import('handlebars') => (loaded ??= createRequire(import.meta.url)('handlebars') as typeof import('handlebars'));

/** What a template may read; the renderer builds exactly this context, so a name outside it would render empty. */
export const TEMPLATE_FIELDS = {
  host: ['name', 'address', 'system', 'baseline', 'ring', 'tags', 'criticality', 'location', 'owner', 'property_number'],
  system: ['name', 'impact', 'owner', 'security_officer', 'description'],
} as const;
const BLOCK_HELPERS = new Set(['if', 'unless']);

type HbsNode = { type: string; [k: string]: unknown };

/** Names a template reads, and anything it uses that a static check cannot vouch for (partials, helpers, each/with). */
export function templateReferences(template: string): { paths: string[]; unsupported: string[] } {
  const ast = handlebars().parse(template) as unknown as HbsNode;
  const paths: string[] = [];
  const unsupported: string[] = [];
  const visit = (n: unknown): void => {
    if (!n || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(visit);
    const node = n as HbsNode;
    switch (node.type) {
      case 'PathExpression':
        paths.push(String(node.original));
        return;
      case 'MustacheStatement':
      case 'SubExpression': {
        const params = (node.params as unknown[]) ?? [];
        const hash = node.hash as { pairs?: unknown[] } | undefined;
        if (params.length || hash?.pairs?.length) unsupported.push(`helper '${String((node.path as HbsNode).original)}'`);
        else visit(node.path);
        return;
      }
      case 'BlockStatement': {
        const name = String((node.path as HbsNode).original);
        if (!BLOCK_HELPERS.has(name)) unsupported.push(`block '#${name}'`);
        visit(node.params);
        visit(node.program);
        visit(node.inverse);
        return;
      }
      case 'PartialStatement':
      case 'PartialBlockStatement':
      case 'DecoratorBlock':
      case 'Decorator':
        unsupported.push('partials and decorators');
        return;
      case 'Program':
        visit(node.body);
        return;
      default:
        return;
    }
  };
  visit(ast);
  return { paths, unsupported };
}

/** Checks one template against the variables that will exist when it is rendered. */
export function checkTemplate(template: string, vars: Set<string>, where: Provenance, owner: string): Problem[] {
  let refs: ReturnType<typeof templateReferences>;
  try {
    refs = templateReferences(template);
  } catch (e) {
    const first = String((e as Error).message).split('\n')[0];
    return [problemAt(where, 'template', `${owner}: template does not parse: ${first}`)];
  }
  const problems: Problem[] = [];
  for (const u of refs.unsupported) {
    problems.push(problemAt(where, 'template', `${owner}: templates may not use ${u}`, { hint: 'use {{host.*}}, {{system.*}}, {{vars.*}} and {{#if}}/{{#unless}} only' }));
  }
  for (const p of new Set(refs.paths)) {
    const [root, field, ...rest] = p.split('.');
    const ok =
      (root === 'vars' && field !== undefined && vars.has(field) && rest.length === 0) ||
      ((root === 'host' || root === 'system') && field !== undefined && (TEMPLATE_FIELDS[root] as readonly string[]).includes(field) && rest.length === 0);
    if (!ok) {
      const hint =
        root === 'vars'
          ? vars.size
            ? `defined variables: ${[...vars].sort().join(', ')}`
            : 'declare it under `variables:` in the baseline or on every host that uses it'
          : `use vars.NAME, host.${TEMPLATE_FIELDS.host.join('|')} or system.${TEMPLATE_FIELDS.system.join('|')}`;
      problems.push(problemAt(where, 'template-variable', `${owner}: template uses undefined variable '${p}'`, { hint }));
    }
  }
  return problems;
}

/** Variables available to a baseline's templates: its own (merged) variables plus those every one of its hosts defines. */
function baselineVars(hostsOf: Map<string, Model['hosts'] extends Map<string, infer H> ? H[] : never>, baseline: string, own: Record<string, unknown>): Set<string> {
  const vars = new Set(Object.keys(own));
  const hosts = hostsOf.get(baseline) ?? [];
  if (hosts.length) {
    const common = hosts.map((h) => new Set(Object.keys(h.variables ?? {})));
    for (const k of common[0]!) if (common.every((s) => s.has(k))) vars.add(k);
  }
  return vars;
}

export function checkTemplates(model: Model, ctx: RuleContext): Problem[] {
  const problems: Problem[] = [];
  const hostsOf = new Map<string, Array<typeof model.hosts extends Map<string, infer H> ? H : never>>();
  for (const h of model.hosts.values()) hostsOf.set(h.baseline, [...(hostsOf.get(h.baseline) ?? []), h]);
  for (const b of model.resolvedBaselines.values()) {
    const vars = baselineVars(hostsOf, b.name, b.variables);
    for (const f of b.files) {
      if (f.template !== undefined) problems.push(...checkTemplate(f.template, vars, ctx.locate(f.source.file, `${f.source.pointer}/template`), `baseline '${b.name}', file ${f.path}`));
    }
  }
  for (const r of model.remediations.values()) {
    r.action?.files?.forEach((f, i) => {
      if (f.template === undefined) return;
      // A remediation may reach any host, so it may only use variables that every baseline provides.
      const all = [...model.resolvedBaselines.values()].map((b) => baselineVars(hostsOf, b.name, b.variables));
      const vars = new Set([...(all[0] ?? [])].filter((v) => all.every((s) => s.has(v))));
      problems.push(...checkTemplate(f.template, vars, ctx.locate(r.source.file, `/action/files/${i}/template`), `remediation '${r.id}', file ${f.path}`));
    });
  }
  return problems;
}
