/**
 * Optional peer packages: tfjs (batches and training) and mnist (training) are installed only by those
 * who need them, so a module that imports one is loaded through `loadOptional`, which turns "cannot
 * find package" into a one-line error saying what to install.
 */
import { InvError } from './errors.js';

/**
 * Batches of at least this many columns (observations, or descents) run on tfjs-wasm (`@inv/core/tf`):
 * from about 16 on it is 10-35x faster than plain JavaScript (docs/engineering.md).
 */
export const TF_BATCH_MIN = 16;

/** What batches of TF_BATCH_MIN or more and training need next to @inv/core (the versions the tests run). */
export const TF_PACKAGES: readonly string[] = ['@tensorflow/tfjs-core@4.22.0', '@tensorflow/tfjs-backend-wasm@4.22.0'];

/** An optional package a feature needs is not installed; the message is the `npm i` line. */
export class MissingPackageError extends InvError {
  constructor(what: string, packages: readonly string[]) {
    super('ERR_MISSING_PACKAGE', `${what} needs ${packages.join(' and ')}, which ${packages.length > 1 ? 'are' : 'is'} not installed: npm i ${packages.join(' ')}`);
  }
}

/** Whether `e` is Node's "cannot find" error for one of `packages` (names with or without @version). */
export function isMissingPackage(e: unknown, packages: readonly string[]): boolean {
  const code = (e as { code?: unknown } | undefined)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  const message = String((e as Error).message);
  return packages.some((p) => message.includes(`'${p.replace(/(?<=.)@[^/]*$/, '')}`));
}

/** Runs `load` (an import that needs `packages`), rethrowing a missing package as a MissingPackageError. */
export async function loadOptional<T>(load: () => Promise<T> | T, what: string, packages: readonly string[] = TF_PACKAGES): Promise<T> {
  try {
    return await load();
  } catch (e) {
    if (isMissingPackage(e, packages)) throw new MissingPackageError(what, packages);
    throw e;
  }
}
