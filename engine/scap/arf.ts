import type { DataStream } from './datastream.js';
import type { RuleVerdict } from './verdicts.js';
import { escapeXml as x } from './xml.js';

export interface ArfHost {
  name: string;
  address: string;
  /** When the facts were gathered (the evaluation time). */
  time: string;
  profile: string;
  verdicts: RuleVerdict[];
}

export interface ArfInput {
  ds: DataStream;
  /** The source data stream's text, embedded as the report request (what oscap does, and what its readers expect). */
  datastreamText: string;
  hosts: ArfHost[];
  /** `plumb --version`, for test-system. */
  version: string;
}

const NS = {
  arf: 'http://scap.nist.gov/schema/asset-reporting-format/1.1',
  core: 'http://scap.nist.gov/schema/reporting-core/1.1',
  ai: 'http://scap.nist.gov/schema/asset-identification/1.1',
  xccdf: 'http://checklists.nist.gov/xccdf/1.2',
};

/**
 * An ARF 1.1 result data stream of plumb's verdicts, as oscap writes one: the source data stream as the report
 * request, one asset per host (hostname, address), one XCCDF 1.2 TestResult per host with a rule-result for every
 * rule of the benchmark (notselected for rules outside the profile, notchecked for rules plumb cannot map) and a flat
 * score. Pure; `oscap info` and `oscap ds rds-validate` read it (test/scap/arf.test.ts).
 */
export function renderArf(input: ArfInput): string {
  const out: string[] = [];
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push(`<arf:asset-report-collection xmlns:arf="${NS.arf}" xmlns:core="${NS.core}" xmlns:ai="${NS.ai}">`);
  out.push('  <core:relationships xmlns:arfvocab="http://scap.nist.gov/specifications/arf/vocabulary/relationships/1.0#">');
  input.hosts.forEach((_, i) => {
    out.push(`    <core:relationship type="arfvocab:createdFor" subject="xccdf${i + 1}"><core:ref>collection1</core:ref></core:relationship>`);
    out.push(`    <core:relationship type="arfvocab:isAbout" subject="xccdf${i + 1}"><core:ref>asset${i}</core:ref></core:relationship>`);
  });
  out.push('  </core:relationships>');
  out.push('  <arf:report-requests>');
  out.push('    <arf:report-request id="collection1">');
  out.push('      <arf:content>');
  out.push(input.datastreamText.replace(/^\uFEFF?<\?xml[^>]*\?>\s*/, ''));
  out.push('      </arf:content>');
  out.push('    </arf:report-request>');
  out.push('  </arf:report-requests>');
  out.push('  <arf:assets>');
  input.hosts.forEach((h, i) => {
    const ip = /^[0-9]{1,3}(\.[0-9]{1,3}){3}$/.test(h.address) ? `<ai:ip-v4>${x(h.address)}</ai:ip-v4>` : /:/.test(h.address) ? `<ai:ip-v6>${x(h.address)}</ai:ip-v6>` : '';
    out.push(`    <arf:asset id="asset${i}">`);
    out.push('      <ai:computing-device>');
    if (ip) out.push(`        <ai:connections><ai:connection><ai:ip-address>${ip}</ai:ip-address></ai:connection></ai:connections>`);
    out.push(`        <ai:hostname>${x(h.name)}</ai:hostname>`);
    out.push('      </ai:computing-device>');
    out.push('    </arf:asset>');
  });
  out.push('  </arf:assets>');
  out.push('  <arf:reports>');
  input.hosts.forEach((h, i) => {
    out.push(`    <arf:report id="xccdf${i + 1}">`);
    out.push('      <arf:content>');
    out.push(testResult(input, h));
    out.push('      </arf:content>');
    out.push('    </arf:report>');
  });
  out.push('  </arf:reports>');
  out.push('</arf:asset-report-collection>');
  return `${out.join('\n')}\n`;
}

function testResult(input: ArfInput, h: ArfHost): string {
  const { ds } = input;
  const time = isoSeconds(h.time);
  const byRule = new Map(h.verdicts.map((v) => [v.rule, v]));
  const lines: string[] = [];
  const id = `xccdf_org.plumbline_testresult_${h.name.replace(/[^A-Za-z0-9._-]/g, '_')}_${h.profile.replace(/^xccdf_[^_]+_profile_/, '').replace(/[^A-Za-z0-9._-]/g, '_')}`;
  lines.push(`        <TestResult xmlns="${NS.xccdf}" id="${x(id)}" start-time="${time}" end-time="${time}" version="${x(ds.benchmark.version)}" test-system="cpe:/a:plumbline:plumbline:${x(input.version)}">`);
  lines.push(`          <benchmark href="#${x(ds.checklistComponent)}" id="${x(ds.benchmark.id)}"/>`);
  lines.push('          <title>Plumbline verdicts</title>');
  lines.push(`          <profile idref="${x(h.profile)}"/>`);
  lines.push(`          <target>${x(h.name)}</target>`);
  if (h.address) lines.push(`          <target-address>${x(h.address)}</target-address>`);
  lines.push('          <target-facts>');
  lines.push('            <fact name="urn:xccdf:fact:scanner:name" type="string">Plumbline</fact>');
  lines.push(`            <fact name="urn:xccdf:fact:scanner:version" type="string">${x(input.version)}</fact>`);
  lines.push(`            <fact name="urn:xccdf:fact:asset:identifier:host_name" type="string">${x(h.name)}</fact>`);
  lines.push('          </target-facts>');
  let passed = 0;
  let judged = 0;
  for (const rule of ds.benchmark.rules.values()) {
    const v = byRule.get(rule.id);
    const result = v?.result ?? 'notselected';
    if (result === 'pass') passed++;
    if (result === 'pass' || result === 'fail') judged++;
    lines.push(`          <rule-result idref="${x(rule.id)}" role="full" time="${time}" severity="${x(rule.severity)}" weight="1.000000">`);
    lines.push(`            <result>${result}</result>`);
    for (const c of rule.cce) lines.push(`            <ident system="https://ncp.nist.gov/cce">${x(c)}</ident>`);
    if (v) for (const m of messages(v)) lines.push(`            <message severity="info">${x(m)}</message>`);
    lines.push('          </rule-result>');
  }
  lines.push(`          <score system="urn:xccdf:scoring:flat" maximum="${judged.toFixed(6)}">${passed.toFixed(6)}</score>`);
  lines.push('        </TestResult>');
  return lines.join('\n');
}

function messages(v: RuleVerdict): string[] {
  if (v.result === 'notchecked' || v.result === 'notapplicable') return v.reason ? [v.reason] : [];
  return v.checks.filter((c) => c.result !== 'pass').map((c) => `${c.check}: ${c.message ?? c.result}`);
}

/** XCCDF wants xsd:dateTime; facts carry ISO 8601 with Z. */
function isoSeconds(t: string): string {
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00') : d.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}
