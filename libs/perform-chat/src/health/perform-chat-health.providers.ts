import { Provider } from '@nestjs/common';
import { PerformChatHealthIndicator } from './perform-chat-health.indicator';
import { PerformChatHealthProbe } from './perform-chat-health.probe';
import { PerformChatRedisHealthIndicator } from './perform-chat-redis-health.indicator';
import { performChatTerminusProvider } from './perform-chat-terminus.provider';

/** Everything PerformChatModule needs for its two health indicators. */
export const PERFORM_CHAT_HEALTH_PROVIDERS: Provider[] = [
  performChatTerminusProvider,
  PerformChatHealthProbe,
  PerformChatHealthIndicator,
  PerformChatRedisHealthIndicator,
];
