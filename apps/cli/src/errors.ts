/** CLI-specific errors; like every InvError, the message is one line that names the flag or file. */
import { InvError } from '@inv/core';

/** A flag, argument or command the user typed is wrong. Exit code 2. */
export class UsageError extends InvError {
  constructor(message: string) {
    super('ERR_USAGE', message);
  }
}

/** The first line of an error's message, so that nothing multi-line (or a stack) reaches stderr (core's). */
export { oneLine } from '@inv/core';
