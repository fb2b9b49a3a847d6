/** JSON text parsed within the documented depth limit (not exported from the package). */
import { FormatError } from '../errors.js';
import { checkJsonDepth } from './limits.js';

/** `JSON.parse(text)` after the depth check; a syntax error becomes a one-line FormatError naming `source`. */
export function parseJsonText(text: string, source: string): unknown {
  checkJsonDepth(text, source);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new FormatError(`${source}: not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
}
