#!/usr/bin/env node
import { COMMANDS } from './commands/index.js';
import { exitOnInterrupt } from './interrupt.js';
import { main } from './main.js';

// `inv list | head -1`: a reader that closes the pipe early is not an error (exit 0, no stack trace).
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
exitOnInterrupt();

main(process.argv.slice(2), { commands: COMMANDS }).then((code) => {
  process.exitCode = code;
});
