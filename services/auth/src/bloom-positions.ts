import { createHash } from 'node:crypto';

/**
 * Computes the `hashes` bit positions of `value` in a Bloom filter of `bits` bits.
 *
 * Uses double hashing (Kirsch and Mitzenmacher, 2006): two 64-bit halves of one SHA-256
 * digest, h1 and h2, give the positions h1 + i * h2 mod bits. The second half is forced odd
 * so that, for a power-of-two size, the positions of one value never collapse into one.
 */
export function bloomPositions(value: string, bits: number, hashes: number): number[] {
  const digest = createHash('sha256').update(value, 'utf8').digest();
  const h1 = digest.readBigUInt64BE(0);
  const h2 = digest.readBigUInt64BE(8) | 1n;
  const size = BigInt(bits);

  const positions: number[] = [];
  for (let i = 0n; i < BigInt(hashes); i++) {
    positions.push(Number((h1 + i * h2) % size));
  }
  return positions;
}

/**
 * Estimates the false-positive rate of a Bloom filter holding `items` values:
 * (1 - e^(-hashes * items / bits))^hashes.
 */
export function bloomFalsePositiveRate(bits: number, hashes: number, items: number): number {
  return (1 - Math.exp((-hashes * items) / bits)) ** hashes;
}
