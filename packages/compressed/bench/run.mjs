import { findPython } from '@inv/core/node';
import { formatBenchTable } from '@inv/core';
import { runBenchmarks } from '../dist/bench.js';

const quick = process.argv.includes('--quick');
console.log(formatBenchTable(await runBenchmarks({ quick, python: findPython(['numpy', 'scipy']), log: (l) => console.error(l) })));
