/** Where a command writes: stdout for results, stderr for progress; `json` silences everything human. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal (progress bars are drawn only then). */
  tty: boolean;
  json: boolean;
}

export function processIo(json: boolean): Io {
  return {
    out: (t) => void process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => void process.stderr.write(t),
    tty: Boolean(process.stderr.isTTY),
    json,
  };
}

/** Prints a human line unless --json is on. */
export function say(io: Io, text: string): void {
  if (!io.json) io.out(text);
}

export interface ProgressBar {
  tick(done: number, note?: string): void;
  finish(): void;
}

/** A one-line progress bar on stderr, drawn only on a TTY and never with --json. */
export function progressBar(io: Io, total: number, label: string): ProgressBar {
  if (!io.tty || io.json || total <= 0) return { tick() {}, finish() {} };
  const width = 28;
  let last = -1;
  const draw = (done: number, note = '') => {
    const filled = Math.round((width * Math.min(done, total)) / total);
    io.err(`\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}${note ? ` ${note}` : ''}\x1b[K`);
  };
  return {
    tick(done, note) {
      if (done === last && !note) return;
      last = done;
      draw(done, note);
    },
    finish() {
      io.err('\r\x1b[K');
    },
  };
}
