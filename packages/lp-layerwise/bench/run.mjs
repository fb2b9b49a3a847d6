import { findPython } from '@inv/core/node';
import { formatBenchTable } from '@inv/core';
import { runBenchmarks } from '../dist/bench.js';

// --quick: small instances; --cvxopt: only the comparison with the LP paper's cvxopt solver.
const quick = process.argv.includes('--quick');
const cvxoptOnly = process.argv.includes('--cvxopt');
console.log(formatBenchTable(await runBenchmarks({ quick, cvxoptOnly, python: findPython(['numpy', 'scipy']), log: (l) => console.error(l) })));
