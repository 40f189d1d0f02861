// Whether a host is this machine's loopback: a grid there needs no registration secret, and a
// node there runs its browsers on this machine.

/** `localhost`, `127.x.y.z` or `::1` (bracketed or not). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}
