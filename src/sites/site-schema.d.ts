// Types of site-schema.js, the validators generated from site.schema.json (scripts/site-schema-code.ts).
import type { ValidateFunction } from 'ajv';

export const validateShape: ValidateFunction;
export const validateStep: Record<'click' | 'waitFor' | 'type' | 'sleep', ValidateFunction>;
