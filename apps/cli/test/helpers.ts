/** Spawns the built CLI on real files in a temporary folder. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeNpy, Generator } from '@inv/core';
import { readGenerator, writeGenerator } from '@inv/core/node';

const here = dirname(fileURLToPath(import.meta.url));
export const BIN = resolve(here, '..', 'dist', 'bin.js');
export const FAKE_SOLVER = resolve(here, 'fixtures', 'fake-solver.mjs');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string>;
  plugins?: boolean;
  timeoutMs?: number;
  /** Flags for node itself (e.g. --import of a preload module). */
  nodeArgs?: readonly string[];
  /** Standard input: text, or an open file descriptor. */
  stdin?: string | number;
}

/** The environment runCli gives the child. */
export function cliEnv(options: Pick<RunOptions, 'env' | 'plugins'> = {}): Record<string, string> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build the CLI first (pnpm turbo run build --filter=@inv/cli...)`);
  const env = { ...process.env, ...options.env } as Record<string, string>;
  delete env.INV_DEBUG;
  if (options.plugins !== false) env.INV_PLUGINS = FAKE_SOLVER;
  return env;
}

export function runCli(args: readonly string[], options: RunOptions = {}): CliRun {
  const stdin = typeof options.stdin === 'number' ? options.stdin : 'pipe';
  const r = spawnSync(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], {
    env: cliEnv(options),
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
    input: typeof options.stdin === 'string' ? options.stdin : undefined,
    stdio: [stdin, 'pipe', 'pipe'],
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(): { dir: string; path(name: string): string; files(): string[]; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'inv-cli-'));
  return { dir, path: (n) => join(dir, n), files: () => readdirSync(dir, { recursive: true }).map(String).sort(), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeNpy(path: string, data: ArrayLike<number>, shape: number[] = [data.length]): string {
  writeFileSync(path, encodeNpy(data, shape));
  return path;
}

export function writeJson(path: string, value: unknown): string {
  writeFileSync(path, JSON.stringify(value));
  return path;
}

/** A tiny 4-16-64 ReLU net (64 = an 8×8 image), saved in the given layout. */
export function tinyModel(dir: string, layout: 'tfjs' | 'keras', seed = 3): { generator: Generator; path: string } {
  const path = writeGenerator(Generator.random([4, 16, 64], { seed }), join(dir, `model-${layout}-${seed}`), { layout });
  // Read back: the file holds float32 weights, and the truth must come from the same weights.
  return { generator: readGenerator(path), path };
}

/** The failure contract: non-zero exit, one stderr line mentioning `needle`, no stdout JSON. */
export function expectOneLineError(run: CliRun, needle: string): string {
  const lines = run.stderr.split('\n').filter((l) => l.length > 0);
  if (run.code === 0) throw new Error(`expected a failure, got exit 0 (stdout: ${run.stdout.slice(0, 200)})`);
  if (lines.length !== 1) throw new Error(`expected one stderr line, got ${lines.length}: ${run.stderr.slice(0, 500)}`);
  if (!lines[0].startsWith('inv: ')) throw new Error(`stderr does not start with 'inv: ': ${lines[0]}`);
  if (!lines[0].includes(needle)) throw new Error(`stderr does not mention '${needle}': ${lines[0]}`);
  if (/\bat .*:\d+:\d+/.test(run.stderr)) throw new Error(`stderr holds a stack trace: ${run.stderr}`);
  return lines[0];
}
