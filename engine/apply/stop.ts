/**
 * How far a run has been asked to stop. `drain` (a first SIGINT or SIGTERM): start no new host and no new action;
 * transactions under way finish, are verified and recorded. `abort` (a second one): stop waiting for what runs on
 * hosts too; record what is known and leave the rest to the next contact with each host.
 */
export class StopState {
  level: null | 'drain' | 'abort' = null;
  reason = '';
  private readonly waiters = new Set<() => void>();
  private readonly listeners = new Set<(level: 'drain' | 'abort', reason: string) => void>();

  /** One more step towards stopping; returns the new level. */
  request(reason: string): 'drain' | 'abort' {
    this.level = this.level === null ? 'drain' : 'abort';
    this.reason = reason;
    for (const l of this.listeners) l(this.level, reason);
    if (this.level === 'abort') for (const w of this.waiters) w();
    return this.level;
  }

  onChange(fn: (level: 'drain' | 'abort', reason: string) => void): void {
    this.listeners.add(fn);
  }

  /** `p`, unless the run is aborted first: then the error `abandon` makes. */
  race<T>(p: Promise<T>, abandon: () => Error): Promise<T> {
    if (this.level === 'abort') return Promise.reject(abandon());
    return new Promise<T>((resolve, reject) => {
      const w = () => reject(abandon());
      this.waiters.add(w);
      p.then(resolve, reject).finally(() => this.waiters.delete(w));
    });
  }
}
