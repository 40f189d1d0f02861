// The user's extensions (--extension PATH), checked and packed once per run into the CRX3
// bytes that travel in every session request (goog:chromeOptions.extensions), so no node
// needs the files. A folder is packed with crx3 in a temp dir, the same folder to the same bytes
// (see pack): no Chromium is needed where grid-run runs (none is started just to pack), and
// nothing is written next to the user's folder.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import crx3 from 'crx3';
import JSZip from 'jszip';
import { UsageError } from '../errors.ts';
import { derivedRsaKey } from './derived-key.ts';
import type { DetectorIdentity } from '../types.ts';

export type LoadedExtension = {
  /** The path as the user gave it. */
  path: string;
  /** The packed extension, base64, as goog:chromeOptions.extensions takes it. */
  crx: string;
  identity: DetectorIdentity & { kind: 'extension' };
};

/** Checks and packs every path; exit 2 (UsageError) naming the file and what was expected. */
export async function loadExtensions(paths: readonly string[], cwd: string): Promise<LoadedExtension[]> {
  const loaded: LoadedExtension[] = [];
  for (const path of paths) loaded.push(await loadExtension(path, cwd));
  return loaded;
}

async function loadExtension(path: string, cwd: string): Promise<LoadedExtension> {
  const full = resolve(cwd, path);
  const info = await stat(full).catch(() => undefined);
  if (!info) throw new UsageError(`--extension ${path}: no such file or folder (expected an unpacked extension folder or a .crx file)`);
  let bytes: Buffer;
  let manifest: Manifest;
  if (info.isDirectory()) {
    manifest = await readManifest(join(full, 'manifest.json'), path);
    bytes = await pack(full);
  } else if (info.isFile() && /\.crx$/i.test(full)) {
    bytes = await readFile(full);
    manifest = await manifestOfCrx(bytes, path);
  } else {
    throw new UsageError(`--extension ${path}: expected an unpacked extension folder (with manifest.json) or a .crx file`);
  }
  return {
    path,
    crx: bytes.toString('base64'),
    identity: { name: manifest.name, kind: 'extension', version: manifest.version, file: path, sha256: createHash('sha256').update(bytes).digest('hex') },
  };
}

type Manifest = { name: string; version: string };

async function readManifest(file: string, path: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UsageError(`--extension ${path}: ${join(path, 'manifest.json')} is missing (expected an unpacked extension folder with a manifest.json)`);
  }
  return parseManifest(text.replace(/^\uFEFF/, ''), join(path, 'manifest.json'));
}

function parseManifest(text: string, where: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--extension: ${where} is not valid JSON (${(err as Error).message})`);
  }
  const m = value as Record<string, unknown> | null;
  if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new UsageError(`--extension: ${where}: expected a JSON object (an extension manifest)`);
  for (const key of ['name', 'version'] as const) {
    if (typeof m[key] !== 'string' || m[key] === '') throw new UsageError(`--extension: ${where}: expected "${key}", a non-empty string (an extension manifest)`);
  }
  if (m.manifest_version !== 2 && m.manifest_version !== 3) throw new UsageError(`--extension: ${where}: expected "manifest_version" 3 (or 2)`);
  return { name: m.name as string, version: m.version as string };
}

/**
 * The folder packed into a CRX3 that depends on its files' paths and bytes alone: entries in
 * sorted order with one fixed date and mode (a checkout's mtimes and umask do not count), signed
 * by a key derived from that zip. The key and the file live in a temp dir, deleted after.
 */
async function pack(folder: string): Promise<Buffer> {
  const zip = await zipFolder(folder);
  const dir = await mkdtemp(join(tmpdir(), 'grid-run-crx-'));
  try {
    const keyPath = join(dir, 'key.pem');
    const key = derivedRsaKey(createHash('sha256').update(zip).digest());
    await writeFile(keyPath, key.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const crxPath = join(dir, 'extension.crx');
    await crx3(Readable.from([zip]), { keyPath, crxPath });
    return await readFile(crxPath);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const zipDate = new Date('1980-01-01T00:00:00Z'); // the zip format's first representable date

async function zipFolder(folder: string): Promise<Buffer> {
  const zip = new JSZip();
  for (const name of await filesUnder(folder)) {
    zip.file(name, await readFile(join(folder, name)), { date: zipDate, unixPermissions: 0o644, createFolders: false });
  }
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 }, platform: 'UNIX' });
}

/** Every file under `folder` (symbolic links followed), as sorted '/'-separated relative paths. */
async function filesUnder(folder: string): Promise<string[]> {
  const names: string[] = [];
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    const full = join(entry.parentPath, entry.name);
    if (entry.isFile() || (entry.isSymbolicLink() && (await stat(full)).isFile())) names.push(relative(folder, full).split(sep).join('/'));
  }
  return names.sort();
}

/**
 * The manifest inside a .crx (CRX3: "Cr24", version 3, header length, header, then a zip).
 * Only the manifest is read: Chromium checks the rest when it installs the file.
 */
async function manifestOfCrx(bytes: Buffer, path: string): Promise<Manifest> {
  if (bytes.length < 12 || bytes.toString('latin1', 0, 4) !== 'Cr24' || bytes.readUInt32LE(4) !== 3) {
    throw new UsageError(`--extension ${path}: not a CRX3 file (expected "Cr24", version 3, as Chromium packs extensions)`);
  }
  let text: string | undefined;
  try {
    const zip = await JSZip.loadAsync(bytes.subarray(12 + bytes.readUInt32LE(8)));
    text = await zip.file('manifest.json')?.async('string');
  } catch (err) {
    throw new UsageError(`--extension ${path}: the .crx does not hold a readable zip (${(err as Error).message})`);
  }
  if (text === undefined) throw new UsageError(`--extension ${path}: the .crx holds no manifest.json`);
  return parseManifest(text.replace(/^\uFEFF/, ''), `${path}:manifest.json`);
}

/**
 * Who answers when several extensions are loaded: the contract cannot tell which one set the
 * attribute, so the answer is recorded as theirs together.
 */
export function answeringIdentity(loaded: readonly LoadedExtension[]): DetectorIdentity {
  if (loaded.length === 1) return loaded[0]!.identity;
  return {
    name: loaded.map((e) => e.identity.name).join(' + '),
    kind: 'extension',
    version: loaded.map((e) => e.identity.version).join(' + '),
    file: loaded.map((e) => e.path).join(', '),
    sha256: createHash('sha256').update(loaded.map((e) => e.identity.sha256).join('\n')).digest('hex'),
  };
}
