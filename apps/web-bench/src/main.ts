/** The page: reads the controls, drives the solver worker, and shows results as they arrive. */
import { loadHeldOutDigits } from '@inv/models';
import { assetReader, MODELS_DIR, WASM_DIR } from './assets.js';
import { parseSweepValues } from './experiment.js';
import type { FromWorker, ResultRow, SweepPoint, ToWorker } from './protocol.js';
import { byId } from './ui/dom.js';
import { ExperimentForm } from './ui/form.js';
import { drawPlot } from './ui/plot.js';
import { addErrorRow, addResultRow, addTile, showSweepTable } from './ui/results.js';
import { SolverPanel } from './ui/solver-panel.js';

const modelBase = new URL(MODELS_DIR, document.baseURI).href;
const wasmBase = new URL(WASM_DIR, document.baseURI).href;

const runButton = byId<HTMLButtonElement>('run');
const sweepButton = byId<HTMLButtonElement>('sweep');
const cancelButton = byId<HTMLButtonElement>('cancel');
const progress = byId<HTMLProgressElement>('progress');
const status = byId('status');
const message = byId('message');
const tableBody = byId<HTMLTableElement>('results').tBodies[0];
const tiles = byId('tiles');
const convergence = byId<HTMLCanvasElement>('convergence');
const sweepPlot = byId<HTMLCanvasElement>('sweep-plot');
const sweepTable = byId<HTMLTableElement>('sweep-table');

const panel = new SolverPanel(byId('solvers'));
const form = new ExperimentForm(() => (message.textContent = ''));

let worker: Worker;
let ready = false;
let runId = 0;
/** The run in progress, if any. */
let active: number | undefined;
let rows: ResultRow[] = [];
let sweepPoints: SweepPoint[] = [];
/** The gray range of the truth, so every reconstruction is drawn on the same scale. */
let range: [number, number] = [0, 1];

function setBusy(busy: boolean): void {
  runButton.disabled = sweepButton.disabled = busy || !ready;
  cancelButton.disabled = !busy;
}

function drawConvergence(): void {
  const series = rows
    .filter((r) => r.history?.length)
    .map((r) => ({ label: r.solver, color: panel.colorOf(r.solver), points: r.history!.map((h): [number, number] => [h.iteration, h.residual]) }));
  drawPlot(convergence, series, { title: 'convergence: residual ‖A·G(z) − y‖ per iteration', xLabel: 'iteration', yLabel: 'residual (log)', logY: true });
}

function drawSweep(parameter = ''): void {
  showSweepTable(sweepTable, parameter, [...new Set(sweepPoints.map((p) => p.solver))], sweepPoints);
  const series = panel.names()
    .map((name) => ({ label: name, color: panel.colorOf(name), points: sweepPoints.filter((p) => p.solver === name).map((p): [number, number] => [p.value, p.relativeError]) }))
    .filter((s) => s.points.length);
  drawPlot(sweepPlot, series, { title: `sweep: relative error against ${parameter || 'a parameter (press Sweep)'}`, xLabel: parameter, yLabel: 'relative error (log)', logY: true });
}

function onMessage(msg: FromWorker): void {
  if (msg.type === 'ready') {
    ready = true;
    byId('backend').textContent = `on ${msg.backend}`;
    panel.show(msg.solvers);
    status.textContent = `${msg.solvers.length} solvers registered`;
    setBusy(active !== undefined);
    return;
  }
  if (msg.id !== undefined && msg.id !== active) return; // a message from a cancelled run
  switch (msg.type) {
    case 'problem':
      range = msg.range;
      byId('description').textContent = msg.description;
      addTile(tiles, 'original', msg.truth, { range });
      addTile(tiles, msg.observedLabel, msg.observed, { range: msg.observedRange });
      break;
    case 'progress':
      progress.value = msg.step / msg.steps;
      status.textContent = `${msg.solver} (${msg.step + 1}/${msg.steps}): iteration ${msg.iteration}${msg.residual === undefined ? '' : `, residual ${msg.residual.toExponential(2)}`}`;
      break;
    case 'result':
      rows.push(msg.row);
      addResultRow(tableBody, msg.row, panel.colorOf(msg.row.solver));
      addTile(tiles, `${msg.row.solver}: ${msg.row.psnr.toFixed(1)} dB`, msg.row.reconstruction, { range }, msg.row.solver);
      drawConvergence();
      break;
    case 'sweep-point':
      sweepPoints.push(msg.point);
      drawSweep(form.sweep().parameter);
      break;
    case 'solver-error':
      addErrorRow(tableBody, msg.solver, msg.message);
      break;
    case 'error':
      message.textContent = msg.message;
      finish('stopped by an error');
      break;
    case 'done':
      finish('done');
      break;
  }
}

function finish(text: string): void {
  active = undefined;
  progress.value = 1;
  status.textContent = text;
  setBusy(false);
}

function startWorker(): void {
  ready = false;
  worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data);
  worker.onerror = (e) => {
    message.textContent = `worker: ${e.message || 'failed to start'}`;
    finish('worker failed');
  };
  worker.postMessage({ type: 'init', wasmBase, modelBase } satisfies ToWorker);
}

/** Reads every control before anything is sent, so an impossible setting is explained, not run. */
function start(kind: 'run' | 'sweep'): void {
  message.textContent = '';
  try {
    const experiment = form.read();
    const solvers = panel.read();
    if (solvers.length === 0) throw new Error('solvers: select at least one solver');
    const id = ++runId;
    const request = { experiment, solvers };
    if (kind === 'run') {
      rows = [];
      tableBody.replaceChildren();
      tiles.replaceChildren();
      drawConvergence();
      worker.postMessage({ type: 'run', id, request } satisfies ToWorker);
    } else {
      const { parameter, text } = form.sweep();
      const values = parseSweepValues(text, parameter);
      sweepPoints = [];
      drawSweep(parameter);
      worker.postMessage({ type: 'sweep', id, request, parameter, values } satisfies ToWorker);
    }
    active = id;
    progress.value = 0;
    status.textContent = 'starting…';
    setBusy(true);
  } catch (e) {
    message.textContent = (e as Error).message;
  }
}

runButton.addEventListener('click', () => start('run'));
sweepButton.addEventListener('click', () => start('sweep'));
cancelButton.addEventListener('click', () => {
  // Terminating is the only way to stop a synchronous WASM solve; a fresh worker takes the next run.
  worker.terminate();
  finish('cancelled');
  startWorker();
});

drawConvergence();
drawSweep();
startWorker();
loadHeldOutDigits(assetReader(modelBase)).then(
  (digits) => form.setDigits(digits),
  (e: Error) => (message.textContent = `held-out digits: ${e.message}`),
);
