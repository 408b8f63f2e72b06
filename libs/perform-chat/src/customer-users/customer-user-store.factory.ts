import { PerformChatRedisConnections } from '../redis/perform-chat-redis.connections';
import { PerformChatCustomerUserStoreOption } from '../options/customer-user-store.options';
import { isCustomStore } from '../options/customer-user-store.validation';
import { MemoryCustomerUserStore } from './memory-customer-user.store';
import { PerformChatCustomerUserStore } from './perform-chat-customer-user.store';
import { RedisCustomerUserStore } from './redis-customer-user.store';

/** Builds the store the (validated) option asks for. */
export function createCustomerUserStore(
  option: PerformChatCustomerUserStoreOption,
  redisConnections: PerformChatRedisConnections,
): PerformChatCustomerUserStore {
  if (option === 'memory') return new MemoryCustomerUserStore();
  if (isCustomStore(option)) return option;
  if ('redis' in option) {
    return new RedisCustomerUserStore(redisConnections.get(option.redis), option);
  }
  return new MemoryCustomerUserStore(option.maxRecords);
}
