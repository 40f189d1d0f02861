// Ports for the servers grid-run starts itself (hub, event bus, nodes), picked the way
// Selenium's PortProber picks them: outside the kernel's ephemeral range. Every outgoing
// connection takes its local port from that range, and so does a listen on port 0; a port
// found free there can be taken by some connection before the server we start binds it.
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';

/** IANA's dynamic ports, the default of Windows and macOS; Linux says its own in /proc. */
const ianaDynamic: [number, number] = [49152, 65535];
const firstUserPort = 1024;
const handedOut = new Set<number>();

/**
 * The Fetch standard's "bad ports": Node's fetch (and every browser) refuses to connect to them,
 * so a hub or node there could never be reached by grid-run's own HTTP calls.
 */
const fetchBlocked = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135,
  137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719,
  1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

/** Whether fetch refuses to connect to `port` (the Fetch standard's port blocking). */
export function fetchRefuses(port: number): boolean {
  return fetchBlocked.has(port);
}

/** The kernel's ephemeral port range, inclusive. */
export function ephemeralPortRange(procFile = '/proc/sys/net/ipv4/ip_local_port_range'): [number, number] {
  try {
    const [low = NaN, high = NaN] = readFileSync(procFile, 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && Number.isInteger(high) && firstUserPort <= low && low <= high && high <= 65535) return [low, high];
  } catch {
    // not Linux, or /proc not mounted
  }
  return ianaDynamic;
}

/** The larger stretch of user ports that lies outside `ephemeral`, inclusive. */
export function portsOutside([low, high]: [number, number]): [number, number] {
  return low - firstUserPort >= 65535 - high ? [firstUserPort, low - 1] : [high + 1, 65535];
}

/**
 * A port nothing listens on now, outside the ephemeral range, not one fetch refuses, and not
 * handed out before by this process (a server given it may not have bound it yet). Falls back to one the kernel
 * picks if no random pick is free.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const [first, last] = portsOutside(ephemeralPortRange());
  for (let tries = 0; tries < 50; tries++) {
    const port = first + Math.floor(Math.random() * (last - first + 1));
    if (handedOut.has(port) || fetchRefuses(port)) continue;
    handedOut.add(port); // before the check, so that concurrent calls never pick it twice
    if (await canListen(host, port)) return port;
  }
  return bindOnce(host, 0);
}

/**
 * Claims a given port for a server this process is about to start: true when nothing listens
 * on it and no earlier call handed it out (freePort and claimPort never give a port twice).
 */
export async function claimPort(host: string, port: number): Promise<boolean> {
  if (port < firstUserPort || port > 65535 || fetchRefuses(port) || handedOut.has(port)) return false;
  handedOut.add(port);
  if (await canListen(host, port)) return true;
  handedOut.delete(port);
  return false;
}

/** Whether a server could listen on `host`:`port` right now. */
export function canListen(host: string, port: number): Promise<boolean> {
  return bindOnce(host, port).then(
    () => true,
    () => false,
  );
}

/** Listens on `host`:`port` (0: one the kernel picks) and closes again; resolves with the port bound. */
function bindOnce(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => {
      const bound = (server.address() as AddressInfo).port;
      server.close(() => resolve(bound));
    });
  });
}
