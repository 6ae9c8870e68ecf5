// A sleep that stop() can cut short: the client workers and the nemesis schedule wait between
// steps with it, so healing and shutdown never wait out a long pause.
export class WakeableSleep {
  private wake: (() => void) | null = null;

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  /** Ends the sleep in progress, if any, now. */
  wakeNow(): void {
    this.wake?.();
  }
}
