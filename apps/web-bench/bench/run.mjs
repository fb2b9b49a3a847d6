// Prints the web bench's table: solver times in Chromium's worker next to Node on the same experiments.
// src/bench.ts is TypeScript that only Vite compiles here, so it is loaded through Vite's module runner.
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';
import { formatBenchTable } from '@inv/core';

const { module } = await runnerImport(fileURLToPath(new URL('../src/bench.ts', import.meta.url)));
const rows = await module.runBenchmarks({ quick: process.env.INV_BENCH_QUICK === '1', log: (line) => console.error(line) });
console.log(formatBenchTable(rows));
