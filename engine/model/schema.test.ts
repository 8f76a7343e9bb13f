import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM build script without types
import { generateSchemaTypes } from '../build/schema-types.mjs';

describe('schemas and TypeScript types', () => {
  it('types.generated.ts is exactly what the schemas generate (run `npm run gen:types` after editing a schema)', async () => {
    const committed = readFileSync(new URL('./types.generated.ts', import.meta.url), 'utf8');
    expect(committed).toBe(await generateSchemaTypes());
  });
});
