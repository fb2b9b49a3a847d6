import { formatBenchTable } from '@inv/core';
import { findPython } from '@inv/core/node';
import { runBenchmarks } from '../dist/bench.js';

const quick = process.argv.includes('--quick');
console.log(formatBenchTable(await runBenchmarks({ quick, python: findPython(['numpy']), log: (l) => console.error(l) })));
