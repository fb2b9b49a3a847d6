/** The shape of an `inv` subcommand. */
import type { FlagSpecs, ParsedArgs } from './args.js';
import type { Io } from './io.js';

export interface Command {
  name: string;
  summary: string;
  usage: string;
  flags: FlagSpecs;
  /** Flags that depend on what was typed (e.g. the chosen solver's options), shown in --help too. */
  dynamicFlags?(argv: readonly string[]): Promise<{ title: string; flags: FlagSpecs }[]>;
  run(args: ParsedArgs, io: Io): Promise<void>;
}
