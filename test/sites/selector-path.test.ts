import assert from 'node:assert/strict';
import { parseSelectorPath, SelectorPathError, splitSelectorPath, validateSelectorPath } from '../../src/sites/selector-path.ts';

describe('selector paths', () => {
  describe('splitSelectorPath', () => {
    const cases: [string, string[]][] = [
      ['#email', ['#email']],
      ['iframe#auth >>> #user', ['iframe#auth', '#user']],
      ['login-box >>> input[type=password]', ['login-box', 'input[type=password]']],
      ['a >>> b >>> c', ['a', 'b', 'c']],
      ['[title=" >>> "] >>> #x', ['[title=" >>> "]', '#x']],
      [":is(a, b) >>> input[value='x >>> y']", [':is(a, b)', "input[value='x >>> y']"]],
      ['div >>>span', ['div >>>span']],
      [' >>> #x', ['', '#x']],
    ];
    for (const [input, expected] of cases) {
      it(`splits ${JSON.stringify(input)}`, () => assert.deepEqual(splitSelectorPath(input), expected));
    }
  });

  describe('validateSelectorPath', () => {
    const valid = [
      '#email',
      'input[name=pw]',
      'form button',
      'iframe#auth >>> #user',
      'login-box >>> input[type=password]',
      'html > body > div:nth-of-type(2) > form:nth-of-type(1) > input:nth-of-type(3)',
      '#username\\ ',
      'div:not(.hidden) > input[autocomplete~="username"]',
      'input:-webkit-autofill',
      'form:has(input[type=password]) button:where(.primary, [type=submit])',
      '[aria-label="Sign in" i]',
      '#\\31 23',
    ];
    for (const path of valid) it(`accepts ${JSON.stringify(path)}`, () => assert.equal(validateSelectorPath(path), null));

    const invalid: [string, RegExp][] = [
      ['', /must not be empty/],
      ['   ', /must not be empty/],
      [' >>> #user', /segment 1 of 2 is empty/],
      ['#user >>> ', /segment 2 of 2 is empty/],
      ['a >>>  >>> b', /segment 2 of 3 is empty/],
      ['input[name=', /'input\[name=': not a valid CSS selector/],
      ['#a, #b', /selector list/],
      ['form >', /ends with a combinator/],
      ['> input', /starts with a combinator/],
      ['iframe >>> input[', /segment 2 of 2 'input\[': not a valid CSS selector/],
      // Selectors a lenient parser lets through and Chromium's querySelector refuses.
      ['[name=]', /Expected attribute value at character 7/],
      ['a[href=#x]', /Expected attribute value/],
      ['input:bogus', /Unknown pseudo-class: "bogus"/],
      ['input::bogus', /Unknown pseudo-element "bogus"/],
      ['input:nth-child(x)', /Formula parse error/],
      ['#1abc', /Expected ID name/],
      ['.1x', /Expected class name/],
      ['[=x]', /Expected attribute name/],
      ['a|b', /Namespaces are not enabled/],
    ];
    for (const [path, message] of invalid) {
      it(`refuses ${JSON.stringify(path)}`, () => assert.match(validateSelectorPath(path) ?? 'accepted', message));
    }
    it('refuses a non-string', () => assert.match(validateSelectorPath(42 as unknown as string) ?? '', /must be a string/));
  });

  describe('parseSelectorPath', () => {
    it('returns the segments of a valid path', () => assert.deepEqual(parseSelectorPath('x-app >>> #pw'), ['x-app', '#pw']));
    it('throws SelectorPathError saying what is wrong', () =>
      assert.throws(() => parseSelectorPath('a >>> '), (err: unknown) => err instanceof SelectorPathError && /segment 2 of 2 is empty/.test(err.message)));
  });
});
