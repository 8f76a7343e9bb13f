import YAML, { Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import type { ProposalGroup } from '../../advisories/propose.js';
import type { RemediationDocument } from '../../model/types.generated.js';

/**
 * A proposed remediation as a person would have written it: a header comment, block style for the document,
 * flow style for small records, and versions always quoted (YAML 1.1 readers take `1:2.0` for a number).
 */
export function remediationYaml(doc: RemediationDocument, g: ProposalGroup, now: Date): string {
  const d = new YAML.Document(doc);
  d.commentBefore = ` Proposed by plumb propose on ${now.toISOString().slice(0, 10)} for ${g.sourcePackage} on ${g.os} ${g.release}.\n Review it, then approve it per ring with a record under remediations/approvals/.`;
  const flow = (path: Array<string | number>) => {
    const n = d.getIn(path, true) as YAMLMap | YAMLSeq | undefined;
    if (n) n.flow = true;
  };
  const quote = (path: Array<string | number>) => {
    const n = d.getIn(path, true);
    if (n instanceof Scalar) n.type = Scalar.QUOTE_DOUBLE;
  };
  flow(['advisories']);
  doc.selector.platforms?.forEach((_, i) => {
    flow(['selector', 'platforms', i]);
    quote(['selector', 'platforms', i, 'versions']);
  });
  flow(['selector', 'package']);
  quote(['selector', 'package', 'affected']);
  doc.action?.packages?.forEach((_, i) => {
    flow(['action', 'packages', i]);
    quote(['action', 'packages', i, 'version']);
  });
  return d.toString({ lineWidth: 0 });
}

/** remediations/PLB-2026-0004-openssl.yaml */
export function remediationPath(id: string, source: string): string {
  return `remediations/${id}-${source.replace(/[^A-Za-z0-9._-]/g, '-')}.yaml`;
}
