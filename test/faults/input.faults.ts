// Malformed input: a generated set of broken site lists, each refused with exit 2, the
// file:line at fault, no stack trace, and nothing started (the hub given is never called,
// no report is written). Run in-process: validation comes before any grid.
import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { serveLoginPages } from '../helpers/pages.ts';
import { record } from './table.ts';
import { tempDir } from '../helpers/temp.ts';

/** One broken list: its files, and where the first problem must be reported. */
type Case = { name: string; files: Record<string, string>; sites: string[]; at: string };

const ok = (id: string) => ({ id, url: 'http://127.0.0.1:9/login', expect: { login: true } });
const line = (v: unknown) => (typeof v === 'string' && v.startsWith('RAW:') ? v.slice(4) : JSON.stringify(v));

/** `bad` between two good entries, as a .json array (one entry a line) and as .jsonl. */
let made = 0;
function both(name: string, bad: unknown): Case[] {
  const slug = `${++made}-${name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase()}`;
  const json = `[\n${[line(ok(`${slug}/first`)), line(bad), line(ok(`${slug}/last`))].join(',\n')}\n]\n`;
  const jsonl = [line(ok(`${slug}/first`)), line(bad), line(ok(`${slug}/last`))].join('\n') + '\n';
  return [
    { name: `${name} (.json)`, files: { [`${slug}.json`]: json }, sites: [`${slug}.json`], at: `${slug}.json:3` },
    { name: `${name} (.jsonl)`, files: { [`${slug}.jsonl`]: jsonl }, sites: [`${slug}.jsonl`], at: `${slug}.jsonl:2` },
  ];
}

const site = (fields: object) => ({ id: 'bad', url: 'http://127.0.0.1:9/login', ...fields });
const withExpect = (expect: object) => site({ expect });
const withSteps = (steps: unknown) => site({ steps });

const badSelectors = ['#', 'div[', 'input[type=password', ':not(', 'a,,b', '#a, #b', '>>> #x', '#x >>>', '#a >>> >>> #b', ')', '!!', '', ' ', 'button:', 'a >>>'];
/** Selectors Chromium's querySelector throws a SyntaxError for (checked in Chromium 156). */
const refusedByChromium = ['[name=]', 'a[href=#x]', 'input:bogus', 'input::bogus', 'input:nth-child(x)', '#1abc', '.1x', '[=x]', 'a|b'];

function entryCases(): Case[] {
  const cases: Case[] = [];
  const add = (name: string, bad: unknown) => cases.push(...both(name, bad));
  // Wrong types and missing fields.
  for (const id of [42, true, null, [], {}, '', ' padded', 'padded ']) add(`id ${JSON.stringify(id)}`, { id, url: 'http://127.0.0.1:9/' });
  add('id missing', { url: 'http://127.0.0.1:9/' });
  for (const url of [42, null, true, [], {}]) add(`url ${JSON.stringify(url)}`, { id: 'bad', url });
  add('url missing', { id: 'bad' });
  for (const tags of ['login', 5, [1], [null], {}, [[]]]) add(`tags ${JSON.stringify(tags)}`, site({ tags }));
  for (const locale of [5, '12', 'e n', '', 'english!', []]) add(`locale ${JSON.stringify(locale)}`, site({ locale }));
  for (const timeoutMs of ['5000', -1, 1.5, 1e12, null, true, '20s']) add(`timeoutMs ${JSON.stringify(timeoutMs)}`, site({ timeoutMs }));
  for (const expect of ['yes', [], 5, null, true]) add(`expect ${JSON.stringify(expect)}`, withExpect(expect as object));
  for (const login of ['yes', 1, null, []]) add(`expect.login ${JSON.stringify(login)}`, withExpect({ login }));
  for (const field of ['username', 'password', 'submit']) for (const v of [7, true, [], {}]) add(`expect.${field} ${JSON.stringify(v)}`, withExpect({ [field]: v }));
  add('expect unknown field', withExpect({ usrname: '#x' }));
  add('expect login false with a username', withExpect({ login: false, username: '#x' }));
  // Unknown fields and entries that are not objects.
  for (const [k, v] of [['timeout', 5], ['URL', 'x'], ['foo', 1], ['expects', {}], ['step', []]] as const) add(`unknown field ${k}`, site({ [k]: v }));
  for (const v of [5, 'a string', null, [], true, [ok('inner')]]) add(`entry ${JSON.stringify(v)}`, v);
  add('a field given twice', 'RAW:{"id": "bad", "url": "http://127.0.0.1:9/", "id": "again"}');
  // Bad URLs and refused schemes.
  const urls = [
    'file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,<form>', 'chrome://settings', 'ftp://127.0.0.1/x', 'ws://127.0.0.1/',
    'about:blank', 'view-source:http://127.0.0.1/', 'blob:http://127.0.0.1/x', 'mailto:a@b.c', 'http://', 'https://', 'http:// spaces /',
    'http://user:pw@127.0.0.1/', '//127.0.0.1/x', '/etc/passwd', 'a\\b.html', '../outside.html', 'missing.html', '?q=1', '#top',
    '%zz.html', 'sub', 'sub/', '.', 'sub/../../outside.html', '',
  ];
  for (const url of urls) add(`url ${JSON.stringify(url)}`, { id: 'bad', url });
  // Bad selector paths, in each place a selector path goes.
  for (const s of [...badSelectors, ...refusedByChromium]) add(`expect.username selector ${JSON.stringify(s)}`, withExpect({ login: true, username: s }));
  for (const s of badSelectors.slice(0, 5)) add(`expect.password selector ${JSON.stringify(s)}`, withExpect({ password: s }));
  for (const s of badSelectors.slice(5, 10)) add(`expect.submit selector ${JSON.stringify(s)}`, withExpect({ submit: s }));
  for (const s of badSelectors.slice(0, 4)) add(`click selector ${JSON.stringify(s)}`, withSteps([{ click: s }]));
  for (const s of badSelectors.slice(4, 8)) add(`waitFor selector ${JSON.stringify(s)}`, withSteps([{ waitFor: s }]));
  for (const s of badSelectors.slice(8, 11)) add(`type selector ${JSON.stringify(s)}`, withSteps([{ type: s, text: 'x' }]));
  // Unknown step kinds and malformed steps.
  const steps: unknown[] = [
    'click', {}, 5, [1], [null], ['click #a'], [{}], [{ hover: '#x' }], [{ clik: '#x' }], [{ navigate: 'http://127.0.0.1/' }], [{ Click: '#x' }],
    [{ click: '#a', sleep: 5 }], [{ sleep: -1 }], [{ sleep: '1' }], [{ sleep: 1e9 }], [{ type: '#x' }], [{ type: '#x', text: 5 }],
    [{ waitFor: '#x', timeoutMs: '5' }], [{ waitFor: '#x', timeoutMs: 0 }], [{ click: 5 }], [{ click: '#a', delay: 3 }], [{ click: '#ok' }, { scroll: 100 }],
  ];
  for (const s of steps) add(`steps ${JSON.stringify(s)}`, withSteps(s));
  return cases;
}

/** Lists that are not JSON at all, or not the right JSON, with the line the parser stops at. */
function syntaxCases(): Case[] {
  const good = JSON.stringify(ok('good'));
  const json: [string, string, number][] = [
    ['empty file', '', 1],
    ['only whitespace', '  \n\n', 1],
    ['an object', '{\n}\n', 1],
    ['a number', '5\n', 1],
    ['a string', '"sites"\n', 1],
    ['null', 'null\n', 1],
    ['single quotes', `[\n${good},\n{'id': 'x', 'url': 'http://127.0.0.1:9/'}\n]`, 3],
    ['unquoted key', `[\n${good},\n{id: "x", "url": "http://127.0.0.1:9/"}\n]`, 3],
    ['trailing comma in the array', `[\n${good},\n]`, 3],
    ['trailing comma in an object', `[\n{"id": "x", "url": "http://127.0.0.1:9/",}\n]`, 2],
    ['missing comma between entries', `[\n${good}\n${JSON.stringify(ok('next'))}\n]`, 3],
    ['a comment', `[\n// the sites\n${good}\n]`, 2],
    ['a block comment', `[\n${good},\n/* more */\n${JSON.stringify(ok('next'))}\n]`, 3],
    ['NaN', `[\n{"id": "x", "url": "http://127.0.0.1:9/", "timeoutMs": NaN}\n]`, 2],
    ['unfinished string', `[\n${good},\n{"id": "x, "url": "http://127.0.0.1:9/"}\n]`, 3],
    ['raw tab in a string', `[\n{"id": "a\tb", "url": "http://127.0.0.1:9/"}\n]`, 2],
    ['invalid escape', `[\n${good},\n{"id": "a\\qb", "url": "http://127.0.0.1:9/"}\n]`, 3],
    ['malformed unicode escape', `[\n{"id": "a\\u12", "url": "http://127.0.0.1:9/"}\n]`, 2],
    ['leading zero', `[\n{"id": "x", "url": "http://127.0.0.1:9/", "timeoutMs": 0100}\n]`, 2],
    ['garbage after the array', `[\n${good}\n]\nmore`, 4],
    ['two arrays', `[\n${good}\n]\n[]`, 4],
    ['extra closing bracket', `[\n${good}\n]]`, 3],
    ['truncated', `[\n${good},\n{"id": "x", "url"`, 3],
    ['missing closing bracket', `[\n${good}\n`, 3],
    ['a colon missing', `[\n${good},\n{"id" "x", "url": "http://127.0.0.1:9/"}\n]`, 3],
    ['a bare word', `[\n${good},\nhello\n]`, 3],
  ];
  const jsonl: [string, string, number][] = [
    ['single quotes', `${good}\n{'id': 'x'}\n`, 2],
    ['unquoted key', `${good}\n{id: "x", "url": "http://127.0.0.1:9/"}\n`, 2],
    ['trailing comma', `${good}\n{"id": "x", "url": "http://127.0.0.1:9/",}\n`, 2],
    ['two objects on one line', `${good}\n${JSON.stringify(ok('a'))}${JSON.stringify(ok('b'))}\n`, 2],
    ['a comment line', `${good}\n// a comment\n`, 2],
    ['truncated line', `${good}\n{"id": "x", "url": "http://127.0.0.1:9/"\n`, 2],
    ['an object across two lines', `${good}\n{"id": "x",\n"url": "http://127.0.0.1:9/"}\n`, 2],
    ['NaN', `${good}\n{"id": "x", "url": "http://127.0.0.1:9/", "timeoutMs": NaN}\n`, 2],
    ['a JSON array file named .jsonl', `[\n${good}\n]\n`, 1],
    ['a bare word', `${good}\nhello\n`, 2],
    ['unfinished string', `${good}\n{"id": "x}\n`, 2],
    ['garbage after an object', `${good}\n${good.replace('good', 'g2')} x\n`, 2],
  ];
  const cases: Case[] = [];
  json.forEach(([name, text, at], i) => cases.push({ name: `json syntax: ${name}`, files: { [`syntax-${i}.json`]: text }, sites: [`syntax-${i}.json`], at: `syntax-${i}.json:${at}` }));
  jsonl.forEach(([name, text, at], i) => cases.push({ name: `jsonl syntax: ${name}`, files: { [`syntax-${i}.jsonl`]: text }, sites: [`syntax-${i}.jsonl`], at: `syntax-${i}.jsonl:${at}` }));
  return cases;
}

/** The same id twice: within a list, and across lists of either kind. */
function duplicateCases(): Case[] {
  const e = (id: string) => JSON.stringify(ok(id));
  return [
    { name: 'duplicate id in a .json list', files: { 'dup-a.json': `[\n${e('x')},\n${e('y')},\n${e('x')}\n]` }, sites: ['dup-a.json'], at: 'dup-a.json:4' },
    { name: 'duplicate id in a .jsonl list', files: { 'dup-b.jsonl': `${e('x')}\n${e('y')}\n${e('x')}\n` }, sites: ['dup-b.jsonl'], at: 'dup-b.jsonl:3' },
    { name: 'duplicate id across .json lists', files: { 'dup-c1.json': `[\n${e('x')}\n]`, 'dup-c2.json': `[\n${e('y')},\n${e('x')}\n]` }, sites: ['dup-c1.json', 'dup-c2.json'], at: 'dup-c2.json:3' },
    { name: 'duplicate id across .json and .jsonl', files: { 'dup-d1.json': `[\n${e('x')}\n]`, 'dup-d2.jsonl': `${e('y')}\n${e('x')}\n` }, sites: ['dup-d1.json', 'dup-d2.jsonl'], at: 'dup-d2.jsonl:2' },
    { name: 'duplicate id across .jsonl lists', files: { 'dup-e1.jsonl': `${e('x')}\n`, 'dup-e2.jsonl': `${e('x')}\n` }, sites: ['dup-e1.jsonl', 'dup-e2.jsonl'], at: 'dup-e2.jsonl:1' },
    { name: 'an id differing only in case is not a duplicate, but a bad url after it is', files: { 'dup-f.json': `[\n${e('X')},\n${e('x')},\n{"id": "z", "url": "file:///x"}\n]` }, sites: ['dup-f.json'], at: 'dup-f.json:4' },
  ];
}

describe('faults: malformed input', function () {
  this.timeout(300_000);

  it('refuses every broken site list with exit 2, file:line, no stack trace, and starts nothing', async () => {
    const cases = [...entryCases(), ...syntaxCases(), ...duplicateCases()];
    const row = { case: `malformed input (${cases.length} lists)`, sites: cases.length, lost: '-', duplicated: '-', exitCode: '-' };
    record(row);
    assert.ok(cases.length >= 200, `${cases.length} cases`);
    // A hub that counts what reaches it: a list that got past validation would call it first.
    const hub = await serveLoginPages({ delayMs: 0 });
    const dir = await tempDir('grid-run-faults-input-');
    await writeFile(join(dir, 'page.html'), '<!doctype html><form><input><input type=password></form>');
    await mkdir(join(dir, 'sub'));
    const wrong: string[] = [];
    const codes = new Map<number, number>();
    try {
      for (const c of cases) {
        for (const [name, text] of Object.entries(c.files)) await writeFile(join(dir, name), text);
        const calls = hub.served();
        const r = await runCli(['run', '--grid', hub.url, '--sites', ...c.sites], { cwd: dir, env: { PATH: process.env.PATH, CI: 'true' } });
        codes.set(r.code, (codes.get(r.code) ?? 0) + 1);
        const why: string[] = [];
        if (hub.served() > calls) why.push('accepted: the run went on to call the hub');
        if (r.code !== 2) why.push(`exit ${r.code}`);
        if (!r.stderr.includes(`${c.at}: `)) why.push(`no "${c.at}: " in stderr`);
        if (/^\s+at /m.test(r.stderr) || /unexpected error/.test(r.stderr)) why.push('a stack trace');
        if (r.stdout !== '') why.push('printed to stdout (a run started?)');
        if (why.length) wrong.push(`${c.name}: ${why.join(', ')}\n    stderr: ${r.stderr.trim().split('\n').join('\n    ').slice(0, 300)}`);
      }
    } finally {
      await hub.close();
    }
    row.exitCode = [...codes].map(([code, n]) => (codes.size === 1 ? `${code} (all)` : `${code} x${n}`)).join(', ');
    if (wrong.length) assert.fail(`${wrong.length} of ${cases.length} lists not refused as they should be:\n${wrong.join('\n')}`);
    assert.equal(hub.served(), 0, 'the hub was never called');
    const left = (await readdir(dir)).filter((f) => /junit|results|report/.test(f));
    assert.deepEqual(left, [], 'no report written');
  });
});
