import { UsageError } from '../../errors/index.js';
import type { ReconcileOptions } from '../../reconcile/index.js';

/** `30`, `30s`, `5m`, `2h`: a duration in seconds. */
export function parseSeconds(flag: string, value: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(value.trim());
  if (!m) throw new UsageError(`${flag} '${value}' is not a duration`, 'for example 90, 90s, 5m or 1h');
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[(m[2] ?? 's') as 's' | 'm' | 'h'];
}

export interface FaultOptions {
  lockWait: string;
  reconnectWait: string;
  keepalive: string;
  maxClockSkew: string;
}

export function faultOptions(o: FaultOptions): Pick<ReconcileOptions, 'lockWaitSeconds' | 'reconnectWindowMs' | 'maxClockSkewMs' | 'connect'> {
  const keepalive = parseSeconds('--keepalive', o.keepalive);
  if (keepalive <= 0) throw new UsageError('--keepalive must be more than 0');
  return {
    lockWaitSeconds: parseSeconds('--lock-wait', o.lockWait),
    reconnectWindowMs: parseSeconds('--reconnect-wait', o.reconnectWait) * 1000,
    maxClockSkewMs: parseSeconds('--max-clock-skew', o.maxClockSkew) * 1000,
    connect: { keepaliveIntervalMs: keepalive * 1000 },
  };
}
