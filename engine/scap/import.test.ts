import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateDocument } from '../model/validate.js';
import { parseYaml } from '../model/yaml.js';
import { baselineDocument, renderBaseline } from './baseline-doc.js';
import { importScap } from './import.js';

const text = readFileSync(new URL('./fixtures/mini-ds.xml', import.meta.url), 'utf8');
const run = (profile: string) => importScap({ datastream: { text, file: 'mini-ds.xml' }, profile });
const rule = (id: string) => `xccdf_org.example_rule_${id}`;

describe('importScap: a profile of a data stream becomes Plumbline items, read from each rule\'s OVAL check', () => {
  const r = run('xccdf_org.example_profile_base');
  const items = (id: string) => r.mapped.find((m) => m.rule.id === rule(id))?.items;

  it('maps every shape plumb can check and enforce', () => {
    expect(items('package_telnetd_removed')).toEqual([{ kind: 'package', name: 'telnetd', state: 'removed' }]);
    expect(items('sshd_disable_root_login')).toEqual([{ kind: 'setting', file: '/etc/ssh/sshd_config', syntax: 'space', key: 'PermitRootLogin', value: 'no' }]);
    expect(items('sysctl_suid')).toEqual([{ kind: 'sysctl', key: 'fs.suid_dumpable', value: '0' }]);
    expect(items('file_permissions_shadow')).toEqual([{ kind: 'file', path: '/etc/shadow', maxMode: '0640' }]);
    expect(items('file_groupowner_shadow')).toEqual([{ kind: 'file', path: '/etc/shadow', group: 'shadow' }]);
    expect(items('service_cron_enabled')).toEqual([{ kind: 'service', unit: 'cron.service', state: 'enabled' }, { kind: 'package', name: 'cron', state: 'installed' }]);
    expect(items('kernel_module_rds_disabled')).toEqual([{ kind: 'kernel-module', name: 'rds' }]);
  });

  it('folds the profile\'s values into the check: sshd "not required" is decided at import, the guard is noted', () => {
    const m = r.mapped.find((x) => x.rule.id === rule('sshd_disable_root_login'))!;
    expect(m.guard).toMatch(/openssh-server is installed/);
  });

  it('honours refine-value, through a profile that extends another', () => {
    expect(items('sshd_max_auth_tries')).toEqual([expect.objectContaining({ key: 'MaxAuthTries', value: '4' })]);
    const strict = run('xccdf_org.example_profile_strict');
    expect(strict.mapped.find((m) => m.rule.id === rule('sshd_max_auth_tries'))!.items).toEqual([expect.objectContaining({ value: '2' })]);
    // The child deselects a rule its parent selected.
    expect(strict.mapped.some((m) => m.rule.id === rule('package_telnetd_removed'))).toBe(false);
  });

  it('honours a tailoring file: more rules, other values, the content untouched', () => {
    const tailoring = `<?xml version="1.0"?>
<xccdf:Tailoring xmlns:xccdf="http://checklists.nist.gov/xccdf/1.2" id="xccdf_org.example_tailoring_t">
  <xccdf:benchmark href="mini-ds.xml"/>
  <xccdf:version time="2026-01-01T00:00:00">1</xccdf:version>
  <xccdf:Profile id="xccdf_org.example_profile_tailored" extends="xccdf_org.example_profile_strict">
    <xccdf:title>Tailored</xccdf:title>
    <xccdf:select idref="xccdf_org.example_rule_package_telnetd_removed" selected="true"/>
    <xccdf:set-value idref="xccdf_org.example_value_max_auth_tries">3</xccdf:set-value>
  </xccdf:Profile>
</xccdf:Tailoring>`;
    const t = importScap({ datastream: { text, file: 'mini-ds.xml' }, tailoring: { text: tailoring, file: 't.xml' }, profile: 'xccdf_org.example_profile_tailored' });
    expect(t.mapped.find((m) => m.rule.id === rule('sshd_max_auth_tries'))!.items).toEqual([expect.objectContaining({ value: '3' })]);
    expect(t.mapped.some((m) => m.rule.id === rule('package_telnetd_removed'))).toBe(true);
    expect(t.tailoring).toMatchObject({ file: 't.xml', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('lists every rule it cannot map, with the reason; none is dropped', () => {
    expect(r.mapped.length + r.unmapped.length).toBe(10);
    expect(r.unmapped.map((u) => [u.rule.id, u.reason])).toEqual([
      [rule('partition_tmp'), expect.stringMatching(/partition on \/tmp/)],
      [rule('manual'), expect.stringMatching(/OCIL/)],
    ]);
  });

  it('keeps provenance: rule id, CCE, NIST SP 800-53 controls, checks; the data stream and benchmark version', () => {
    const doc = baselineDocument(r, { name: 'mini' });
    expect(doc.scap).toMatchObject({ datastream: 'mini-ds.xml', benchmark: 'xccdf_org.example_benchmark_MINI', version: '1.2.3', profile: 'xccdf_org.example_profile_base' });
    expect(doc.scap!.rules[0]).toEqual({ id: rule('package_telnetd_removed'), title: 'Uninstall the telnet server', severity: 'high', cce: ['CCE-80000-1'], nist: ['CM-7(a)', 'CM-7(b)'], checks: ['package:telnetd'] });
    expect(doc.scap!.rules.find((x) => x.id === rule('file_permissions_shadow'))!.checks).toEqual(['file:/etc/shadow:mode']);
    expect(doc.scap!.values).toEqual({ 'xccdf_org.example_value_max_auth_tries': '4', 'xccdf_org.example_value_sshd_required': '0' });
    expect(doc.unmapped!.map((u) => u.rule)).toEqual([rule('partition_tmp'), rule('manual')]);
    expect(doc).toMatchObject({
      platform: { os: 'debian', versions: '= 11' },
      packages: { required: [{ name: 'cron' }], forbidden: [{ name: 'telnetd', reason: 'Uninstall the telnet server' }] },
      files: [{ path: '/etc/shadow', max_mode: '0640', group: 'shadow' }],
      settings: [{ file: '/etc/ssh/sshd_config', syntax: 'space', values: { PermitRootLogin: 'no', MaxAuthTries: '4' } }],
      services: { 'cron.service': 'enabled' },
      sysctl: { 'fs.suid_dumpable': '0' },
      kernel_modules: { rds: 'disabled' },
    });
  });

  it('writes YAML that validates as a baseline', () => {
    const yaml = renderBaseline(baselineDocument(r, { name: 'mini', platformVersions: '>= 11' }), r, 'plumb import scap mini-ds.xml --profile base');
    const parsed = parseYaml('baselines/mini.yaml', Buffer.from(yaml));
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(validateDocument('baseline', parsed.doc)).toEqual([]);
    expect(yaml).toMatch(/^# Generated by: plumb import scap/);
  });

  it('refuses an unknown profile with the known ones in the hint', () => {
    try {
      run('nope');
      expect.unreachable();
    } catch (e) {
      expect((e as { code: string; hint: string }).code).toBe('E_SCAP_PROFILE');
      expect((e as { hint: string }).hint).toMatch(/example_profile_base/);
    }
  });

  it('refuses a data stream whose components point outside the file', () => {
    const outside = text.replace('xlink:href="#scap_test_comp_oval"', 'xlink:href="http://attacker.example/oval.xml"');
    expect(() => importScap({ datastream: { text: outside, file: 'x.xml' }, profile: 'xccdf_org.example_profile_base' })).toThrow(expect.objectContaining({ code: 'E_SCAP_CONTENT' }));
  });

  it('a value that would put a shell metacharacter into a baseline never validates', () => {
    const evil = text.replace('<value selector="4">4</value>', '<value selector="4">4; rm -rf /&#10;x</value>');
    const e = importScap({ datastream: { text: evil, file: 'x.xml' }, profile: 'xccdf_org.example_profile_base' });
    const yaml = renderBaseline(baselineDocument(e, { name: 'evil' }), e, 'x');
    const parsed = parseYaml('baselines/evil.yaml', Buffer.from(yaml));
    expect(parsed.ok && validateDocument('baseline', parsed.doc).map((p) => p.pointer)).toContain('/settings/0/values/MaxAuthTries');
  });
});
