import { resolveHealthCheckOptions } from './health.validation';
import { PerformChatRateLimit } from '../rate-limit/perform-chat-rate-limit.decorator';
import { DURATION_BOUNDS, DurationOption, MAX_TIMER_DELAY_MS } from './perform-chat-options.bounds';
import { PerformChatModuleOptions } from './perform-chat-options.interface';
import { PerformChatOptionsError, resolvePerformChatOptions } from './perform-chat-options.validation';
import { performChatConfig } from './perform-chat.config';

const base: PerformChatModuleOptions = { keyId: 'pk_bounds', keySecret: 'sk_bounds' };

/** The options with one duration set, by path (`retry.maxDelayMs` → `{ retry: { maxDelayMs } }`). */
function withDuration(option: DurationOption, value: number): PerformChatModuleOptions {
  const [head, field] = option.split('.');
  // A refresh interval needs a provider (and then no keyId/keySecret).
  if (option === 'credentialsRefreshMs')
    return { credentials: () => ({ keyId: 'pk', keySecret: 'sk' }), [head]: value };
  if (!field) return { ...base, [head]: value };
  // The customer-user TTL exists on the Redis store only (validated, never connected here).
  const holder =
    head === 'customerUserStore' ? { redis: 'redis://127.0.0.1:6379', [field]: value } : { [field]: value };
  return { ...base, [head]: holder };
}

function problemsOf(options: PerformChatModuleOptions): string[] {
  try {
    resolvePerformChatOptions(options);
    return [];
  } catch (error) {
    if (error instanceof PerformChatOptionsError) return error.problems;
    throw error;
  }
}

describe('duration bounds', () => {
  const rows = Object.entries(DURATION_BOUNDS) as [DurationOption, (typeof DURATION_BOUNDS)[DurationOption]][];

  it('are all below what setTimeout can hold, for those that become timers', () => {
    const timers = rows.filter(([, bound]) => bound.timer);
    expect(timers.length).toBe(rows.length - 1); // all but the customer-user store's Redis TTL
    for (const [, { max, unit }] of timers)
      expect(max * (unit === 'seconds' ? 1000 : 1)).toBeLessThan(MAX_TIMER_DELAY_MS);
  });

  it.each(rows)(
    '%s: the bound is accepted, one more is refused naming the field and the bound',
    (option, { max, unit, human }) => {
      expect(problemsOf(withDuration(option, max))).toEqual([]);
      expect(problemsOf(withDuration(option, max + 1))).toEqual([
        `${option} must be at most ${max} ${unit} (${human})`,
      ]);
    },
  );

  it('refuses the values of the report: timeout and deadline of 3,000,000,000 ms, a health timeout as long', () => {
    expect(
      problemsOf({ ...base, timeoutMs: 3e9, deadlineMs: 3e9, health: { timeoutMs: 3e9, cacheTtlMs: 3e9 } }),
    ).toEqual([
      'timeoutMs must be at most 300000 milliseconds (5 minutes)',
      'deadlineMs must be at most 600000 milliseconds (10 minutes)',
      'health.timeoutMs must be at most 60000 milliseconds (1 minute)',
      'health.cacheTtlMs must be at most 3600000 milliseconds (1 hour)',
    ]);
  });

  it('refuses PERFORMCHAT_RATE_LIMIT_DURATION=2592000 (30 days, a sweep timer Node cannot hold)', () => {
    const options = performChatConfig({
      PERFORMCHAT_KEY_ID: 'pk',
      PERFORMCHAT_KEY_SECRET: 'sk',
      PERFORMCHAT_RATE_LIMIT_DURATION: '2592000',
    });
    expect(problemsOf(options)).toEqual(['rateLimit.duration must be at most 604800 seconds (7 days)']);
  });

  it('leave the type checks to each option (no second problem for a value that is not a number)', () => {
    expect(problemsOf({ ...base, timeoutMs: Infinity, retry: { maxDelayMs: '9e9' as never } })).toEqual([
      'timeoutMs must be a whole number of milliseconds, at least 1',
      'retry.maxDelayMs must be a whole number of milliseconds, at least 1',
    ]);
  });

  it('apply to @PerformChatRateLimit too', () => {
    expect(() => PerformChatRateLimit({ points: 1, duration: 2_592_000, blockDuration: 1e9 })).toThrow(
      'Invalid @PerformChatRateLimit options: PerformChatRateLimit.duration must be at most 604800 seconds (7 days); PerformChatRateLimit.blockDuration must be at most 604800 seconds (7 days)',
    );
    expect(() => PerformChatRateLimit({ points: 1, duration: 604_800 })).not.toThrow();
  });

  it('apply to the per-call options of the health indicators', () => {
    const defaults = { timeoutMs: 1000, cacheTtlMs: 5000, breakerOpenIsDown: true, notFoundIsDown: true };
    expect(() => resolveHealthCheckOptions({ timeoutMs: 3e9 }, defaults)).toThrow(
      'Invalid health check options: timeoutMs must be at most 60000 milliseconds (1 minute)',
    );
    expect(() => resolveHealthCheckOptions({ cacheTtlMs: 3_600_001 }, defaults)).toThrow(
      /cacheTtlMs .* at most 3600000/,
    );
    expect(resolveHealthCheckOptions({ timeoutMs: 60_000 }, defaults)).toEqual({ ...defaults, timeoutMs: 60_000 });
  });
});
