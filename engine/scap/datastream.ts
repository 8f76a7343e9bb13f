import { ScapContentInvalid } from '../errors/scap.js';
import { readOval, type OvalDocument } from './oval.js';
import { readBenchmark, type Benchmark } from './xccdf.js';
import { childOf, childrenOf, descendants, NS, type XmlElement } from './xml.js';

/**
 * A SCAP 1.3 source data stream: one `ds:data-stream` naming its checklist (the XCCDF benchmark), its checks (OVAL)
 * and its dictionary (CPE), each a `ds:component` of the collection. The benchmark's check references name files
 * ("ssg-debian11-oval.xml"); the checklist's catalog maps those names to component references, as oscap resolves them.
 */
export interface DataStream {
  file: string;
  id: string;
  scapVersion: string;
  /** The id of the component holding the benchmark: results refer to it (`<benchmark href="#…">`). */
  checklistComponent: string;
  benchmark: Benchmark;
  /** OVAL documents by the name the benchmark's checks use (href). */
  oval: Map<string, OvalDocument>;
  /** CPE names of the dictionary → the OVAL definition that decides them (name, in which OVAL href). */
  cpe: Map<string, { title: string; check?: { href: string; name: string } }>;
  /** Platform ids of the benchmark's platform-specification → the CPE names all of which must hold (AND of fact-refs). */
  platformSpecs: Map<string, { names: string[]; operator: string }>;
}

export function readDataStream(root: XmlElement, file: string): DataStream {
  if (root.name !== 'data-stream-collection' || root.ns !== NS.ds) {
    throw new ScapContentInvalid(file, `not a SCAP source data stream: the root is <${root.name}>${root.ns ? ` in ${root.ns}` : ''}`);
  }
  const streams = childrenOf(root, 'data-stream', NS.ds);
  const stream = streams[0];
  if (!stream) throw new ScapContentInvalid(file, 'the collection holds no ds:data-stream');
  const components = new Map<string, XmlElement>();
  for (const c of childrenOf(root, 'component', NS.ds)) if (c.attrs.id) components.set(c.attrs.id, c);
  // component-ref id → the component it points at (xlink:href="#component-id"); external references are refused.
  const refs = new Map<string, XmlElement>();
  for (const section of ['dictionaries', 'checklists', 'checks']) {
    for (const r of childrenOf(childOf(stream, section, NS.ds) ?? emptyEl, 'component-ref', NS.ds)) {
      const href = r.attrs['xlink:href'] ?? '';
      if (!href.startsWith('#')) throw new ScapContentInvalid(file, `component reference ${r.attrs.id} points outside the file (${href}): only self-contained data streams are read`);
      const comp = components.get(href.slice(1));
      if (!comp) throw new ScapContentInvalid(file, `component reference ${r.attrs.id} names a missing component ${href}`);
      refs.set(r.attrs.id ?? '', comp);
    }
  }
  const checklist = childrenOf(childOf(stream, 'checklists', NS.ds) ?? emptyEl, 'component-ref', NS.ds)[0];
  if (!checklist) throw new ScapContentInvalid(file, 'the data stream has no checklist (XCCDF benchmark)');
  const checklistComp = refs.get(checklist.attrs.id ?? '');
  const benchEl = checklistComp?.children.find((c) => c.name === 'Benchmark');
  if (!benchEl) throw new ScapContentInvalid(file, 'the checklist component holds no XCCDF 1.2 Benchmark');
  const benchmark = readBenchmark(benchEl, file);
  const oval = new Map<string, OvalDocument>();
  // The checklist's catalog names the rules' OVAL; the dictionary's names the CPE checks' OVAL.
  const catalogs = ['checklists', 'dictionaries'].flatMap((s) => childrenOf(childOf(stream, s, NS.ds) ?? emptyEl, 'component-ref', NS.ds));
  for (const cat of catalogs.flatMap((c) => [...descendants(c, 'uri')])) {
    if (oval.has(cat.attrs.name ?? '')) continue;
    const comp = refs.get((cat.attrs.uri ?? '').replace(/^#/, ''));
    const defs = comp?.children.find((c) => c.name === 'oval_definitions' && c.ns === NS.oval);
    if (defs && cat.attrs.name) oval.set(cat.attrs.name, readOval(defs, `${file}#${cat.attrs.name}`));
  }
  const cpe = new Map<string, { title: string; check?: { href: string; name: string } }>();
  for (const comp of components.values()) {
    const list = comp.children.find((c) => c.name === 'cpe-list' && c.ns === NS.cpeDict);
    if (!list) continue;
    for (const item of childrenOf(list, 'cpe-item', NS.cpeDict)) {
      const check = childOf(item, 'check', NS.cpeDict);
      cpe.set(item.attrs.name ?? '', {
        title: childOf(item, 'title', NS.cpeDict)?.text.trim() ?? '',
        check: check && check.attrs.system === NS.oval ? { href: check.attrs.href ?? '', name: check.text.trim() } : undefined,
      });
    }
  }
  const platformSpecs = new Map<string, { names: string[]; operator: string }>();
  for (const p of descendants(benchEl, 'platform', NS.cpeLang)) {
    const test = childOf(p, 'logical-test', NS.cpeLang);
    platformSpecs.set(p.attrs.id ?? '', { names: test ? [...descendants(test, 'fact-ref', NS.cpeLang)].map((f) => f.attrs.name ?? '') : [], operator: test?.attrs.operator ?? 'AND' });
  }
  return { file, id: stream.attrs.id ?? '', scapVersion: stream.attrs['scap-version'] ?? '', checklistComponent: checklistComp?.attrs.id ?? '', benchmark, oval, cpe, platformSpecs };
}

const emptyEl: XmlElement = { name: '', ns: '', attrs: {}, children: [], text: '', line: 0 };
