/** The shape arithmetic the ONNX reader folds (src/io/onnx-fold.ts), op by op on small tensors. */
import { describe, expect, it } from 'vitest';
import { type Const, foldNode, MAX_FOLDED_VALUES } from '../src/io/onnx-fold.js';

const ints = (dims: number[], values: number[]): Const => ({ dims, values: Float64Array.from(values), integer: true });
const floats = (dims: number[], values: number[]): Const => ({ dims, values: Float64Array.from(values) });

/** Folds `op` on constant inputs (undefined: a chain tensor of the given shape) with attributes. */
function fold(op: string, inputs: (Const | number[] | undefined)[], attrs: Record<string, number | number[] | Const> = {}, opset = 13): { dims: number[]; values: number[]; integer?: boolean } {
  const c = foldNode(op, {
    where: `t.onnx: node 'n' (${op})`,
    opset,
    inputs: inputs.length,
    input: (k) => (inputs[k] && !Array.isArray(inputs[k]) ? (inputs[k] as Const) : undefined),
    shapeOf: (k) => (Array.isArray(inputs[k]) ? (inputs[k] as number[]) : (inputs[k] as Const | undefined)?.dims),
    int: (a) => attrs[a] as number | undefined,
    ints: (a) => attrs[a] as number[] | undefined,
    tensor: (a) => attrs[a] as Const | undefined,
  });
  return { dims: c.dims, values: Array.from(c.values), integer: c.integer };
}

describe('folded shape arithmetic', () => {
  it("PyTorch's view(x.size(0), C, H, W): Shape → Gather → Unsqueeze → Concat", () => {
    const shape = fold('Shape', [[1, 48]]);
    expect(shape).toEqual({ dims: [2], values: [1, 48], integer: true });
    const n = fold('Gather', [ints([2], shape.values), ints([], [0])], { axis: 0 });
    expect(n).toEqual({ dims: [], values: [1], integer: true });
    const u = fold('Unsqueeze', [ints([], n.values), ints([1], [0])]);
    expect(u.dims).toEqual([1]);
    expect(fold('Concat', [ints([1], u.values), ints([1], [3]), ints([1], [4]), ints([1], [4])], { axis: 0 }).values).toEqual([1, 3, 4, 4]);
    // opset 11: Unsqueeze takes its axes as an attribute
    expect(fold('Unsqueeze', [ints([], [1])], { axes: [0] }, 11).dims).toEqual([1]);
  });

  it('Shape with start/end, Gather with negative and 2-D indices, Slice, Squeeze', () => {
    expect(fold('Shape', [[1, 3, 4, 5]], { start: 1, end: -1 }).values).toEqual([3, 4]);
    expect(fold('Gather', [ints([4], [1, 3, 4, 5]), ints([], [-1])]).values).toEqual([5]);
    expect(fold('Gather', [ints([2, 3], [1, 2, 3, 4, 5, 6]), ints([2], [2, 0])], { axis: 1 })).toEqual({ dims: [2, 2], values: [3, 1, 6, 4], integer: true });
    expect(fold('Slice', [ints([4], [1, 3, 4, 5]), ints([1], [1]), ints([1], [1e9])]).values).toEqual([3, 4, 5]);
    expect(fold('Slice', [ints([4], [1, 3, 4, 5]), ints([1], [-1]), ints([1], [-1e9]), ints([1], [0]), ints([1], [-2])]).values).toEqual([5, 3]);
    expect(fold('Squeeze', [ints([1, 2, 1], [7, 8]), ints([1], [0])]).dims).toEqual([2, 1]);
    expect(fold('Squeeze', [ints([1, 2, 1], [7, 8])]).dims).toEqual([2]);
  });

  it('Cast, ConstantOfShape, integer and float arithmetic with broadcasting, Reshape of a constant', () => {
    expect(fold('Cast', [floats([2], [2.7, -2.7])], { to: 7 })).toEqual({ dims: [2], values: [2, -2], integer: true });
    expect(fold('ConstantOfShape', [ints([2], [2, 3])], { value: ints([1], [5]) })).toEqual({ dims: [2, 3], values: [5, 5, 5, 5, 5, 5], integer: true });
    expect(fold('ConstantOfShape', [ints([1], [2])]).values).toEqual([0, 0]);
    expect(fold('Div', [ints([2], [7, -7]), ints([], [2])]).values).toEqual([3, -3]);
    expect(fold('Div', [floats([2], [7, -7]), floats([], [2])]).values).toEqual([3.5, -3.5]);
    expect(fold('Mul', [ints([2, 1], [1, 2]), ints([3], [1, 10, 100])])).toEqual({ dims: [2, 3], values: [1, 10, 100, 2, 20, 200], integer: true });
    expect(fold('Sub', [ints([1], [48]), ints([1], [6])]).values).toEqual([42]);
    expect(fold('Reshape', [ints([2, 2], [1, 2, 3, 4]), ints([1], [-1])]).dims).toEqual([4]);
  });

  it('refuses what it cannot fold with one line naming the node', () => {
    const refuse = (f: () => unknown, pattern: RegExp) => expect(f).toThrow(pattern);
    refuse(() => fold('Gather', [[1, 48], ints([], [0])]), /^t.onnx: node 'n' \(Gather\): its data \(input 0\) is not a constant, so the shape arithmetic cannot be folded$/);
    refuse(() => fold('Shape', [undefined]), /node 'n' \(Shape\): the shape of its input is not known/);
    refuse(() => fold('ConstantOfShape', [ints([2], [1e5, 1e5])]), new RegExp(`folding it would make 10000000000 values, more than the ${MAX_FOLDED_VALUES} allowed`));
    refuse(() => fold('Gather', [ints([2], [1, 2]), ints([], [5])]), /index 5 is out of range for an axis of 2/);
    refuse(() => fold('Add', [ints([2], [1, 2]), ints([3], [1, 2, 3])]), /shapes \[2\] and \[3\] do not broadcast/);
    refuse(() => fold('Squeeze', [ints([2], [1, 2]), ints([1], [0])]), /squeezes an axis whose size is not 1/);
    refuse(() => fold('Unsqueeze', [ints([1], [1]), ints([2], [0, 0])]), /axes \[0, 0\] repeat an axis/);
  });
});
