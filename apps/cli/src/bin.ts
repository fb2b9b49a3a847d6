#!/usr/bin/env node
import { COMMANDS } from './commands/index.js';
import { exitOnInterrupt } from './interrupt.js';
import { main } from './main.js';

exitOnInterrupt();

main(process.argv.slice(2), { commands: COMMANDS }).then((code) => {
  process.exitCode = code;
});
