// Generates engine/model/types.generated.ts from the JSON Schemas, which are the contract.
// `npm run gen:types` rewrites it; engine/model/schema.test.ts fails when the two drift apart.
import { writeFileSync } from 'node:fs';
import { generateSchemaTypes } from './schema-types.mjs';

const out = new URL('../model/types.generated.ts', import.meta.url);
writeFileSync(out, await generateSchemaTypes());
console.log('wrote engine/model/types.generated.ts');
