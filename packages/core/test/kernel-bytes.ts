/**
 * The embedded bytes of a hand-assembled WebAssembly module must be what its emitter produces. After
 * editing an emitter, `INV_WRITE_KERNELS=1 npx vitest run test/kernels.test.ts test/conv-kernel.test.ts`
 * (in packages/core) rewrites the `*-bytes.ts` files instead of comparing, the way `vitest -u` updates snapshots.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';

export function expectEmbeddedBytes(emitted: Uint8Array, embedded: string, bytesFile: URL): void {
  expect(WebAssembly.validate(emitted)).toBe(true);
  const base64 = Buffer.from(emitted).toString('base64');
  if (process.env.INV_WRITE_KERNELS === '1' && base64 !== embedded) {
    const text = readFileSync(bytesFile, 'utf8');
    expect(text.split(`'${embedded}'`).length, `${bytesFile.pathname} holds the embedded string once`).toBe(2);
    writeFileSync(bytesFile, text.replace(`'${embedded}'`, `'${base64}'`));
    return;
  }
  expect(base64, 'the embedded bytes are stale: rerun with INV_WRITE_KERNELS=1 (test/kernel-bytes.ts)').toBe(embedded);
}
