/**
 * Seeded random numbers that are identical on every machine: xoshiro128** on 32-bit integer
 * arithmetic, seeded by splitmix32, doubles with 53 random bits, Gaussians by the Marsaglia polar
 * method (only Math.log and Math.sqrt, which V8 and the other engines compute the same way).
 */
export class Rng {
  // Int32Array keeps the state unboxed: as object fields, unsigned 32-bit values above 2^31 are heap
  // numbers in V8 and every draw allocates (3x slower). Values are the same bits either way.
  private readonly s = new Int32Array(4);
  private spare: number | undefined;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`seed: expected a finite number, got ${seed}`);
    let x = (Math.floor(seed) ^ Math.floor(seed / 2 ** 32)) >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    for (let i = 0; i < 4; i++) this.s[i] = next();
  }

  /** A uniform 32-bit unsigned integer. */
  uint32(): number {
    const s = this.s;
    const s1 = s[1];
    const m = Math.imul(s1, 5);
    const r = Math.imul((m << 7) | (m >>> 25), 9);
    const t = s1 << 9;
    s[2] ^= s[0];
    s[3] ^= s1;
    s[1] = s1 ^ s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 11) | (s[3] >>> 21);
    return r >>> 0;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.uint32() >>> 5;
    const lo = this.uint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** A standard normal N(0, 1). */
  normal(): number {
    if (this.spare !== undefined) {
      const v = this.spare;
      this.spare = undefined;
      return v;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    return u * f;
  }

  /** A new generator whose stream depends only on this one's next draw (for independent sub-streams). */
  fork(): Rng {
    return new Rng(this.uint32() * 4096 + (this.uint32() & 4095));
  }
}

/** n i.i.d. N(0, std²) entries. */
export function gaussianVector(rng: Rng, n: number, std = 1): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = std * rng.normal();
  return out;
}

/** A point drawn uniformly from the sphere of the given radius in R^n. */
export function sphereVector(rng: Rng, n: number, radius = 1): Float64Array {
  const v = gaussianVector(rng, n);
  let s = 0;
  for (let i = 0; i < n; i++) s += v[i] * v[i];
  const scale = radius / Math.sqrt(s);
  for (let i = 0; i < n; i++) v[i] *= scale;
  return v;
}

/** n i.i.d. entries uniform in [-halfWidth, halfWidth] (l-inf-bounded noise). */
export function boxVector(rng: Rng, n: number, halfWidth: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = halfWidth * (2 * rng.uniform() - 1);
  return out;
}

/** The kinds of seeded noise the papers use. */
export type NoiseKind = 'gaussian' | 'sphere' | 'box';

/**
 * Seeded noise of a given size: `gaussian` has per-entry standard deviation `level`, `sphere` has
 * l2 norm exactly `level`, `box` has l-inf norm at most `level`.
 */
export function noiseVector(rng: Rng, n: number, kind: NoiseKind, level: number): Float64Array {
  switch (kind) {
    case 'gaussian':
      return gaussianVector(rng, n, level);
    case 'sphere':
      return sphereVector(rng, n, level);
    case 'box':
      return boxVector(rng, n, level);
    default:
      throw new RangeError(`noise kind: expected gaussian, sphere or box, got ${String(kind)}`);
  }
}
