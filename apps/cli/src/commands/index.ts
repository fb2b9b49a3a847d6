import type { Command } from '../command.js';
import { benchCommand } from './bench.js';
import { convertCommand } from './convert.js';
import { demoCommand } from './demo.js';
import { experimentCommand } from './experiment.js';
import { infoCommand } from './info.js';
import { listCommand } from './list.js';
import { solveCommand } from './solve.js';
import { trainCommand } from './train.js';
import { workerCommand } from './worker.js';

export const COMMANDS: readonly Command[] = [listCommand, infoCommand, solveCommand, convertCommand, demoCommand, benchCommand, trainCommand, experimentCommand, workerCommand];
