/**
 * `nestjs-performchat/otel`: the OpenTelemetry bridge. Spans and metrics from what the module
 * publishes on its diagnostics channels (docs/observability-otel.md), nothing else: it imports
 * no Nest class and the core entry never loads it. Needs `@opentelemetry/api` (an optional peer
 * of the package): importing this entry without it throws with what to install.
 */
export { instrumentPerformChat } from './perform-chat-instrumentation';
export type { PerformChatInstrumentation, PerformChatInstrumentationOptions } from './perform-chat-instrumentation';
export {
  DURATION_BUCKETS_SECONDS,
  PERFORM_CHAT_INSTRUMENTATION_NAME,
  PerformChatAttributes,
  PerformChatMetricNames,
  PerformChatSpanNames,
} from './otel-names';
