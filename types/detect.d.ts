// Types of `grid-run/detect` for detector modules (the code: src/detect/public.ts, bundled into
// the detector by grid-run). Written out so that a user's tsconfig needs no TypeScript-source
// imports; test/detect/public-types.ts keeps them equal to the source's.

/** A detector's answer: what `detect()` returns (src/types.ts). */
export type Detection = {
  login: boolean;
  step: 'full' | 'username-first' | 'password-only' | 'none';
  username: string | null;
  password: string | null;
  submit: string | null;
  confidence: number;
  signals: string[];
};

/**
 * The selector path of `element` as site lists write it, from the document the detector runs
 * in: CSS segments joined by ` >>> ` through open shadow roots and same-origin frames.
 */
export declare function selectorPath(element: Element): string;

/** Whether a person could see and use `element` now (grid-run's own visibility test). */
export declare function isVisible(element: Element): boolean;
