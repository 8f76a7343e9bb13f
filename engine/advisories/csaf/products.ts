import { isObject, PACKAGE_NAME_RE } from '../check.js';
import { parseDistro, parseOsCpe, parsePurl, schemeOfOs, type SchemeName } from '../ecosystem.js';
import type { Ecosystem } from '../types.js';

/**
 * The CSAF product tree, read into what plumb can match: which distribution package (name, version, release)
 * each product id stands for. A product is a package when it carries a deb/rpm purl, or — in Red Hat's older
 * documents — when it sits under an `architecture` branch and its name is an RPM NEVRA. Its release comes from
 * the purl's `distro` qualifier or from the OS product it is a component of (a relationship) and that product's CPE.
 */

export interface ProductNode {
  id: string;
  name: string;
  purl?: string;
  cpe?: string;
  /** Categories of the branches above it: vendor, product_family, architecture … */
  branchCategories: string[];
}

export interface PackageIdentity {
  ecosystem: Ecosystem;
  name: string;
  kind: 'source' | 'binary';
  scheme: SchemeName;
  /** Absent for a versionless product ("kernel in RHEL 9"): the statement is about every version. */
  version?: string;
}

export interface ProductTree {
  nodes: Map<string, ProductNode>;
  /** product id of a relationship → [component id, platform id] */
  relationships: Map<string, [string, string]>;
}

const MAX_BRANCH_DEPTH = 30;

export function readProductTree(tree: unknown): ProductTree {
  const nodes = new Map<string, ProductNode>();
  const relationships = new Map<string, [string, string]>();
  const addProduct = (p: unknown, categories: string[]) => {
    if (!isObject(p) || typeof p.product_id !== 'string') return;
    const helper = isObject(p.product_identification_helper) ? p.product_identification_helper : {};
    nodes.set(p.product_id, {
      id: p.product_id,
      name: typeof p.name === 'string' ? p.name : p.product_id,
      ...(typeof helper.purl === 'string' ? { purl: helper.purl } : {}),
      ...(typeof helper.cpe === 'string' ? { cpe: helper.cpe } : {}),
      branchCategories: categories,
    });
  };
  const walk = (branches: unknown, categories: string[]) => {
    if (!Array.isArray(branches) || categories.length > MAX_BRANCH_DEPTH) return;
    for (const b of branches) {
      if (!isObject(b)) continue;
      const cats = [...categories, String(b.category)];
      addProduct(b.product, cats);
      walk(b.branches, cats);
    }
  };
  if (isObject(tree)) {
    walk(tree.branches, []);
    if (Array.isArray(tree.full_product_names)) for (const p of tree.full_product_names) addProduct(p, []);
    if (Array.isArray(tree.relationships)) {
      for (const r of tree.relationships) {
        if (!isObject(r) || !isObject(r.full_product_name)) continue;
        addProduct(r.full_product_name, []);
        const id = r.full_product_name.product_id;
        if (typeof id === 'string' && typeof r.product_reference === 'string' && typeof r.relates_to_product_reference === 'string') {
          relationships.set(id, [r.product_reference, r.relates_to_product_reference]);
        }
      }
    }
  }
  return { nodes, relationships };
}

/** The package a product id stands for, or undefined when it is not a distribution package plumb can match. */
export function packageOf(tree: ProductTree, productId: string): PackageIdentity | undefined {
  const rel = tree.relationships.get(productId);
  if (rel) {
    const component = tree.nodes.get(rel[0]);
    const platform = tree.nodes.get(rel[1]);
    if (!component) return undefined;
    const pkg = componentPackage(component);
    if (!pkg) return undefined;
    const eco = pkg.ecosystem ?? (platform ? platformRelease(platform) : undefined);
    if (!eco || schemeOfOs(eco.os) !== pkg.scheme) return undefined;
    return { ...pkg, ecosystem: eco };
  }
  const node = tree.nodes.get(productId);
  if (!node) return undefined;
  const pkg = componentPackage(node);
  if (!pkg?.ecosystem || schemeOfOs(pkg.ecosystem.os) !== pkg.scheme) return undefined;
  return { ...pkg, ecosystem: pkg.ecosystem };
}

type Partial = Omit<PackageIdentity, 'ecosystem'> & { ecosystem?: Ecosystem };

function componentPackage(node: ProductNode): Partial | undefined {
  if (node.purl) {
    const p = parsePurl(node.purl);
    if (!p || (p.type !== 'deb' && p.type !== 'rpm') || !PACKAGE_NAME_RE.test(p.name)) return undefined;
    const scheme: SchemeName = p.type;
    const arch = p.qualifiers.arch;
    const epoch = p.qualifiers.epoch;
    const version = p.version ? (scheme === 'rpm' && epoch && !p.version.includes(':') ? `${epoch}:${p.version}` : p.version) : undefined;
    const eco = parseDistro(p.namespace, p.qualifiers.distro);
    return {
      name: p.name,
      kind: arch === 'source' || arch === 'src' ? 'source' : 'binary',
      scheme,
      ...(version ? { version } : {}),
      ...(eco ? { ecosystem: eco } : {}),
    };
  }
  if (node.branchCategories.includes('architecture')) {
    const n = parseNevra(node.name);
    if (n) return { name: n.name, kind: n.arch === 'src' ? 'source' : 'binary', scheme: 'rpm', version: n.version };
  }
  return undefined;
}

function platformRelease(node: ProductNode): Ecosystem | undefined {
  if (node.cpe) return parseOsCpe(node.cpe);
  if (node.purl) {
    const p = parsePurl(node.purl);
    if (p) return parseDistro(p.namespace, p.qualifiers.distro);
  }
  return undefined;
}

/** 'telnet-server-1:0.17-65.el7_6.x86_64' → telnet-server, '1:0.17-65.el7_6', x86_64. */
export function parseNevra(s: string): { name: string; version: string; arch: string } | undefined {
  const m = /^([A-Za-z0-9][A-Za-z0-9+._-]*)-(?:(\d+):)?([A-Za-z0-9._+~^]+)-([A-Za-z0-9._+~^]+)\.([A-Za-z0-9_]+)$/.exec(s);
  if (!m) return undefined;
  const [, name, epoch, version, release, arch] = m;
  return { name: name!, version: `${epoch ? `${epoch}:` : ''}${version}-${release}`, arch: arch! };
}
