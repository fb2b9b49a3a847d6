/**
 * Ctrl-C: one line on stderr saying what was interrupted, and exit code 130 (128 + SIGINT, the shell
 * convention). Outputs are written in one synchronous step at the end of a command, so an interrupt
 * lands before any output exists or after all of them do.
 */
let activity = 'starting';

/** What the command is doing now, for the interrupt message ("solving 4 problems with gd"). */
export function setActivity(text: string): void {
  activity = text;
}

/** Installs the SIGINT handler once per process. */
export function exitOnInterrupt(write: (text: string) => void = (t) => void process.stderr.write(t)): void {
  if (process.listenerCount('SIGINT') > 0) return;
  process.once('SIGINT', () => {
    write(`\ninv: interrupted while ${activity}\n`);
    process.exit(130);
  });
}
