/** Axis scales for the plots (DOM-free, so they are unit-tested). */

export interface Scale {
  /** Maps a data value to [0, 1] along the axis. */
  map(v: number): number;
  ticks: number[];
  format(v: number): string;
}

/** The positive, finite values only (a log axis cannot show zero, and the residual of an exact solve is 0). */
export function positive(values: readonly number[]): number[] {
  return values.filter((v) => Number.isFinite(v) && v > 0);
}

/** A base-10 log scale from the decade below the smallest to the decade above the largest positive value. */
/** 10^e exactly (10 ** -5 is 9.999999999999999e-6 in floating point). */
const decade = (e: number) => Number(`1e${e}`);

export function logScale(values: readonly number[]): Scale {
  const pos = positive(values);
  const lo = pos.length ? Math.floor(Math.log10(Math.min(...pos))) : -1;
  let hi = pos.length ? Math.ceil(Math.log10(Math.max(...pos))) : 0;
  if (hi === lo) hi = lo + 1;
  const step = Math.max(1, Math.ceil((hi - lo) / 8));
  const ticks: number[] = [];
  for (let e = lo; e <= hi; e += step) ticks.push(decade(e));
  return {
    map: (v) => (Math.log10(Math.max(v, decade(lo))) - lo) / (hi - lo),
    ticks,
    format: (v) => `1e${Math.round(Math.log10(v))}`,
  };
}

/** A linear scale over [min, max] of the values with "nice" ticks (1, 2 or 5 times a power of ten). */
export function linearScale(values: readonly number[], count = 5): Scale {
  const finite = values.filter(Number.isFinite);
  let lo = finite.length ? Math.min(...finite) : 0;
  let hi = finite.length ? Math.max(...finite) : 1;
  if (hi === lo) { lo -= 0.5; hi += 0.5; }
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return { map: (v) => (v - lo) / (hi - lo), ticks, format: (v) => String(Number(v.toPrecision(4))) };
}
