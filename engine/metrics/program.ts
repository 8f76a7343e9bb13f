import type { Problem, Provenance } from '../model/problem.js';
import type { Snapshot } from '../model/source.js';
import type { InventoryDocument, Program, Targets } from '../model/types.generated.js';
import type { Model } from '../model/types.js';
import { validateDocument } from '../model/validate.js';
import { parseYaml } from '../model/yaml.js';
import { isMetricId, TIME_IDS } from './catalog.js';
import { durationSeconds } from './time.js';
import type { MetricId, PerimeterRule, ProgramSettings, Target } from './types.js';

const SECTIONS = ['program', 'targets', 'perimeter'] as const;
type Section = (typeof SECTIONS)[number];

export const DEFAULT_EXPOSURE_TAGS = ['internet-facing'];

/**
 * The inventory's `program`, `targets` and `perimeter` sections as the metrics read them. Like rings, the board and
 * the policy, each is declared in one file only, so that one review decides it. Pure over a snapshot of the
 * inventory files (from the working tree or a commit); exposure tags come from the model's policy.
 */
export function programFromSnapshot(snapshot: Snapshot, model?: Pick<Model, 'policy'>): { settings: ProgramSettings; sources: Partial<Record<Section, Provenance>>; problems: Problem[] } {
  const problems: Problem[] = [];
  const found: Partial<Record<Section, { value: unknown; source: Provenance; locate: (pointer: string) => Provenance }>> = {};
  for (const file of snapshot.files) {
    if (!file.path.startsWith('inventory/') || file.refused) continue;
    const parsed = parseYaml(file.path, file.bytes);
    if (!parsed.ok) continue; // `plumb validate` reports unreadable files; only these sections matter here
    const value = parsed.doc.value as InventoryDocument | null;
    if (!value || typeof value !== 'object') continue;
    const present = SECTIONS.filter((s) => s in value);
    if (!present.length) continue;
    const schema = validateDocument('inventory', parsed.doc);
    for (const section of present) {
      const source: Provenance = { ...parsed.doc.locate(`/${section}`), commit: snapshot.commit };
      const own = schema.filter((p) => p.pointer === `/${section}` || p.pointer.startsWith(`/${section}/`));
      if (own.length) {
        problems.push(...own);
        continue;
      }
      const first = found[section];
      if (first) {
        problems.push({ severity: 'error', code: 'duplicate-section', message: `${section} is declared in more than one file`, hint: `one review decides it; it is declared at ${first.source.file}:${first.source.line}`, file: source.file, line: source.line, col: source.col, pointer: `/${section}` });
        continue;
      }
      found[section] = { value: (value as Record<string, unknown>)[section], source, locate: (pointer) => ({ ...parsed.doc.locate(pointer), commit: snapshot.commit }) };
    }
  }
  const program = found.program?.value as Program | undefined;
  const settings: ProgramSettings = {
    targets: targets(found.targets?.value as Targets | undefined, (id) => {
      const p = found.targets?.locate(`/targets/${id}`);
      return p ? `${p.file}:${p.line}` : undefined;
    }),
    perimeter: ((found.perimeter?.value as PerimeterRule[] | undefined) ?? []).map((r) => ({ ...r, allow: [...r.allow] })),
    exposureTags: model?.policy?.exposure_tags ?? DEFAULT_EXPOSURE_TAGS,
    serviceWeights: { ...(program?.service_weights as Record<string, number> | undefined) },
    ...(program ? { costs: costs(program) } : {}),
  };
  const sources = Object.fromEntries(SECTIONS.filter((s) => found[s]).map((s) => [s, found[s]!.source])) as Partial<Record<Section, Provenance>>;
  return { settings, sources, problems };
}

function targets(doc: Targets | undefined, where: (id: string) => string | undefined): Partial<Record<MetricId, Target>> {
  const out: Partial<Record<MetricId, Target>> = {};
  for (const [id, t] of Object.entries(doc ?? {})) {
    if (!isMetricId(id) || !t) continue;
    const time = TIME_IDS.includes(id);
    const num = (v: unknown) => (v === undefined ? undefined : time ? durationSeconds(v as string | number) : (v as number));
    const max = num((t as { max?: unknown }).max);
    const min = num((t as { min?: unknown }).min);
    out[id] = {
      ...(max !== undefined ? { max } : {}),
      ...(min !== undefined ? { min } : {}),
      ...('statistic' in t && t.statistic ? { statistic: t.statistic } : {}),
      ...('exposure' in t && t.exposure ? { exposure: t.exposure } : {}),
      ...(where(id) ? { source: where(id) } : {}),
    };
  }
  return out;
}

function costs(p: Program): NonNullable<ProgramSettings['costs']> {
  const staff = (list: Program['group']) => (list ?? []).map((s) => ({ name: s.name, ...(s.annual_cost !== undefined ? { annualCost: s.annual_cost } : { hours: s.hours, hourlyRate: s.hourly_rate }) }));
  return {
    currency: p.currency ?? 'USD',
    group: staff(p.group),
    administratorSupport: staff(p.administrator_support),
    software: (p.software ?? []).map((s) => {
      const price = s.purchase_price ?? s.upgrade_price;
      return {
        name: s.name,
        ...(s.annual_maintenance !== undefined ? { annualMaintenance: s.annual_maintenance } : {}),
        ...(price !== undefined ? { price, priceKind: s.purchase_price !== undefined ? ('purchase' as const) : ('upgrade' as const), expectedLife: s.expected_life } : {}),
      };
    }),
    failures: (p.failures ?? []).map((f) => ({ date: f.date, description: f.description, cost: f.cost, ...(f.cause ? { cause: f.cause } : {}), ...(f.system ? { system: f.system } : {}) })),
  };
}
