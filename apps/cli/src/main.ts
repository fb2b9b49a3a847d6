/** Dispatch: `inv <command> [flags]`, one-line errors, exit codes (see EXIT). */
import { InvError } from '@inv/core';
import { COMMON_FLAGS, formatHelp, parseArgs, type FlagSpecs } from './args.js';
import { EXIT, type Command } from './command.js';
import { oneLine, UsageError } from './errors.js';
import { processIo, type Io } from './io.js';

export interface MainOptions {
  commands: readonly Command[];
  /** Defaults to process stdout/stderr. */
  io?: (json: boolean) => Io;
}

function globalHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    'Usage: inv <command> [options]   (inv <command> --help for its options)',
    '',
    'Invert generative models: recover z* and G(z*) from y = A·G(z*) + noise.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
  ].join('\n');
}

/** Runs the CLI and returns the exit code; never throws. */
export async function main(argv: readonly string[], options: MainOptions): Promise<number> {
  const json = argv.includes('--json');
  const io = (options.io ?? processIo)(json);
  try {
    const [name, ...rest] = argv;
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      io.out(globalHelp(options.commands));
      return name === undefined ? 2 : 0;
    }
    const command = options.commands.find((c) => c.name === name);
    if (!command) throw new UsageError(`unknown command '${name}' (commands: ${options.commands.map((c) => c.name).join(', ')})`);
    const wantsHelp = rest.includes('--help') || rest.includes('-h');
    let dynamic: { title: string; flags: FlagSpecs }[] = [];
    try {
      dynamic = command.dynamicFlags ? await command.dynamicFlags(rest) : [];
    } catch (e) {
      if (!wantsHelp) throw e;
    }
    if (wantsHelp) {
      io.out(formatHelp(command.usage, command.summary, [{ title: 'Options', flags: command.flags }, ...dynamic, { title: 'Common', flags: COMMON_FLAGS }]));
      return 0;
    }
    const flags = Object.assign({}, command.flags, ...dynamic.map((d) => d.flags)) as FlagSpecs;
    const args = parseArgs(rest, flags);
    return (await command.run(args, io)) ?? EXIT.ok;
  } catch (e) {
    if (process.env.INV_DEBUG && e instanceof Error) io.err(`${e.stack}\n`);
    const prefix = e instanceof InvError ? '' : 'internal error: ';
    io.err(`inv: ${prefix}${oneLine(e)}\n`);
    return e instanceof UsageError ? EXIT.usage : EXIT.failure;
  }
}
