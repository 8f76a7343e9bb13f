import type { DataStream } from '../../engine/scap/datastream.js';
import { entity, memberObjects, objectOf, statesOf, testKind, variableValues, type OvalDocument } from '../../engine/scap/oval.js';
import type { XccdfRule } from '../../engine/scap/xccdf.js';
import type { XmlElement } from '../../engine/scap/xml.js';

/**
 * Breaking a host rule by rule, from each rule's own OVAL check (not from plumb's mapping of it): every test of the
 * rule's definition is read for what it looks at — the package a dpkginfo test names, the keyword a sshd_config
 * pattern captures, the sysctl a sysctl test reads, the file a file test examines — and made to fail. Packages that
 * must be absent are faked with a minimal .deb of that name. The result is one shell script, plus the fake packages
 * it needs. Keys of the kernel shared by every lab host (fs.*, kernel.*) are broken in the boot configuration only.
 */
export interface Breakage {
  script: string[];
  fakePackages: string[];
  /** What was broken per rule, for the test output. */
  perRule: Map<string, string[]>;
}

// openssh-server is how plumb reaches a lab host (its PID 1 is sshd): it is never removed.
const KEEP = new Set(['openssh-server']);

export function breakRules(ds: DataStream, rules: XccdfRule[], values: Map<string, string>): Breakage {
  const out: Breakage = { script: ['set -e'], fakePackages: [], perRule: new Map() };
  const seen = new Set<string>();
  for (const rule of rules) {
    if (!rule.oval) continue;
    const doc = ds.oval.get(rule.oval.href)!;
    const bound = new Map<string, string>();
    for (const e of rule.oval.exports) if (values.has(e.valueId)) bound.set(e.exportName, values.get(e.valueId)!);
    const done: string[] = [];
    for (const test of testsOf(doc, rule.oval.name)) {
      const step = breakTest(doc, test, bound);
      if (!step || seen.has(step.key)) {
        if (step) done.push(step.what);
        continue;
      }
      seen.add(step.key);
      out.script.push(...step.sh);
      if (step.fake) out.fakePackages.push(step.fake);
      done.push(step.what);
    }
    out.perRule.set(rule.id, done);
  }
  return out;
}

function testsOf(doc: OvalDocument, defId: string, depth = 0): XmlElement[] {
  const def = doc.definitions.get(defId);
  if (!def || depth > 16) return [];
  const walk = (el: XmlElement): XmlElement[] =>
    el.children.flatMap((c) => {
      if (c.name === 'criterion') return doc.tests.get(c.attrs.test_ref ?? '') ? [doc.tests.get(c.attrs.test_ref ?? '')!] : [];
      if (c.name === 'extend_definition') return testsOf(doc, c.attrs.definition_ref ?? '', depth + 1);
      if (c.name === 'criteria') return walk(c);
      return [];
    });
  return walk(def);
}

type Step = { key: string; what: string; sh: string[]; fake?: string };

function breakTest(doc: OvalDocument, test: XmlElement, bound: Map<string, string>): Step | undefined {
  const kind = testKind(test);
  const obj = objectOf(doc, test);
  if (!obj) return undefined;
  if (kind === 'dpkginfo') {
    const name = entity(obj, 'name')?.text.trim();
    if (!name || KEEP.has(name) || statesOf(doc, test).length) return undefined;
    if (test.attrs.check_existence === 'none_exist') return { key: `pkg+${name}`, what: `install a package named ${name}`, sh: [], fake: name };
    return { key: `pkg-${name}`, what: `purge ${name}`, sh: [`dpkg --purge ${name} >/dev/null 2>&1 || true`] };
  }
  if (kind === 'sysctl') {
    const key = entity(obj, 'name')?.text.trim();
    if (!key) return undefined;
    const want = stateValue(doc, statesOf(doc, test)[0], 'value', bound);
    const wrong = want === '0' ? '1' : '0';
    // Only the network namespace's own keys may change here: fs.* and kernel.* belong to the control machine.
    if (!key.startsWith('net.')) return { key: `sysctl-${key}`, what: `leave the shared kernel's running ${key} alone`, sh: [] };
    return { key: `sysctl-${key}`, what: `${key}=${wrong} now`, sh: [`sysctl -q -w ${key}=${wrong}`] };
  }
  if (kind === 'textfilecontent54') {
    const members = memberObjects(doc, obj);
    const pattern = entity(members[0]!, 'pattern')?.text ?? '';
    const file = entity(members[0]!, 'filepath')?.text.trim();
    const sysctl = /^\^\[\\s\]\*([a-z0-9_.]+)\[\\s\]\*=/.exec(pattern);
    if (sysctl) {
      const want = stateValue(doc, statesOf(doc, test)[0], 'subexpression', bound) ?? '1';
      const wrong = want === '0' ? '1' : '0';
      return { key: `sysctlconf-${sysctl[1]}`, what: `${sysctl[1]} = ${wrong} in /etc/sysctl.d`, sh: [`echo '${sysctl[1]} = ${wrong}' >> /etc/sysctl.d/00-plumb-break.conf`] };
    }
    const kw = /\(\?i\)([A-Za-z][A-Za-z0-9]*)/.exec(pattern)?.[1];
    if (file === '/etc/ssh/sshd_config' && kw) {
      const want = stateValue(doc, statesOf(doc, test)[0], 'subexpression', bound)?.replace(/^\^|\$$/g, '') ?? '';
      const wrong = /^no$/i.test(want) ? 'yes' : /^yes$/i.test(want) ? 'no' : /^\d+$/.test(want) ? String(Number(want) + 7) : 'yes';
      // Before the Include line, so that sshd and every reader see it first.
      return { key: `sshd-${kw}`, what: `${kw} ${wrong} in sshd_config`, sh: [`sed -i '1i ${kw} ${wrong}' /etc/ssh/sshd_config`] };
    }
    if (/install\\s\+/.test(pattern)) return { key: `modprobe-${pattern}`, what: 'no install line (the fresh state)', sh: [] };
    return undefined;
  }
  if (kind === 'file') {
    const path = entity(obj, 'filepath')?.text.trim();
    if (!path || !path.startsWith('/')) return undefined;
    // Every attribute at once: a wrong mode and a wrong owner, so that both must be reported.
    return { key: `file-${path}`, what: `${path} 0666 nobody:nogroup`, sh: [`chmod 0666 ${path}`, `chown nobody:nogroup ${path}`] };
  }
  if (kind === 'systemdunitdependency') {
    const unit = statesOf(doc, test).map((s) => entity(s, 'dependency')?.text.trim()).find(Boolean);
    return unit ? { key: `unit-${unit}`, what: `disable ${unit}`, sh: [`systemctl --root=/ disable ${unit} >/dev/null 2>&1 || true`] } : undefined;
  }
  return undefined;
}

function stateValue(doc: OvalDocument, state: XmlElement | undefined, name: string, bound: Map<string, string>): string | undefined {
  const e = state && entity(state, name);
  if (!e) return undefined;
  if (e.attrs.var_ref) return variableValues(doc, e.attrs.var_ref, bound)?.[0];
  return e.text.trim();
}
