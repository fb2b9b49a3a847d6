/** The experiment controls: shows the inputs that apply, and reads them into an ExperimentSpec. */
import { ValueError } from '@inv/core';
import { SHIPPED_MODELS, type Digits } from '@inv/models';
import { parseWidths, sweepParameters } from '../experiment.js';
import type { ExperimentSpec, GeneratorSpec, SignalSpec, SweepParameter, TaskSpec } from '../protocol.js';
import { byId, el } from './dom.js';
import { drawVector } from './image.js';
import { SketchPad } from './sketch.js';

const input = (id: string) => byId<HTMLInputElement>(id);
const select = (id: string) => byId<HTMLSelectElement>(id);

/** A number input's value; `field` names it in the error. */
function numberOf(id: string, field: string, check: (v: number) => boolean = Number.isFinite, expected = 'a number'): number {
  const text = input(id).value.trim();
  const v = Number(text);
  if (text === '' || !check(v)) throw new ValueError(`${field}: expected ${expected}, got '${text}'`);
  return v;
}

let onnxPicks = 0;

const integerOf = (id: string, field: string) => numberOf(id, field, Number.isInteger, 'an integer');

/** Default sweep values per parameter. */
const SWEEP_DEFAULTS: Record<SweepParameter, string> = { noise: '0, 0.05, 0.1, 0.2, 0.4', m: '20, 50, 100, 200, 400', fraction: '0.05, 0.1, 0.25, 0.5, 1' };

export class ExperimentForm {
  readonly drawPad = new SketchPad(byId<HTMLCanvasElement>('draw-pad'), 'ink');
  readonly maskPad = new SketchPad(byId<HTMLCanvasElement>('mask-pad'), 'mask');
  digits?: Digits;
  /** The ONNX file picked from disk, once read. */
  onnx?: Extract<GeneratorSpec, { kind: 'onnx' }>;

  constructor(onChange: () => void) {
    select('generator').append(
      ...SHIPPED_MODELS.map((name) => el('option', { value: `mnist:${name}` }, `MNIST decoder ${name}`)),
      // The default: a random expansive net and a realizable, noise-free G(z*), where every solver's
      // guarantee applies and each one succeeds (docs/verdict.md); the decoders are one click away.
      el('option', { value: 'gaussian', selected: true }, 'random Gaussian ReLU net'),
      el('option', { value: 'onnx' }, 'ONNX file from disk'),
    );
    input('model-file').addEventListener('change', () => {
      const file = input('model-file').files?.[0];
      this.onnx = undefined;
      // Read once here; every run sends the bytes to the worker, which parses them (core's parseOnnx).
      file?.arrayBuffer().then((bytes) => {
        this.onnx = { kind: 'onnx', name: file.name, id: ++onnxPicks, bytes };
        onChange();
      });
    });
    byId('draw-clear').addEventListener('click', () => this.drawPad.clear());
    byId('mask-clear').addEventListener('click', () => this.maskPad.clear());
    byId('mask-all').addEventListener('click', () => this.maskPad.fill(1));
    byId('controls').addEventListener('input', () => {
      this.update();
      onChange();
    });
    this.update();
  }

  setDigits(digits: Digits): void {
    this.digits = digits;
    input('digit').max = String(digits.count - 1);
    this.update();
  }

  /** Shows the inputs that apply to the current choices (elements marked data-show="select=value"). */
  update(): void {
    document.querySelectorAll<HTMLElement>('[data-show]').forEach((e) => {
      const [id, value] = e.dataset.show!.split('=');
      e.hidden = select(id).value !== value;
    });
    const param = select('sweep-param');
    const task = { kind: select('task').value } as TaskSpec;
    const params = sweepParameters(task);
    if (param.options.length !== params.length || ![...param.options].every((o, i) => o.value === params[i])) {
      param.replaceChildren(...params.map((p) => el('option', { value: p }, `error vs ${p}`)));
      param.value = params[params.length - 1];
    }
    const values = input('sweep-values');
    if (!values.dataset.for || values.dataset.for !== param.value) {
      values.value = SWEEP_DEFAULTS[param.value as SweepParameter];
      values.dataset.for = param.value;
    }
    const digit = this.heldOutDigit(false);
    if (digit) drawVector(byId<HTMLCanvasElement>('digit-preview'), digit, { scale: 3 });
  }

  private heldOutDigit(strict: boolean): Float64Array | undefined {
    if (!this.digits) {
      if (strict) throw new ValueError('digit: the held-out digits are still loading (or failed to load); choose a random latent');
      return undefined;
    }
    const i = Number(input('digit').value);
    if (!(Number.isInteger(i) && i >= 0 && i < this.digits.count)) {
      if (strict) throw new ValueError(`digit #: expected an integer in [0, ${this.digits.count - 1}], got '${input('digit').value}'`);
      return undefined;
    }
    return this.digits.images[i];
  }

  private generator(): GeneratorSpec {
    const value = select('generator').value;
    if (value.startsWith('mnist:')) return { kind: 'mnist', name: value.slice('mnist:'.length) };
    if (value === 'onnx') {
      if (!this.onnx) throw new ValueError('ONNX file: choose a .onnx file (a generator exported with torch.onnx.export, for example)');
      return this.onnx;
    }
    return { kind: 'gaussian', widths: parseWidths(input('widths').value), seed: integerOf('net-seed', 'net seed') };
  }

  private signal(): SignalSpec {
    switch (select('signal').value) {
      case 'heldout': {
        const pixels = this.heldOutDigit(true)!;
        const i = Number(input('digit').value);
        return { kind: 'image', pixels, label: `held-out digit #${i} (a ${this.digits!.labels[i]})` };
      }
      case 'drawn':
        if (!this.drawPad.values.some((v) => v > 0)) throw new ValueError('drawn digit: the pad is empty; draw a digit first');
        return { kind: 'image', pixels: Float64Array.from(this.drawPad.values), label: 'digit drawn by hand' };
      default:
        return { kind: 'latent', seed: integerOf('latent-seed', 'latent seed') };
    }
  }

  private task(): TaskSpec {
    const seed = integerOf('task-seed', 'task seed');
    switch (select('task').value) {
      case 'inpaint-random':
        return { kind: 'inpaint-random', fraction: numberOf('fraction', 'observed fraction', (v) => v > 0 && v <= 1, 'a number in (0, 1]'), seed };
      case 'inpaint-mask':
        if (!this.maskPad.values.some((v) => v === 0)) throw new ValueError('painted mask: every pixel is hidden, so nothing is observed; unpaint some pixels');
        return { kind: 'inpaint-mask', mask: this.maskPad.observedMask() };
      case 'cs':
        return { kind: 'cs', m: numberOf('m', 'measurements m', (v) => Number.isInteger(v) && v >= 1, 'an integer >= 1 (m = 0 observes nothing)'), seed };
      default:
        return { kind: 'denoise' };
    }
  }

  /** The chosen experiment; throws a ValueError naming the field that is impossible. */
  read(): ExperimentSpec {
    const noise = numberOf('noise', 'noise σ', (v) => Number.isFinite(v) && v >= 0, 'a number >= 0');
    return { generator: this.generator(), signal: this.signal(), task: this.task(), noise, noiseSeed: integerOf('task-seed', 'task seed') + 1 };
  }

  sweep(): { parameter: SweepParameter; text: string } {
    return { parameter: select('sweep-param').value as SweepParameter, text: input('sweep-values').value };
  }
}
