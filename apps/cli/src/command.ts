/** The shape of an `inv` subcommand. */
import type { FlagsOf, FlagSpecs, ParsedArgs } from './args.js';
import type { Io } from './io.js';

/** The exit codes (apps/cli/README.md, "Contract"). */
export const EXIT = {
  ok: 0,
  /** Bad input or a runtime error. */
  failure: 1,
  usage: 2,
  /** A solve ran, but some result is not a success (status other than converged, or no fit). */
  notSuccess: 3,
} as const;

export interface Command {
  name: string;
  summary: string;
  usage: string;
  flags: FlagSpecs;
  /** Flags that depend on what was typed (e.g. the chosen solver's options), shown in --help too. */
  dynamicFlags?(argv: readonly string[]): Promise<{ title: string; flags: FlagSpecs }[]>;
  /** Resolves to the exit code, or to nothing for 0 (see EXIT). */
  run(args: ParsedArgs, io: Io): Promise<void | number>;
}

/** Parsed arguments whose flags are typed from the command's specs. */
export type TypedArgs<S extends FlagSpecs> = Omit<ParsedArgs, 'flags'> & { flags: FlagsOf<S> };

/**
 * A command whose `run` sees its flags typed from its specs (`FlagsOf`), without casts. The one cast of
 * the flags contract is here: `parseArgs` has checked every value against its spec and filled defaults.
 */
export function defineCommand<const S extends FlagSpecs>(command: Omit<Command, 'flags' | 'run'> & { flags: S; run(args: TypedArgs<S>, io: Io): Promise<void | number> }): Command {
  return command as unknown as Command;
}
