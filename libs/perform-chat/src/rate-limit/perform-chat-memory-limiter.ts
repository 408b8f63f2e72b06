import { IRateLimiterOptions, RateLimiterMemory } from 'rate-limiter-flexible';
import { ExpiringMemoryStorage } from './expiring-memory.storage';

/**
 * rate-limiter-flexible's `RateLimiterMemory` (same consume/penalty/reward/block/get/delete
 * logic and answers) on {@link ExpiringMemoryStorage}: no timer per key, and keys stored without
 * the `keyPrefix` (the storage belongs to this limiter alone, so the prefix told nothing apart
 * and cost its length on every tracked key). `keyPrefix` is still the limiter's property.
 */
export class PerformChatMemoryLimiter extends RateLimiterMemory {
  constructor(options: IRateLimiterOptions) {
    super(options);
    (this as unknown as { _memoryStorage: ExpiringMemoryStorage })._memoryStorage = new ExpiringMemoryStorage();
  }

  override getKey(key: string | number): string {
    return String(key);
  }

  override parseKey(rlKey: string): string {
    return rlKey;
  }
}
