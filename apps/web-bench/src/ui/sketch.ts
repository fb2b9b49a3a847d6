/**
 * A 28×28 pad drawn with the mouse or a finger: `ink` mode draws a white-on-black digit like MNIST's,
 * `mask` mode paints pixels that will not be observed (inpainting).
 */
import { drawVector } from './image.js';

export type SketchMode = 'ink' | 'mask';

export class SketchPad {
  /** Ink: intensity in [0, 1]. Mask: 1 where painted (hidden). */
  readonly values: Float64Array;

  constructor(readonly canvas: HTMLCanvasElement, readonly mode: SketchMode, readonly side = 28, readonly scale = 8) {
    this.values = new Float64Array(side * side);
    canvas.style.touchAction = 'none';
    const stroke = (e: PointerEvent) => {
      if (e.buttons === 0 && e.type !== 'pointerdown') return;
      const rect = canvas.getBoundingClientRect();
      this.stamp(((e.clientX - rect.left) / rect.width) * side, ((e.clientY - rect.top) / rect.height) * side);
      this.render();
    };
    canvas.addEventListener('pointerdown', (e) => {
      canvas.setPointerCapture(e.pointerId);
      stroke(e);
    });
    canvas.addEventListener('pointermove', stroke);
    this.render();
  }

  /** A soft round brush for ink (about the width of an MNIST stroke), a square one for masks. */
  private stamp(cx: number, cy: number): void {
    const r = this.mode === 'ink' ? 1.6 : 2;
    for (let y = Math.floor(cy - r); y <= Math.ceil(cy + r); y++) {
      for (let x = Math.floor(cx - r); x <= Math.ceil(cx + r); x++) {
        if (x < 0 || y < 0 || x >= this.side || y >= this.side) continue;
        const i = y * this.side + x;
        if (this.mode === 'mask') this.values[i] = 1;
        else {
          const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy) / r;
          if (d < 1) this.values[i] = Math.max(this.values[i], Math.min(1, 1.5 * (1 - d * d)));
        }
      }
    }
  }

  clear(): void {
    this.values.fill(0);
    this.render();
  }

  fill(value: number): void {
    this.values.fill(value);
    this.render();
  }

  /** The observation mask (1 = observed) of a mask pad. */
  observedMask(): Float64Array {
    return this.values.map((v) => 1 - v);
  }

  render(): void {
    // A mask pad shows observed pixels light and hidden ones dark.
    drawVector(this.canvas, this.mode === 'mask' ? this.observedMask().map((v) => 0.2 + 0.7 * v) : this.values, { scale: this.scale });
  }
}
