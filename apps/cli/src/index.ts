/** @inv/cli: the `inv` command as a library (`main`) plus the pieces other tools may reuse. */
export { main, type MainOptions } from './main.js';
export { EXIT } from './command.js';
export { COMMANDS } from './commands/index.js';
export { parseArgs, type FlagSpec, type FlagSpecs, type ParsedArgs } from './args.js';
export { modelInfo, type ModelInfo } from './commands/info.js';
export { parseMeasurement } from './measurement.js';
export { UsageError } from './errors.js';
export type { Command } from './command.js';
export type { Io } from './io.js';
