import { findPython } from '@inv/core/node';
import { formatBenchTable } from '@inv/core';
import { runBenchmarks } from '../dist/bench.js';

// --quick: small instances; --cvxopt: only the comparison with the LP paper's cvxopt solver;
// --no-trained: without the trained-decoder row of that comparison (its cvxopt side takes minutes).
const quick = process.argv.includes('--quick');
const cvxoptOnly = process.argv.includes('--cvxopt');
const noTrained = process.argv.includes('--no-trained');
console.log(formatBenchTable(await runBenchmarks({ quick, cvxoptOnly, noTrained, python: findPython(['numpy', 'scipy']), log: (l) => console.error(l) })));
