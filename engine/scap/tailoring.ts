import { ScapContentInvalid } from '../errors/scap.js';
import { readProfile, type XccdfProfile } from './xccdf.js';
import { childrenOf, NS, type XmlElement } from './xml.js';

/**
 * An XCCDF 1.2 tailoring file (what `oscap xccdf eval --tailoring-file` reads, and SCAP Workbench writes): profiles
 * that extend the benchmark's, selecting more or fewer rules and refining values, without touching the content.
 */
export function readTailoring(root: XmlElement, file: string): Map<string, XccdfProfile> {
  if (root.name !== 'Tailoring' || root.ns !== NS.xccdf) throw new ScapContentInvalid(file, `not an XCCDF 1.2 tailoring file: the root is <${root.name}>`);
  const out = new Map<string, XccdfProfile>();
  for (const p of childrenOf(root, 'Profile', NS.xccdf)) {
    const profile = readProfile(p);
    out.set(profile.id, profile);
  }
  return out;
}
