import { describe, expect, it } from 'vitest';
import { FORMATS } from '../../advisories/formats.js';
import { FORMAT_HELP } from './index.js';

describe('advisories help', () => {
  it('names every registered importer, in detection order, with its own description', () => {
    expect(FORMAT_HELP).toEqual(FORMATS.map((f) => ({ id: f.id, description: f.description })));
  });
});
