// Reports are read by CI and by the next run (history); a Ctrl-C or crash mid-write must leave
// the previous file or the new one, never half of one. rename() within a directory is atomic.
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Writes `data` to `file` through a temporary file and a rename. `data` may be a sequence of
 * pieces: a report of 10,000 sites is then written piece by piece and never held whole.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array | Iterable<string>): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  await mkdir(dir, { recursive: true });
  // Same directory as the target so rename never crosses a filesystem.
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) await writeFile(tmp, data);
    else await writePieces(tmp, data);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Pieces gathered into writes of about 64 KB: few system calls, and pieces die young (a larger
 * batch outlives the young generation and piles up in the old one until a full GC, raising the
 * peak RSS). FileHandle.writeFile writes at the current position
 * and loops over short writes, unlike FileHandle.write.
 */
async function writePieces(file: string, pieces: Iterable<string>): Promise<void> {
  const handle = await open(file, 'w');
  try {
    let buffer: string[] = [];
    let size = 0;
    for (const piece of pieces) {
      buffer.push(piece);
      size += piece.length;
      if (size >= 1 << 16) {
        await handle.writeFile(buffer.join(''));
        buffer = [];
        size = 0;
      }
    }
    if (size > 0) await handle.writeFile(buffer.join(''));
  } finally {
    await handle.close();
  }
}
