/**
 * Progress of long lab steps. On a terminal a live line counts the seconds ("building image (debootstrap:
 * configuring systemd)… 41 s"); elsewhere (CI logs, pipes) one line per finished step. The API is silent by default.
 */
export interface Progress {
  /** Runs fn as a named step; `update` sets the detail shown in brackets; `summary` turns the result into the done line. */
  step<T>(label: string, fn: (update: (detail: string) => void) => Promise<T>, summary?: (result: T) => string): Promise<T>;
  note(message: string): void;
}

export const silentProgress: Progress = {
  step: (_label, fn) => fn(() => {}),
  note: () => {},
};

export function streamProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const live = Boolean(stream.isTTY) && process.env.TERM !== 'dumb';
  const secs = (t0: number) => (performance.now() - t0) / 1000;
  return {
    async step(label, fn, summary) {
      const t0 = performance.now();
      let detail = '';
      const draw = () => {
        const s = secs(t0);
        const text = `  ${label}${detail ? ` (${detail})` : ''}… ${s.toFixed(0)} s`;
        stream.write(`\r\u001b[2K${text.slice(0, Math.max(20, (stream.columns || 100) - 1))}`);
      };
      const timer = live ? setInterval(draw, 250) : undefined;
      timer?.unref();
      if (live) draw();
      try {
        const result = await fn((d) => {
          detail = d;
        });
        const extra = summary ? summary(result) : '';
        if (live) stream.write('\r\u001b[2K');
        stream.write(`✓ ${label}${extra ? `: ${extra}` : ''} (${secs(t0).toFixed(1)} s)\n`);
        return result;
      } catch (e) {
        if (live) stream.write('\r\u001b[2K');
        stream.write(`✗ ${label} (failed after ${secs(t0).toFixed(1)} s)\n`);
        throw e;
      } finally {
        if (timer) clearInterval(timer);
      }
    },
    note(message) {
      stream.write(`  ${message}\n`);
    },
  };
}
