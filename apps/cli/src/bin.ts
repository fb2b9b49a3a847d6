#!/usr/bin/env node
import { COMMANDS } from './commands/index.js';
import { main } from './main.js';

main(process.argv.slice(2), { commands: COMMANDS }).then((code) => {
  process.exitCode = code;
});
