import { describe, expect, it } from 'vitest';
import { bloomFalsePositiveRate, bloomPositions } from '../../src/bloom-positions.ts';

describe('bloomPositions', () => {
  it('returns one position per hash, inside the filter', () => {
    const positions = bloomPositions('alice', 2 ** 24, 7);

    expect(positions).toHaveLength(7);
    for (const position of positions) {
      expect(Number.isInteger(position)).toBe(true);
      expect(position).toBeGreaterThanOrEqual(0);
      expect(position).toBeLessThan(2 ** 24);
    }
  });

  it('is deterministic', () => {
    expect(bloomPositions('alice', 1000, 5)).toEqual(bloomPositions('alice', 1000, 5));
  });

  it('gives distinct positions in a power-of-two filter', () => {
    const positions = bloomPositions('bob', 2 ** 10, 16);

    expect(new Set(positions).size).toBe(16);
  });

  it('differs between names', () => {
    expect(bloomPositions('alice', 2 ** 24, 7)).not.toEqual(bloomPositions('alicf', 2 ** 24, 7));
  });

  it('steps by a constant stride modulo the size', () => {
    const size = 2 ** 20;
    const [p0, p1, p2, p3] = bloomPositions('carol', size, 4) as [number, number, number, number];
    const stride = (p1 - p0 + size) % size;

    expect((p2 - p1 + size) % size).toBe(stride);
    expect((p3 - p2 + size) % size).toBe(stride);
  });

  it('handles the largest Redis bitmap', () => {
    const positions = bloomPositions('dave', 2 ** 32, 7);

    for (const position of positions) expect(position).toBeLessThan(2 ** 32);
  });

  it('spreads names evenly over the filter', () => {
    const size = 1024;
    const counts = new Array<number>(8).fill(0);
    for (let i = 0; i < 4000; i++) {
      for (const position of bloomPositions(`user${i}`, size, 1)) {
        counts[Math.floor(position / (size / 8))] =
          (counts[Math.floor(position / (size / 8))] ?? 0) + 1;
      }
    }

    for (const count of counts) {
      expect(count).toBeGreaterThan(400);
      expect(count).toBeLessThan(600);
    }
  });
});

describe('bloomFalsePositiveRate', () => {
  it('is about 1 % at 9.6 bits per name with 7 hashes', () => {
    const rate = bloomFalsePositiveRate(2 ** 24, 7, 1_750_000);

    expect(rate).toBeGreaterThan(0.009);
    expect(rate).toBeLessThan(0.011);
  });

  it('is about 0.15 % for 1.2 million names in the default filter', () => {
    const rate = bloomFalsePositiveRate(2 ** 24, 7, 1_200_000);

    expect(rate).toBeGreaterThan(0.0013);
    expect(rate).toBeLessThan(0.0017);
  });

  it('matches the observed rate of a filter in memory', () => {
    const size = 2 ** 14;
    const hashes = 4;
    const bitmap = new Uint8Array(size);
    for (let i = 0; i < 2000; i++) {
      for (const position of bloomPositions(`member${i}`, size, hashes)) bitmap[position] = 1;
    }

    let falsePositives = 0;
    const probes = 20_000;
    for (let i = 0; i < probes; i++) {
      const positions = bloomPositions(`stranger${i}`, size, hashes);
      if (positions.every((position) => bitmap[position] === 1)) falsePositives++;
    }
    const expected = bloomFalsePositiveRate(size, hashes, 2000);

    expect(falsePositives / probes).toBeGreaterThan(expected * 0.6);
    expect(falsePositives / probes).toBeLessThan(expected * 1.4);
  });
});
