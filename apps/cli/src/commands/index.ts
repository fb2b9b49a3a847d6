import type { Command } from '../command.js';
import { infoCommand } from './info.js';
import { listCommand } from './list.js';
import { solveCommand } from './solve.js';

export const COMMANDS: readonly Command[] = [listCommand, infoCommand, solveCommand];
