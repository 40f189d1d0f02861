// Type-level check (run by the type check): types/detect.d.ts, what users of `grid-run/detect`
// see, says exactly what src/detect/public.ts exports.
import type * as declared from '../../types/detect.d.ts';
import type * as source from '../../src/detect/public.ts';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const checks: [
  Equal<declared.Detection, source.Detection>,
  Equal<typeof declared.selectorPath, typeof source.selectorPath>,
  Equal<typeof declared.isVisible, typeof source.isVisible>,
] = [true, true, true];
export default checks;
