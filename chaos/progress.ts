// The live progress line on stderr while a run works: elapsed time, op counts, active faults.
// On a terminal it redraws one line; otherwise it prints a line every few seconds.

const TTY_REFRESH_MS = 250;
const LOG_REFRESH_MS = 10_000;

export class ProgressDisplay {
  private timer: NodeJS.Timeout | null = null;
  private readonly tty = process.stderr.isTTY === true;

  constructor(private readonly render: () => string) {}

  start(): void {
    this.timer = setInterval(() => this.draw(), this.tty ? TTY_REFRESH_MS : LOG_REFRESH_MS);
    this.timer.unref();
  }

  private draw(): void {
    const line = this.render();
    if (this.tty) process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns ?? 120) - 1)}`);
    else process.stderr.write(`${line}\n`);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.tty) process.stderr.write('\r\x1b[2K');
  }
}

/** A phase message on its own line, stamped with seconds since the process started. */
export function phase(message: string): void {
  process.stderr.write(`[${(performance.now() / 1000).toFixed(1)}s] ${message}\n`);
}
