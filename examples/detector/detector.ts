// An example detector for `grid-run --detector`: the first visible password field, the text
// field before it in its form, and the form's submit control. Simple, but what a real
// detector module looks like: detect() returns a Detection, paths come from grid-run/detect.
import { isVisible, selectorPath, type Detection } from 'grid-run/detect';

const TEXT_TYPES = new Set(['text', 'email', 'tel', '']);

export function detect(): Detection {
  const password = [...document.querySelectorAll<HTMLInputElement>('input[type=password]')].find(isVisible);
  if (!password) {
    return { login: false, step: 'none', username: null, password: null, submit: null, confidence: 0.6, signals: ['no visible password field'] };
  }
  const scope: ParentNode = password.form ?? document;
  const inputs = [...scope.querySelectorAll<HTMLInputElement>('input')].filter(isVisible);
  // The username is the last text-like field before the password.
  const before = inputs.slice(0, inputs.indexOf(password));
  const username = before.reverse().find((i) => TEXT_TYPES.has(i.getAttribute('type')?.toLowerCase() ?? ''));
  const submit = [...scope.querySelectorAll<HTMLElement>('button, input[type=submit], input[type=image]')].find(
    (b) => isVisible(b) && (b.getAttribute('type') ?? 'submit').toLowerCase() !== 'button' && (b.getAttribute('type') ?? '').toLowerCase() !== 'reset',
  );
  return {
    login: true,
    step: username ? 'full' : 'password-only',
    username: username ? selectorPath(username) : null,
    password: selectorPath(password),
    submit: submit ? selectorPath(submit) : null,
    confidence: username ? 0.8 : 0.6,
    signals: ['visible password field', password.form ? 'in a form' : 'outside any form'],
  };
}
