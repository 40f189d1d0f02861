import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { canListen, claimPort, ephemeralPortRange, fetchRefuses, freePort, portsOutside } from '../../src/grid/ports.ts';
import { tempDir } from '../helpers/temp.ts';

describe('ports for the servers grid-run starts', () => {
  it('reads the ephemeral range the kernel states, and falls back to IANA dynamic ports', async () => {
    const dir = await tempDir('grid-run-ports-');
    const file = join(dir, 'ip_local_port_range');
    await writeFile(file, '32768\t60999\n');
    assert.deepEqual(ephemeralPortRange(file), [32768, 60999]);
    await writeFile(file, 'garbage\n');
    assert.deepEqual(ephemeralPortRange(file), [49152, 65535]);
    assert.deepEqual(ephemeralPortRange(join(dir, 'missing')), [49152, 65535]);
  });

  it('takes the larger stretch of user ports outside the ephemeral range', () => {
    assert.deepEqual(portsOutside([32768, 60999]), [1024, 32767]);
    assert.deepEqual(portsOutside([49152, 65535]), [1024, 49151]);
    assert.deepEqual(portsOutside([1024, 20000]), [20001, 65535]);
  });

  it('hands out listenable ports outside the ephemeral range, never the same one twice', async () => {
    const [low, high] = ephemeralPortRange();
    const ports = await Promise.all(Array.from({ length: 40 }, () => freePort()));
    assert.equal(new Set(ports).size, ports.length, `a port handed out twice: ${ports.join(' ')}`);
    for (const port of ports) {
      assert.ok(port < low || port > high, `${port} is in the ephemeral range ${low}-${high}`);
      assert.ok(port >= 1024, `${port} is a privileged port`);
      assert.equal(await canListen('127.0.0.1', port), true, `${port} is taken`);
    }
  });

  it('sees a port something listens on as taken', async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      assert.equal(await canListen('127.0.0.1', port), false);
    } finally {
      server.close();
    }
  });

  it("knows the ports Node's fetch refuses, and never claims one for a server", async () => {
    // fetch answers a bad port at once with its own error, before any connection is tried.
    // Every listed port and its neighbours (a scan of all 65,535 agreed when the list was written).
    const listed = Array.from({ length: 11_000 }, (_, i) => i + 1).filter(fetchRefuses);
    const ports = [...new Set(listed.flatMap((p) => [p - 1, p, p + 1]))].filter((p) => p > 0);
    const causes = await Promise.all(
      ports.map((port) =>
        fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5_000) }).then(
          () => undefined,
          (err: { cause?: { message?: string } }) => err.cause?.message,
        ),
      ),
    );
    const refused = ports.filter((_, i) => causes[i] === 'bad port');
    assert.ok(refused.includes(6668), 'fetch refuses 6668');
    assert.deepEqual(refused, listed);
    assert.equal(await canListen('127.0.0.1', 6668), true, 'port 6668 must be free for this test');
    assert.equal(await claimPort('127.0.0.1', 6668), false, 'a free port fetch refuses is not claimed');
  });
});
