/** Elementwise activations of dense layers, their derivatives and (where they exist) inverses. */
import { ValueError } from './errors.js';

export type Activation =
  | { readonly kind: 'relu' }
  | { readonly kind: 'leaky_relu'; readonly alpha: number }
  | { readonly kind: 'linear' }
  | { readonly kind: 'sigmoid' }
  | { readonly kind: 'tanh' };

export type ActivationKind = Activation['kind'];

export const ACTIVATION_KINDS: readonly ActivationKind[] = ['relu', 'leaky_relu', 'linear', 'sigmoid', 'tanh'];

export const relu: Activation = { kind: 'relu' };
export const linear: Activation = { kind: 'linear' };
export const sigmoid: Activation = { kind: 'sigmoid' };
export const tanh: Activation = { kind: 'tanh' };
export function leakyRelu(alpha: number): Activation {
  if (!(alpha > 0 && alpha < 1)) throw new ValueError(`leaky_relu alpha: expected a number in (0, 1), got ${alpha}`);
  return { kind: 'leaky_relu', alpha };
}

/** Parses `relu`, `linear`, `sigmoid`, `tanh`, `leaky_relu` or `leaky_relu:<alpha>` (default alpha 0.2). */
export function parseActivation(name: string, field = 'activation'): Activation {
  const [kind, arg] = name.split(':');
  switch (kind) {
    case 'relu':
    case 'linear':
    case 'sigmoid':
    case 'tanh':
      if (arg !== undefined) break;
      return { kind };
    case 'leaky_relu': {
      const alpha = arg === undefined ? 0.2 : Number(arg);
      return leakyRelu(alpha);
    }
  }
  throw new ValueError(`${field}: expected one of relu, leaky_relu[:alpha], linear, sigmoid, tanh, got '${name}'`);
}

export function activationName(a: Activation): string {
  return a.kind === 'leaky_relu' ? `leaky_relu:${a.alpha}` : a.kind;
}

/** out[i] = σ(pre[i]). */
export function activate(a: Activation, pre: Float64Array, out: Float64Array = new Float64Array(pre.length)): Float64Array {
  const n = pre.length;
  switch (a.kind) {
    case 'relu':
      for (let i = 0; i < n; i++) out[i] = pre[i] > 0 ? pre[i] : 0;
      break;
    case 'leaky_relu':
      for (let i = 0; i < n; i++) out[i] = pre[i] > 0 ? pre[i] : a.alpha * pre[i];
      break;
    case 'linear':
      if (out !== pre) out.set(pre);
      break;
    case 'sigmoid':
      for (let i = 0; i < n; i++) out[i] = pre[i] >= 0 ? 1 / (1 + Math.exp(-pre[i])) : Math.exp(pre[i]) / (1 + Math.exp(pre[i]));
      break;
    case 'tanh':
      for (let i = 0; i < n; i++) out[i] = Math.tanh(pre[i]);
      break;
  }
  return out;
}

/**
 * out[i] = σ'(pre[i]), given both the pre-activation and the activation (sigmoid and tanh use the
 * latter). ReLU-type kinks take the right-hand derivative at 0 from above only for pre > 0.
 */
export function activationDerivative(a: Activation, pre: Float64Array, post: Float64Array, out: Float64Array = new Float64Array(pre.length)): Float64Array {
  const n = pre.length;
  switch (a.kind) {
    case 'relu':
      for (let i = 0; i < n; i++) out[i] = pre[i] > 0 ? 1 : 0;
      break;
    case 'leaky_relu':
      for (let i = 0; i < n; i++) out[i] = pre[i] > 0 ? 1 : a.alpha;
      break;
    case 'linear':
      out.fill(1);
      break;
    case 'sigmoid':
      for (let i = 0; i < n; i++) out[i] = post[i] * (1 - post[i]);
      break;
    case 'tanh':
      for (let i = 0; i < n; i++) out[i] = 1 - post[i] * post[i];
      break;
  }
  return out;
}

/**
 * σ⁻¹(y) elementwise. Sigmoid and tanh outputs are first clipped into their open range by `clip`
 * (y ∈ [clip, 1 − clip] for sigmoid, [−1 + clip, 1 − clip] for tanh), since noise can push an
 * observation outside it and the exact inverse would be infinite.
 */
export function invertActivation(a: Activation, y: ArrayLike<number>, clip = 1e-6): Float64Array {
  const n = y.length;
  const out = new Float64Array(n);
  switch (a.kind) {
    case 'relu':
      throw new ValueError('relu is not invertible elementwise (its negative part is lost)');
    case 'leaky_relu':
      for (let i = 0; i < n; i++) out[i] = y[i] > 0 ? y[i] : y[i] / a.alpha;
      break;
    case 'linear':
      for (let i = 0; i < n; i++) out[i] = y[i];
      break;
    case 'sigmoid':
      for (let i = 0; i < n; i++) {
        const v = Math.min(1 - clip, Math.max(clip, y[i]));
        out[i] = Math.log(v / (1 - v));
      }
      break;
    case 'tanh':
      for (let i = 0; i < n; i++) out[i] = Math.atanh(Math.min(1 - clip, Math.max(-1 + clip, y[i])));
      break;
  }
  return out;
}

/**
 * λ = E[g·σ(g)] for g ~ N(0, 1), defined for positively homogeneous σ: 1/2 for ReLU, (1 + α)/2 for
 * leaky ReLU, 1 for linear. PLUGIn scales its step by λ^(−d) (Joshi et al. 2021, section 3).
 */
export function gaussianGain(a: Activation): number {
  switch (a.kind) {
    case 'relu':
      return 0.5;
    case 'leaky_relu':
      return (1 + a.alpha) / 2;
    case 'linear':
      return 1;
    default:
      throw new ValueError(`${a.kind} is not positively homogeneous: E[g·σ(g)] does not define a PLUGIn gain`);
  }
}
