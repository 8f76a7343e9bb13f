import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LabNotUp, LabUnknownHost } from '../errors/lab.js';
import { DEFAULT_LAB, labNames, labRoots, type LabNames, type LabRoots } from './config.js';
import { readJson, writeJson } from './disk.js';
import type { LabHost, LabInfo } from './types.js';

/** lab.json: the record of one lab, written at every step of `up` so that an interrupted `up` still leaves a trail. */

export interface LabRef {
  name?: string;
  stateDir?: string;
  cacheDir?: string;
}

export function resolveLab(ref: LabRef = {}): { roots: LabRoots; names: LabNames } {
  const roots = labRoots(ref);
  return { roots, names: labNames(ref.name ?? DEFAULT_LAB, roots) };
}

export function readLabFile(names: LabNames): LabInfo | null {
  return readJson<LabInfo>(names.labJson);
}

export function writeLabFile(names: LabNames, info: LabInfo): void {
  writeJson(names.labJson, info);
}

/** The record of a lab that is up; fails with LabNotUp otherwise. */
export function readLab(ref: LabRef | string = {}): LabInfo {
  const r = typeof ref === 'string' ? { name: ref } : ref;
  const { names } = resolveLab(r);
  const info = readLabFile(names);
  if (!info || info.status !== 'up') throw new LabNotUp(names.name);
  return info;
}

export function findHost(info: LabInfo, host: string): LabHost {
  const h = info.hosts.find((x) => x.name === host || x.address === host);
  if (!h) throw new LabUnknownHost(info.name, host, info.hosts.map((x) => x.name));
  return h;
}

/** Names of the labs that have a state directory or a lock under the state root. */
export function listLabNames(roots: LabRoots): string[] {
  if (!existsSync(roots.stateRoot)) return [];
  const names = new Set<string>();
  for (const e of readdirSync(roots.stateRoot)) {
    if (e.endsWith('.lock')) names.add(e.slice(0, -5));
    else if (existsSync(join(roots.stateRoot, e, 'lab.json'))) names.add(e);
  }
  return [...names].filter((n) => /^[a-z][a-z0-9-]{0,30}$/.test(n)).sort();
}
