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
 * A port nothing listens on now, outside the ephemeral range, and not handed out before by
 * this process (a server given it may not have bound it yet). Falls back to one the kernel
 * picks if no random pick is free.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const [first, last] = portsOutside(ephemeralPortRange());
  for (let tries = 0; tries < 50; tries++) {
    const port = first + Math.floor(Math.random() * (last - first + 1));
    if (handedOut.has(port)) continue;
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
  if (port < firstUserPort || port > 65535 || handedOut.has(port)) return false;
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
