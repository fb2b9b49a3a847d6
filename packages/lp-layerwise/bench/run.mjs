import { findPython } from '@inv/core/node';
import { formatBenchTable } from '@inv/core';
import { runBenchmarks } from '../dist/bench.js';

// --quick: small instances; --cvxopt: only the comparison with the LP paper's cvxopt solver;
// --no-trained: without the trained-decoder row of that comparison (its cvxopt side takes minutes);
// --only <label prefix>, --items <n>: some of its instances, n latents each.
const quick = process.argv.includes('--quick');
const cvxoptOnly = process.argv.includes('--cvxopt');
const noTrained = process.argv.includes('--no-trained');
const flag = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const only = flag('--only');
const items = flag('--items') === undefined ? undefined : Number(flag('--items'));
console.log(formatBenchTable(await runBenchmarks({ quick, cvxoptOnly, noTrained, only, items, python: findPython(['numpy', 'scipy']), log: (l) => console.error(l) })));
