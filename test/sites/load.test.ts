import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode, InputError } from '../../src/errors.ts';
import { loadSiteLists } from '../../src/sites/load.ts';
import { tempDir } from '../helpers/temp.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const B = 'test/fixtures/sites/broken';
const V = 'test/fixtures/sites/valid';

/** The problems of loading `paths`, as the user reads them. */
async function problems(...paths: string[]): Promise<string[]> {
  try {
    await loadSiteLists(paths, { cwd: repo });
  } catch (err) {
    assert.ok(err instanceof InputError, `expected InputError, got ${String(err)}`);
    assert.equal(err.exitCode, ExitCode.usage);
    return err.message.split('\n');
  }
  assert.fail(`${paths.join(', ')} loaded without problems`);
}

describe('site lists: validation', () => {
  it('invalid JSON: the line of the syntax error, nothing else of that file', async () => {
    assert.deepEqual(await problems(`${B}/invalid-json.json`), [`${B}/invalid-json.json:4: json: valid JSON: expected a comma`]);
  });

  it('a .json list read one element at a time gives the lines and syntax errors a whole parse gives', async () => {
    const dir = await tempDir('grid-run-load-');
    const site = (id: string) => `{"id": "${id}", "url": "https://${id}.example/"}`;
    const cases: [string, string][] = [
      // valid syntax, a bad field on line 4: read element by element
      [`[\n${site('a')},\n\n  {"id": "b", "url": "https://b.example/", "tags": 3}\n]\n`, 'list.json:4: tags: an array of strings, got 3'],
      // a missing colon inside an element, a trailing comma, a comment, two values without a comma
      [`[\n${site('a')},\n{"id" "b"}\n]`, 'list.json:3: json: valid JSON: expected a colon'],
      [`[\n${site('a')},\n]`, 'list.json:3: json: valid JSON: expected a value'],
      [`[\n// a note\n${site('a')}\n]`, 'list.json:2: json: valid JSON: comments are not allowed'],
      [`[\n${site('a')}\n${site('b')}\n]`, 'list.json:3: json: valid JSON: expected a comma'],
    ];
    for (const [text, problem] of cases) {
      await writeFile(path.join(dir, 'list.json'), text);
      try {
        await loadSiteLists(['list.json'], { cwd: dir });
        assert.fail(`${JSON.stringify(text)} loaded without problems`);
      } catch (err) {
        assert.ok(err instanceof InputError, String(err));
        assert.deepEqual(err.message.split('\n'), [problem], JSON.stringify(text));
      }
    }
    await writeFile(path.join(dir, 'list.json'), `[\n${site('a')},\n  ${site('b')}\n]`);
    assert.deepEqual((await loadSiteLists(['list.json'], { cwd: dir })).map((s) => s.id), ['a', 'b']);
  });

  it('invalid JSON in a .jsonl line: that line only; the others still count', async () => {
    assert.deepEqual(await problems(`${B}/invalid-json.jsonl`), [
      `${B}/invalid-json.jsonl:2: json: valid JSON: expected a property name in double quotes`,
    ]);
  });

  it('a .json list that is not an array, or is empty', async () => {
    assert.deepEqual(await problems(`${B}/not-array.json`, `${B}/empty.json`), [
      `${B}/not-array.json:1: list: a JSON array of sites, got an object`,
      `${B}/empty.json:1: list: a JSON array of sites, got an empty file`,
    ]);
  });

  it('a .jsonl line that is not an object', async () => {
    assert.deepEqual(await problems(`${B}/not-object.jsonl`), [
      `${B}/not-object.jsonl:2: site: a JSON object with at least id and url, got an array`,
      `${B}/not-object.jsonl:3: site: a JSON object with at least id and url, got "a string"`,
    ]);
  });

  it('missing required fields, at the line of the object that lacks them', async () => {
    assert.deepEqual(await problems(`${B}/missing-field.json`), [
      `${B}/missing-field.json:2: url: an http(s) URL, or a path relative to the list file (missing)`,
      `${B}/missing-field.json:3: id: a non-empty id, without spaces at either end, unique across all lists (missing)`,
    ]);
  });

  it('wrong-typed fields, saying what was found', async () => {
    assert.deepEqual(await problems(`${B}/wrong-type.json`), [
      `${B}/wrong-type.json:3: id: a non-empty id, without spaces at either end, unique across all lists, got 42`,
      `${B}/wrong-type.json:5: expect.login: true or false: whether the page has a login form, got "yes"`,
      `${B}/wrong-type.json:5: expect.username: a selector path, or null for none, got 7`,
    ]);
  });

  it('unknown fields, naming them and the likely intended one', async () => {
    assert.deepEqual(await problems(`${B}/unknown-field.json`), [
      `${B}/unknown-field.json:5: timeout: unknown field, did you mean "timeoutMs"? (known: id, url, locale, tags, expect, steps, timeoutMs, known, source)`,
      `${B}/unknown-field.json:6: expect.usrname: unknown field, did you mean "username"? (known: login, username, password, submit, present, absent)`,
    ]);
  });

  it('a field given twice in one object', async () => {
    assert.deepEqual(await problems(`${B}/duplicate-key.json`), [
      `${B}/duplicate-key.json:6: expect: a field given once per object, but it is also given at line 5`,
    ]);
  });

  it('duplicate ids within a list and across lists, naming both places', async () => {
    assert.deepEqual(await problems(`${B}/duplicate-id.json`, `${B}/duplicate-id.jsonl`), [
      `${B}/duplicate-id.json:4: id: a unique id, but "twice" is also declared at ${B}/duplicate-id.json:2`,
      `${B}/duplicate-id.jsonl:1: id: a unique id, but "once" is also declared at ${B}/duplicate-id.json:3`,
    ]);
  });

  it('empty or space-padded ids', async () => {
    assert.deepEqual(await problems(`${B}/empty-id.json`), [
      `${B}/empty-id.json:2: id: a non-empty id, without spaces at either end, unique across all lists, got ""`,
      `${B}/empty-id.json:3: id: a non-empty id, without spaces at either end, unique across all lists, got "  padded "`,
    ]);
  });

  it('refused URL schemes and URL forms', async () => {
    const x = 'url: an http(s) URL or a path relative to the list file, got';
    assert.deepEqual(await problems(`${B}/refused-scheme.json`), [
      `${B}/refused-scheme.json:2: ${x} the refused scheme "file:"`,
      `${B}/refused-scheme.json:3: ${x} the refused scheme "javascript:"`,
      `${B}/refused-scheme.json:4: ${x} the refused scheme "data:"`,
      `${B}/refused-scheme.json:5: ${x} the refused scheme "chrome:"`,
      `${B}/refused-scheme.json:6: ${x} the refused scheme "ftp:"`,
      `${B}/refused-scheme.json:7: ${x} a scheme-relative URL (write http:// or https://)`,
      `${B}/refused-scheme.json:8: ${x} an absolute path (write it relative to ${B}/refused-scheme.json)`,
      `${B}/refused-scheme.json:9: url: an http(s) URL without user:password@ (credentials would end up in reports)`,
    ]);
  });

  it('relative paths that leave the list folder, also %-encoded', async () => {
    assert.deepEqual(await problems(`${B}/outside-path.json`), [
      `${B}/outside-path.json:2: url: a page inside the list's folder ${B}/, got "../valid/pages/basic.html" which points outside it`,
      `${B}/outside-path.json:3: url: a page inside the list's folder ${B}/, got "%2e%2e/valid/pages/basic.html" which points outside it`,
    ]);
  });

  it('relative paths to missing files or to a folder', async () => {
    assert.deepEqual(await problems(`${B}/missing-file.json`), [
      `${B}/missing-file.json:2: url: an existing page, ${B}/nowhere/login.html does not exist`,
      `${B}/missing-file.json:3: url: a page file, got the list's own folder ${B}/`,
    ]);
  });

  it('bad selector paths in expect and in steps', async () => {
    assert.deepEqual(await problems(`${B}/bad-selector.json`), [
      `${B}/bad-selector.json:7: expect.username: a selector path: selector 'input[name=user': not a valid CSS selector (Expected end of attribute selector at character 15)`,
      `${B}/bad-selector.json:8: expect.password: a selector path: segment 2 of 2 is empty (write ' >>> ' only between two selectors)`,
      `${B}/bad-selector.json:9: expect.submit: a selector path: selector '#a, #b': a selector list (comma) cannot name one element; use one selector`,
      `${B}/bad-selector.json:11: steps[0].click: a selector path: selector 'button:': not a valid CSS selector (Expected pseudo-class name at character 7)`,
      `${B}/bad-selector.json:11: steps[1].waitFor: a selector path: a selector path must not be empty`,
    ]);
  });

  it('expect.present and expect.absent: arrays of valid selector paths, each item at its line', async () => {
    assert.deepEqual(await problems(`${B}/bad-present-absent.json`), [
      `${B}/bad-present-absent.json:7: expect.present[1]: a selector path: selector 'button[': not a valid CSS selector (Expected attribute name at character 7)`,
      `${B}/bad-present-absent.json:8: expect.absent: an array of selector paths that must match nothing after detection, got "#banner"`,
      `${B}/bad-present-absent.json:15: expect.present[0]: a selector path (a non-empty string), got 3`,
      `${B}/bad-present-absent.json:15: expect.present[1]: a selector path (a non-empty string), got ""`,
      `${B}/bad-present-absent.json:16: expect.absent[0]: a selector path: selector '#a, #b': a selector list (comma) cannot name one element; use one selector`,
    ]);
  });

  it('a selector for a field of a page whose login is false', async () => {
    assert.deepEqual(await problems(`${B}/login-false-selector.json`), [
      `${B}/login-false-selector.json:5: expect.username: null or left out, since login is false (a page without a login form has no login username)`,
    ]);
  });

  it('unknown step kinds', async () => {
    assert.deepEqual(await problems(`${B}/unknown-step.json`), [
      `${B}/unknown-step.json:7: steps[1]: a step of one of the kinds click, waitFor, type, sleep, got unknown kind "hover"`,
      `${B}/unknown-step.json:8: steps[2]: a step of one of the kinds click, waitFor, type, sleep, got an empty object`,
    ]);
  });

  it('bad step shapes', async () => {
    assert.deepEqual(await problems(`${B}/bad-step-shape.json`), [
      `${B}/bad-step-shape.json:6: steps[0]: exactly one step kind, got click and waitFor`,
      `${B}/bad-step-shape.json:7: steps[1].text: the text to type, a string (missing)`,
      `${B}/bad-step-shape.json:8: steps[2].click: a selector path of the element to click, got 3`,
      `${B}/bad-step-shape.json:9: steps[3].sleep: a whole number of milliseconds from 0 to 60000, got "1s"`,
      `${B}/bad-step-shape.json:10: steps[4].timeoutMs: a whole number of milliseconds from 1 to 600000, got 0`,
      `${B}/bad-step-shape.json:11: steps[5].delay: unknown field (known: click)`,
      `${B}/bad-step-shape.json:12: steps[6]: a step: an object like {"click": "#open"}, got "click #d"`,
    ]);
  });

  it('bad timeoutMs', async () => {
    const x = 'timeoutMs: a whole number of milliseconds from 1 to 600000, got';
    assert.deepEqual(await problems(`${B}/bad-timeout.json`), [
      `${B}/bad-timeout.json:2: ${x} "20s"`,
      `${B}/bad-timeout.json:3: ${x} 0`,
      `${B}/bad-timeout.json:4: ${x} 1500.5`,
      `${B}/bad-timeout.json:5: ${x} 3600000`,
    ]);
  });

  it('bad locale: wrong type or not a language tag', async () => {
    assert.deepEqual(await problems(`${B}/bad-locale.json`), [
      `${B}/bad-locale.json:2: locale: a BCP 47 language tag as a string, like "fr" or "pt-BR", got 7`,
      `${B}/bad-locale.json:3: locale: a BCP 47 language tag as a string, like "fr" or "pt-BR", got an array`,
      `${B}/bad-locale.json:4: locale: a BCP 47 language tag like "fr" or "pt-BR", got "french_FR"`,
    ]);
  });

  it('tags that are not an array of strings', async () => {
    assert.deepEqual(await problems(`${B}/bad-tags.json`), [
      `${B}/bad-tags.json:2: tags: an array of strings, got "login"`,
      `${B}/bad-tags.json:3: tags[1]: a tag: a non-empty string, got 3`,
      `${B}/bad-tags.json:3: tags[2]: a tag: a non-empty string, got ""`,
    ]);
  });

  it('paths that are missing or not lists', async () => {
    assert.deepEqual(await problems(`${B}/nope.json`, `${B}/page.html`, 'test/fixtures/sites/valid/pages'), [
      `${B}/nope.json:0: list: an existing .json or .jsonl file, or a folder of them`,
      `${B}/page.html:0: list: a .json or .jsonl site list`,
      'test/fixtures/sites/valid/pages:0: list: a folder holding .json or .jsonl site lists, found none',
    ]);
  });

  it('collects the problems of every list of a folder before refusing', async () => {
    const all = await problems(B);
    const lists = (await readdir(path.join(repo, B))).filter((f) => /\.jsonl?$/.test(f)).sort();
    // duplicate-id.jsonl is fine alone: its id is a duplicate only beside duplicate-id.json.
    for (const list of lists.filter((f) => f !== 'duplicate-id.jsonl')) {
      for (const problem of await problems(`${B}/${list}`)) assert.ok(all.includes(problem), `missing: ${problem}`);
    }
    // The lists share ids among themselves; across one folder those are duplicates too.
    assert.ok(all.includes(`${B}/bad-timeout.json:2: id: a unique id, but "string" is also declared at ${B}/bad-tags.json:2`));
  });
});

describe('site lists: loading', () => {
  it('loads a .json list: defaults, relative pages with localPath and root, absolute URLs as they are', async () => {
    const sites = await loadSiteLists([`${V}/b-list.json`], { cwd: repo });
    assert.deepEqual(sites, [
      {
        id: 'valid/basic',
        url: 'pages/basic.html',
        localPath: path.join(repo, V, 'pages/basic.html'),
        root: path.join(repo, V),
        locale: 'en',
        tags: ['login'],
        expect: { login: true, username: '#user', password: '#pw', submit: 'form button' },
        steps: [{ waitFor: '#user', timeoutMs: 2000 }, { type: '#user', text: 'a@b.c' }, { click: 'form button' }, { sleep: 10 }],
        timeoutMs: 20000,
        source: `${V}/b-list.json:2`,
      },
      { id: 'valid/remote', url: 'https://example.com/login?next=%2F#top', tags: [], steps: [], source: `${V}/b-list.json:11` },
    ]);
  });

  it('loads a .jsonl list: blank lines skipped, %-escapes decoded for the file, query kept in url', async () => {
    const sites = await loadSiteLists([`${V}/a-lines.jsonl`], { cwd: repo });
    assert.deepEqual(
      sites.map((s) => [s.id, s.url, s.localPath && path.relative(repo, s.localPath), s.source, s.origin]),
      [
        ['valid/encoded', 'pages/caf%C3%A9.html?lang=fr', `${V}/pages/café.html`, `${V}/a-lines.jsonl:1`, 'hand-written'],
        ['valid/minimal', 'pages/basic.html', `${V}/pages/basic.html`, `${V}/a-lines.jsonl:3`, undefined],
      ],
    );
  });

  it('loads a folder: its lists sorted by name, not its subfolders or other files', async () => {
    const sites = await loadSiteLists([V], { cwd: repo });
    assert.deepEqual(
      sites.map((s) => s.id),
      ['valid/encoded', 'valid/minimal', 'valid/basic', 'valid/remote'],
    );
  });

  it('reads a list named twice (folder and file) once', async () => {
    const sites = await loadSiteLists([V, `${V}/b-list.json`], { cwd: repo });
    assert.equal(sites.length, 4);
  });

  it('names files relative to cwd, also from another folder', async () => {
    const err = await loadSiteLists(['broken/empty.json'], { cwd: path.join(repo, 'test/fixtures/sites') }).catch((e: unknown) => e);
    assert.ok(err instanceof InputError);
    assert.deepEqual(err.problems, [{ file: 'broken/empty.json', line: 1, field: 'list', expected: 'a JSON array of sites, got an empty file' }]);
  });

  it('keeps one frozen copy of what sites repeat (tags, steps, expectations), each site its own id and url', async () => {
    const dir = await tempDir('grid-run-load-');
    const site = (id: string, tags: string[]) =>
      JSON.stringify({ id, url: `https://${id}.example/login`, locale: 'fr', tags, expect: { login: true, username: '#user', present: ['#sso'] }, steps: [{ click: '#open' }] });
    await writeFile(path.join(dir, 'list.jsonl'), [site('a', ['x', 'y']), site('b', ['x', 'y']), site('c', ['y', 'x'])].join('\n'));
    const [a, b, c] = await loadSiteLists(['list.jsonl'], { cwd: dir });
    assert.ok(a && b && c);
    assert.equal(a.expect, b.expect);
    assert.equal(a.steps, c.steps);
    assert.equal(a.tags, b.tags);
    assert.notEqual(a.tags, c.tags, 'other tags (their order is kept) are another copy');
    assert.deepEqual(c.tags, ['y', 'x']);
    assert.deepEqual(a.expect, { login: true, username: '#user', present: ['#sso'] });
    for (const shared of [a.expect, a.expect?.present, a.steps, a.steps[0], a.tags]) assert.ok(Object.isFrozen(shared));
    assert.throws(() => a.tags.push('z'), TypeError);
    assert.deepEqual([a.id, a.url, b.id, b.url], ['a', 'https://a.example/login', 'b', 'https://b.example/login']);
  });
});
