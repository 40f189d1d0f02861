// `grid-run/detect`: what a detector module (`--detector FILE`) imports to name fields as site
// lists do. Bundled into the detector's script, so it runs in the page.
export { selectorPath } from './selector-path-of.ts';
export { isVisible } from './visibility.ts';
export type { Detection } from '../types.ts';
