// What a loaded site keeps. A list of 100,000 sites repeats the same tags, locales, selectors,
// steps and expectations on most lines: each is kept once, shared (and frozen, so that no
// stage can change one site's through another's). Strings are kept as flat copies: the
// parser's are slices of the list's text, and one slice keeps the whole text alive.

/** A flat copy of `s` that refers to no other string. */
export function flatCopy(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}

/** One loading's shared values (one per `loadSiteLists` call; dropped with it). */
export class Keeper {
  readonly #strings = new Map<string, string>();
  readonly #values = new Map<string, unknown>();
  readonly #checks = new Map<string, string | null>();

  /** The one copy of a repeated string (a tag, a locale, a selector). */
  string(s: string): string {
    let kept = this.#strings.get(s);
    if (kept === undefined) {
      kept = flatCopy(s);
      this.#strings.set(kept, kept);
    }
    return kept;
  }

  /**
   * The one frozen copy of a plain JSON value (tags, steps, an expectation), its strings kept
   * by `string`. Two values are one when they serialise alike.
   */
  value<T>(value: T): T {
    const key = JSON.stringify(value);
    let kept = this.#values.get(key) as T | undefined;
    if (kept === undefined) {
      kept = this.#copy(value) as T;
      this.#values.set(key, kept);
    }
    return kept;
  }

  /** `check(s)`, asked once per distinct `s` (selector and locale checks repeat on every line). */
  checked(kind: string, s: string, check: (s: string) => string | null): string | null {
    const key = `${kind}\0${s}`;
    if (this.#checks.has(key)) return this.#checks.get(key)!;
    const answer = check(s);
    this.#checks.set(key, answer);
    return answer;
  }

  #copy(value: unknown): unknown {
    if (typeof value === 'string') return this.string(value);
    if (Array.isArray(value)) return Object.freeze(value.map((v) => this.#copy(v)));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.#copy(v);
      return Object.freeze(out);
    }
    return value;
  }
}
