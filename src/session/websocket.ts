// A WebSocket client for DevTools connections, over node:http: text messages only, and no
// per-message compression. Node's own WebSocket always offers permessage-deflate, which Chromium
// and the hub accept, and then every answer costs a zlib inflate on the libuv thread pool:
// most of the CLI's CPU for a reset (issue 16). DevTools messages are small and on loopback or
// a LAN; compressing them saves nothing worth that.
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { Socket } from 'node:net';

const guid = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export class PlainWebSocket {
  readonly #socket: Socket;
  /** The extensions the server's handshake answer named (none: nothing was offered). */
  readonly extensions: string;
  #closed = false;
  #buffered: Buffer = Buffer.alloc(0);
  #fragments: Buffer[] = [];
  onmessage: (text: string) => void = () => undefined;
  onclose: () => void = () => undefined;

  private constructor(socket: Socket, head: Buffer, extensions: string) {
    this.#socket = socket;
    this.extensions = extensions;
    socket.setNoDelay(true);
    socket.on('data', (data: Buffer) => this.#receive(data));
    socket.on('close', () => this.#ended());
    socket.on('error', () => socket.destroy());
    if (head.length) queueMicrotask(() => this.#receive(head));
  }

  /** Opens `ws://` `url`; rejects when the handshake fails or takes longer than `timeoutMs`. */
  static connect(url: string, timeoutMs: number): Promise<PlainWebSocket> {
    return new Promise((resolve, reject) => {
      const target = new URL(url);
      if (target.protocol !== 'ws:') return reject(new Error(`not a ws:// URL: ${url}`));
      const key = randomBytes(16).toString('base64');
      const req = request({
        host: target.hostname.replace(/^\[|\]$/g, ''),
        port: target.port || 80,
        path: `${target.pathname}${target.search}`,
        agent: false,
        headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Key': key, 'Sec-WebSocket-Version': '13' },
      });
      const timer = setTimeout(() => req.destroy(new Error(`no WebSocket handshake within ${timeoutMs} ms`)), timeoutMs);
      req.on('upgrade', (res, socket, head) => {
        clearTimeout(timer);
        const expected = createHash('sha1').update(key + guid).digest('base64');
        if (res.headers['sec-websocket-accept'] !== expected) {
          socket.destroy();
          return reject(new Error('the WebSocket handshake answer did not match the key'));
        }
        resolve(new PlainWebSocket(socket, head, String(res.headers['sec-websocket-extensions'] ?? '')));
      });
      req.on('response', (res) => {
        clearTimeout(timer);
        res.resume();
        reject(new Error(`HTTP ${res.statusCode} instead of a WebSocket upgrade`));
      });
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      req.end();
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  send(text: string): void {
    if (this.#closed) throw new Error('the WebSocket is closed');
    this.#socket.write(frame(0x1, Buffer.from(text, 'utf8')));
  }

  close(): void {
    if (this.#closed) return;
    // A close frame, then the connection: nothing more is awaited from the other side.
    this.#socket.end(frame(0x8, Buffer.alloc(0)));
    setTimeout(() => this.#socket.destroy(), 1000).unref();
    this.#ended();
  }

  #ended(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.onclose();
  }

  #receive(data: Buffer): void {
    this.#buffered = this.#buffered.length ? Buffer.concat([this.#buffered, data]) : data;
    while (!this.#closed) {
      const b = this.#buffered;
      if (b.length < 2) return;
      const fin = (b[0]! & 0x80) !== 0;
      const opcode = b[0]! & 0x0f;
      const masked = (b[1]! & 0x80) !== 0;
      let length = b[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (b.length < 4) return;
        length = b.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (b.length < 10) return;
        length = Number(b.readBigUInt64BE(2));
        offset = 10;
      }
      const maskAt = offset;
      if (masked) offset += 4;
      if (b.length < offset + length) return;
      const payload = Buffer.from(b.subarray(offset, offset + length));
      if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= b[maskAt + (i % 4)]!;
      this.#buffered = b.subarray(offset + length);
      if ((b[0]! & 0x70) !== 0) {
        // A compressed (RSV1) frame, which nothing negotiated: the connection cannot be read.
        this.#socket.destroy();
        return;
      }
      if (opcode === 0x8) return this.close();
      if (opcode === 0x9) this.#socket.write(frame(0xa, payload));
      else if (opcode === 0x0 || opcode === 0x1 || opcode === 0x2) {
        this.#fragments.push(payload);
        if (fin) {
          const message = this.#fragments.length === 1 ? payload : Buffer.concat(this.#fragments);
          this.#fragments = [];
          this.onmessage(message.toString('utf8'));
        }
      }
    }
  }
}

/** One client frame: final, masked (as RFC 6455 requires of a client). */
function frame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const headLength = length < 126 ? 2 : length <= 0xffff ? 4 : 10;
  const out = Buffer.allocUnsafe(headLength + 4 + length);
  out[0] = 0x80 | opcode;
  if (length < 126) out[1] = 0x80 | length;
  else if (length <= 0xffff) {
    out[1] = 0x80 | 126;
    out.writeUInt16BE(length, 2);
  } else {
    out[1] = 0x80 | 127;
    out.writeBigUInt64BE(BigInt(length), 2);
  }
  const mask = randomBytes(4);
  mask.copy(out, headLength);
  for (let i = 0; i < length; i++) out[headLength + 4 + i] = payload[i]! ^ mask[i % 4]!;
  return out;
}
