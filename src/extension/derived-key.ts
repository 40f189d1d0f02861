// The RSA key that signs a packed extension, derived from the packed content, so that one folder
// packs to the same bytes (and the same extension id) on every run and machine: its sha256 then
// names the content. The key guards nothing: Chromium installs a .crx from goog:chromeOptions
// whoever signed it, and CRX3 only wants some RSA signature. Node cannot seed its own key
// generation, hence this one: candidates drawn from an HMAC-SHA256 stream, tested by OpenSSL's
// primality test (checkPrimeSync), once per folder and run.
import { checkPrimeSync, createHmac, createPrivateKey, type KeyObject } from 'node:crypto';

const e = 65537n;
const primeBits = 1024; // two of them: a 2048-bit modulus, as Chromium's own packer makes

/** A 2048-bit RSA private key that is a function of `seed` alone. */
export function derivedRsaKey(seed: Buffer): KeyObject {
  const random = byteStream(seed);
  const p = findPrime(random);
  let q = findPrime(random);
  while (q === p) q = findPrime(random);
  const [hi, lo] = p > q ? [p, q] : [q, p];
  const n = hi * lo;
  const d = inverse(e, (hi - 1n) * (lo - 1n));
  const jwk = { kty: 'RSA', n: b64(n), e: b64(e), d: b64(d), p: b64(hi), q: b64(lo), dp: b64(d % (hi - 1n)), dq: b64(d % (lo - 1n)), qi: b64(inverse(lo, hi)) };
  return createPrivateKey({ key: jwk, format: 'jwk' });
}

type ByteStream = (count: number) => Buffer;

function byteStream(seed: Buffer): ByteStream {
  let counter = 0;
  return (count) => {
    const blocks: Buffer[] = [];
    for (let have = 0; have < count; have += 32) {
      const block = Buffer.alloc(4);
      block.writeUInt32BE(counter++);
      blocks.push(createHmac('sha256', 'grid-run crx key 1').update(seed).update(block).digest());
    }
    return Buffer.concat(blocks).subarray(0, count);
  };
}

function findPrime(random: ByteStream): bigint {
  for (;;) {
    // The top two bits set make the product exactly 2048 bits long.
    const candidate = toBigInt(random(primeBits / 8)) | (3n << BigInt(primeBits - 2)) | 1n;
    if ((candidate - 1n) % e === 0n) continue; // e must be invertible mod p - 1
    if (checkPrimeSync(candidate)) return candidate;
  }
}

function inverse(a: bigint, m: bigint): bigint {
  let [r0, r1] = [a % m, m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const quotient = r0 / r1;
    [r0, r1] = [r1, r0 - quotient * r1];
    [s0, s1] = [s1, s0 - quotient * s1];
  }
  if (r0 !== 1n) throw new Error('derived key: not invertible'); // unreachable for distinct primes and e checked above
  return ((s0 % m) + m) % m;
}

function toBigInt(bytes: Buffer): bigint {
  return BigInt(`0x${bytes.toString('hex')}`);
}

function b64(value: bigint): string {
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex').toString('base64url');
}
