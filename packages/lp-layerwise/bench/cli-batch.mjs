// The issue #14 CLI case: `inv solve --noise-level σ` on a batch of 4 observations in a cold process,
// against cvxopt on the same 4: the script's own time per inversion (python, numpy and cvxopt already
// loaded), and the script as a cold process too (what a user sees from the terminal).
// node bench/cli-batch.mjs <relu250|relu200|leaky>   (process CPU time: user + sys)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeArray, writeGenerator } from '@inv/core/node';
import { cliCase } from '../dist/bench.js';

const name = process.argv[2] ?? 'relu250';
const { generator, observations, noise, cvxopt, reference } = await cliCase(name, 4);
/** user + sys and wall seconds of a command, from /usr/bin/time. */
function timed(command, args, input) {
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %e', command, ...args], { encoding: 'utf8', input, maxBuffer: 256 * 1024 * 1024 });
  const [user, sys, wall] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { cpuMs: (user + sys) * 1000, wallMs: wall * 1000, status: r.status, stdout: r.stdout };
}
const dir = mkdtempSync(join(tmpdir(), 'inv-cli-batch-'));
try {
  const model = writeGenerator(generator, dir);
  const y = join(dir, 'y.npy');
  const flat = new Float64Array(observations.length * observations[0].length);
  observations.forEach((o, i) => flat.set(o, i * o.length));
  writeArray(y, flat, [observations.length, observations[0].length]);
  const bin = fileURLToPath(new URL('../../../apps/cli/dist/bin.js', import.meta.url));
  const r = timed(process.execPath, [bin, 'solve', '--model', model, '--observation', y, '--solver', 'lp-linf', '--noise-level', String(noise), '--out', join(dir, 'r.json')]);
  console.log(`${name}: inv solve, batch of ${observations.length}, cold process: ${r.cpuMs.toFixed(0)} ms CPU (${r.wallMs.toFixed(0)} ms wall), exit ${r.status}`);
  console.log(r.stdout.trim());
  if (cvxopt) {
    const cpu = cvxopt.cpu_ms.reduce((a, b) => a + b, 0), wall = cvxopt.times_ms.reduce((a, b) => a + b, 0);
    console.log(`cvxopt on the same ${observations.length}, inside the script: ${cpu.toFixed(0)} ms CPU in all (${(cpu / observations.length).toFixed(0)} ms each; ${wall.toFixed(0)} ms wall); inv per inversion ${(r.cpuMs / observations.length).toFixed(0)} ms = ${(r.cpuMs / cpu).toFixed(2)}x (wall ${(r.wallMs / wall).toFixed(2)}x)`);
    const whole = timed(reference.python, [reference.script], JSON.stringify(reference.input));
    console.log(`cvxopt script as a cold process: ${whole.cpuMs.toFixed(0)} ms CPU (${whole.wallMs.toFixed(0)} ms wall), exit ${whole.status}; inv = ${(r.cpuMs / whole.cpuMs).toFixed(2)}x (wall ${(r.wallMs / whole.wallMs).toFixed(2)}x)`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
