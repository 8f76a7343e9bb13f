import { csaf } from './csaf/index.js';
import { debianTracker } from './debian-tracker/index.js';
import type { AdvisoryFormat } from './format.js';
import { osv } from './osv/index.js';

/** Registered by hand. Detection tries them in this order: the most specific shape first. */
export const FORMATS: readonly AdvisoryFormat[] = [csaf, osv, debianTracker];

export function formatById(id: string): AdvisoryFormat | undefined {
  return FORMATS.find((f) => f.id === id);
}

/** The format a parsed input is in, or undefined when none recognizes it. */
export function detectFormat(value: unknown): AdvisoryFormat | undefined {
  return FORMATS.find((f) => f.detect(value));
}

export type { AdvisoryFormat } from './format.js';
