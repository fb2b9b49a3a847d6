/**
 * The benchmark contract (docs/contributing.md, "Benchmarks"): a package's `./bench` entry exports
 * `runBenchmarks(options)`, which returns BenchRow[]; one runner (tooling/bench/run.mjs) prints them as the
 * package's `pnpm bench`, and `inv bench` gathers every package's. Speed lives here, never in unit tests.
 */
import { median } from './metrics.js';
import { now, type Result } from './result.js';
import type { BenchRow } from './table.js';

export interface BenchOptions {
  /** Small instances and few repeats: the smoke run (`--quick`, or INV_BENCH_QUICK=1). */
  quick?: boolean;
  /** A python3 that has the modules of `benchPython`, for the reference rows; omitted: no reference rows. */
  python?: string;
  /** Progress lines (the runner writes them to stderr). */
  log?: (line: string) => void;
}

/** What a package's `./bench` entry exports. */
export interface BenchModule<O extends BenchOptions = BenchOptions> {
  runBenchmarks(options?: O): Promise<BenchRow[]>;
  /** The Python modules its reference rows need; absent: it has no Python reference. */
  benchPython?: readonly string[];
  /** Its own command-line switches for the runner: `--name` sets options[key] = true (e.g. `{ cvxopt: 'cvxoptOnly' }`). */
  benchFlags?: Readonly<Record<string, keyof O & string>>;
}

export interface BatchTiming {
  /** The first call: worker threads start and WebAssembly warms up in it. */
  firstMs: number;
  /** Median of the calls after it. */
  warmMs: number;
  results: Result[];
  /** Where the batch ran, for a table: 'this thread' or 'N worker threads'. */
  where: string;
}

/** Times a batch solve: its first call, then the median of `repeats` more (the worker pool is warm by then). */
export async function timeBatch(run: () => Promise<Result[]>, repeats = 3): Promise<BatchTiming> {
  let t = now();
  let results = await run();
  const firstMs = now() - t;
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    t = now();
    results = await run();
    times.push(now() - t);
  }
  const info = results[0]?.info;
  const where = info?.ranIn === 'workers' ? `${info.workers} worker threads` : 'this thread';
  return { firstMs, warmMs: median(times), results, where };
}
