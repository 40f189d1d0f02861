// The detector: finds the login form of a document (with its open shadow roots and
// same-origin frames) and answers with a Detection.
import type { Detection } from '../types.ts';
import { collect, type Group } from './candidates.ts';
import { joinSelectorPath } from './path-split.ts';
import { collectScopes, type CrossOriginFrame, type Scope } from './roots.ts';
import { scoreGroup, type GroupVerdict } from './score.ts';
import { uniqueSelector } from './unique-selector.ts';
import { tuckedAway } from './visibility.ts';

/** Scores at or above these make a login form; tuned on the labelled corpus. */
export const LOGIN_THRESHOLD = 5.5;
export const USERNAME_FIRST_THRESHOLD = 6.5;

export type DetectionWithMeta = Detection & {
  /** In-page time of this detection, in ms (performance.now()). */
  elapsedMs: number;
  /** Selector paths of cross-origin frames the script could not look into. */
  crossOriginFrames: string[];
};

function pathOf(el: Element, scope: Scope): string {
  return joinSelectorPath([...scope.prefix, uniqueSelector(el, scope.root)]);
}

/** A username step shows exactly one text field; anything else cannot reach the threshold. */
function mayBeUsernameStep(g: Group): boolean {
  let texts = 0;
  for (const f of g.fields) if (f.visible && f.kind === 'text' && ++texts > 1) return false;
  return texts === 1;
}

const shown = (v: GroupVerdict) => v.group.fields.some((f) => f.visible);

function passes(v: GroupVerdict): boolean {
  return v.score >= (v.kind === 'password' ? LOGIN_THRESHOLD : USERNAME_FIRST_THRESHOLD);
}

/**
 * A page that shows a sign-up form and keeps its login out of the way (hidden, or in a
 * drop-down menu) is a sign-up page as it stands: the login is a click away, not in use.
 */
function demoteTuckedLogins(verdicts: GroupVerdict[]): void {
  const onShow = (v: GroupVerdict) => v.passwords.some((p) => p.visible) && !tuckedAway(v.passwords[0]!.el);
  if (!verdicts.some((v) => v.signup && onShow(v))) return;
  for (const v of verdicts) {
    if (v.signup || !passes(v) || onShow(v)) continue;
    v.score -= 10;
    v.signals.push('login-tucked-away-beside-sign-up -10');
  }
}

export function detectWithMeta(doc: Document = document): DetectionWithMeta {
  const started = performance.now();
  const crossOrigin: CrossOriginFrame[] = [];
  const scopes = collectScopes(doc, uniqueSelector, crossOrigin);
  const { groups } = collect(scopes);
  // Groups without a password field are scored only when no password group makes a login.
  const hasPassword = (g: (typeof groups)[number]) => g.fields.some((f) => f.kind === 'password');
  let verdicts = groups.filter(hasPassword).map(scoreGroup);
  demoteTuckedLogins(verdicts);
  if (!verdicts.some(passes)) verdicts = verdicts.concat(groups.filter((g) => !hasPassword(g) && mayBeUsernameStep(g)).map(scoreGroup));
  // The login a person can see beats one hidden in a closed menu, however well marked that one
  // is; a group with a password beats a username-only step at equal standing.
  verdicts.sort(
    (a, b) =>
      Number(passes(b)) - Number(passes(a)) ||
      Number(shown(b)) - Number(shown(a)) ||
      (b.kind === 'password' ? 1 : 0) - (a.kind === 'password' ? 1 : 0) ||
      b.score - a.score,
  );
  const best = verdicts[0];
  const crossOriginFrames = crossOrigin.map((c) => joinSelectorPath(c.prefix));
  const meta = { crossOriginFrames, elapsedMs: 0 };
  let detection: Detection;
  if (!best || !passes(best)) {
    detection = {
      login: false,
      step: 'none',
      username: null,
      password: null,
      submit: null,
      confidence: best ? confidenceOf(best, false) : 0.99,
      signals: best ? [`best group ${best.score.toFixed(1)} below threshold`, ...best.signals] : ['no candidate fields'],
    };
  } else {
    const scope = best.group.scope;
    const password = best.passwords[0] ?? null;
    detection = {
      login: true,
      step: best.kind === 'username-first' ? 'username-first' : best.username ? 'full' : 'password-only',
      username: best.username ? pathOf(best.username.el, best.username.scope) : null,
      password: password ? pathOf(password.el, password.scope) : null,
      submit: best.submit ? pathOf(best.submit.el, scope) : null,
      confidence: confidenceOf(best, true),
      signals: [`score ${best.score.toFixed(1)}`, ...best.signals],
    };
  }
  meta.elapsedMs = performance.now() - started;
  return { ...detection, ...meta };
}

function confidenceOf(v: GroupVerdict, login: boolean): number {
  const threshold = v.kind === 'password' ? LOGIN_THRESHOLD : USERNAME_FIRST_THRESHOLD;
  const p = 1 / (1 + Math.exp(-(v.score - threshold + 0.5) / 1.5));
  return Math.round((login ? p : 1 - p) * 100) / 100;
}

export function detect(doc: Document = document): Detection {
  const { elapsedMs: _e, crossOriginFrames: _c, ...detection } = detectWithMeta(doc);
  return detection;
}
