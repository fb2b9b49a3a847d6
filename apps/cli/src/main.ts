/** Dispatch: `inv <command> [flags]`, one-line errors, exit codes (EXIT in command.ts). */
import { readFileSync } from 'node:fs';
import { InvError } from '@inv/core';
import { COMMON_FLAGS, formatHelp, parseArgs, type FlagSpecs } from './args.js';
import { EXIT, type Command } from './command.js';
import { oneLine, UsageError } from './errors.js';
import { setActivity } from './interrupt.js';
import { processIo, type Io } from './io.js';

export interface MainOptions {
  commands: readonly Command[];
  /** Defaults to process stdout/stderr. */
  io?: (json: boolean) => Io;
}

/** What each exit code means, for `inv --help`. */
const EXIT_MEANINGS: readonly (readonly [number, string])[] = [
  [EXIT.ok, 'success (every item solved successfully)'],
  [EXIT.failure, 'input or runtime error (one line on stderr, no output file)'],
  [EXIT.usage, 'usage error (unknown command or flag, missing or invalid argument)'],
  [EXIT.notSuccess, 'a solve ran but did not succeed (some item not `success`)'],
];

/** This package's version (package.json sits one level above both src/ and dist/). */
export function cliVersion(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
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
    '',
    'Options: --help (also after a command), --version',
    '',
    'Exit codes:',
    ...EXIT_MEANINGS.map(([code, meaning]) => `  ${code}  ${meaning}`),
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
    if (name === '--version' || name === '-V') {
      io.out(cliVersion());
      return 0;
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
    setActivity(`running inv ${command.name}`);
    return (await command.run(args, io)) ?? EXIT.ok;
  } catch (e) {
    if (process.env.INV_DEBUG && e instanceof Error) io.err(`${e.stack}\n`);
    const prefix = e instanceof InvError ? '' : 'internal error: ';
    io.err(`inv: ${prefix}${oneLine(e)}\n`);
    return e instanceof UsageError ? EXIT.usage : EXIT.failure;
  }
}
