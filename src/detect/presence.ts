// In the page: the site's expect.present / expect.absent paths, checked in the same script run
// as the rest of the expectations. A path that goes on into a cross-origin frame is left to
// the driver, which alone can enter it.
import { resolveSelectorPath } from './resolve.ts';

export type PresenceCheck = { path: string; want: 'present' | 'absent' } & ({ found: boolean } | { frame: true });

export function checkPresence(present: readonly string[] = [], absent: readonly string[] = []): PresenceCheck[] {
  const check = (path: string, want: 'present' | 'absent'): PresenceCheck => {
    const r = resolveSelectorPath(path);
    return r.kind === 'frame' ? { path, want, frame: true } : { path, want, found: r.kind === 'element' };
  };
  return [...present.map((p) => check(p, 'present')), ...absent.map((p) => check(p, 'absent'))];
}
