import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generatedFile, siteSchemaCode } from '../../scripts/site-schema-code.ts';
import { STEP_KINDS } from '../../src/sites/validate.ts';
import { validateShape, validateStep } from '../../src/sites/site-schema.js';

describe('site schema: the validators compiled ahead', () => {
  it('src/sites/site-schema.js is what site.schema.json makes now (else: node scripts/site-schema-code.ts --write)', () => {
    assert.equal(readFileSync(generatedFile, 'utf8'), siteSchemaCode());
  });

  it('has a validator for each step kind the loader knows, and they judge as the schema says', () => {
    assert.deepEqual(Object.keys(validateStep).sort(), [...STEP_KINDS].sort());
    assert.equal(validateShape({ id: 'a', url: 'https://example.test/' }), true);
    assert.equal(validateShape({ id: 'a' }), false);
    assert.deepEqual(
      validateShape.errors?.map((e) => [e.keyword, e.params]),
      [['required', { missingProperty: 'url' }]],
    );
    assert.equal(validateStep.sleep({ sleep: -1 }), false);
    assert.equal(validateStep.click({ click: 'form > button' }), true);
  });
});
