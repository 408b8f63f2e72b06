/**
 * `nestjs-performchat/emulator`: a local PerformChat API for development, demos, tests and
 * benchmarks. Plain node:http; the chat socket (option `chat`) needs socket.io, an optional
 * peer loaded only when it is on. See the README of this folder.
 */
export { startPerformChatEmulator } from './emulator.server';
export { EmulatorState } from './emulator.state';
export { EmulatorOptionsError } from './emulator.options';
export { EMULATOR_DEFAULT_REQUEST_LOG_ENTRIES } from './emulator.options';
export { EmulatorStateImportError, EMULATOR_STATE_FORMAT, EMULATOR_STATE_VERSION } from './state-transfer';
export {
  EMULATOR_CHAT_PATH,
  EMULATOR_CHAT_EVENTS,
  EMULATOR_CHAT_DEFAULTS,
  EMULATOR_CHAT_ECHO_PREFIX,
} from './chat/chat.constants';
export type {
  EmulatorChat,
  EmulatorChatAgentScript,
  EmulatorChatError,
  EmulatorChatMessage,
  EmulatorChatOptions,
  EmulatorChatRefusalReason,
  EmulatorChatReplyContext,
  EmulatorChatRole,
  EmulatorChatSocketInfo,
  EmulatorConversation,
  EmulatorSocketFault,
  EmulatorSocketFaultKind,
  EmulatorSocketFaultSpec,
  EmulatorSocketFaultTarget,
} from './chat/chat.interfaces';
export { EmulatorFaultSpecError, EMULATOR_FAULT_KINDS } from './faults';
export { parseEmulatorExpiresIn } from './expires-in';
export { EMULATOR_MESSAGES } from './emulator.messages';
export { EmulatorConversationSeedError } from './rest/rest.conversations';
export type { EmulatorConversationSeed, RestMessageRole as EmulatorRestMessageRole } from './rest/rest.conversations';
export { PERFORMCHAT_REST_PREFIX, PERFORMCHAT_REST_ROUTES } from './rest/rest.paths';
export {
  EMULATOR_ADMIN_PREFIX,
  EMULATOR_CONVERSATIONS_PATH,
  EMULATOR_COUNTER_KEYS,
  EMULATOR_DEFAULT_EXPIRES_IN,
  EMULATOR_DEFAULT_HOST,
  EMULATOR_DEFAULT_MAX_BODY_BYTES,
  EMULATOR_DEFAULT_OVERSIZED_BYTES,
  EMULATOR_DEFAULT_RATE_LIMITS,
  EMULATOR_DEFAULT_TRICKLE_INTERVAL_MS,
  EMULATOR_DEMO_AGENT_ID,
  EMULATOR_DEMO_AGENTS,
  EMULATOR_DEMO_COMPANY_ID,
  EMULATOR_DEMO_KEY,
  EMULATOR_STANDALONE_DEFAULT_PORT,
  EMULATOR_TOKEN_PERMISSION,
  PERFORMCHAT_INVALIDATE_TOKEN_PATH,
  PERFORMCHAT_TOKEN_PATH,
} from './emulator.constants';
export type {
  EmulatorAgent,
  EmulatorAgentOptions,
  EmulatorApiKey,
  EmulatorApiKeyOptions,
  EmulatorCustomerUser,
  EmulatorEnvironment,
  EmulatorFault,
  EmulatorFaultKind,
  EmulatorFaultSpec,
  EmulatorHttpLogEntry,
  EmulatorLogEntry,
  EmulatorLogger,
  EmulatorPermission,
  EmulatorRateLimit,
  EmulatorRateLimitsOptions,
  EmulatorRequestLogFilter,
  EmulatorResponseShape,
  EmulatorRouteCounter,
  EmulatorSocketLogEntry,
  EmulatorSocketLogEvent,
  EmulatorStateExport,
  EmulatorStateSnapshot,
  EmulatorTokenInvalidReason,
  EmulatorVerifyResult,
  PerformChatEmulator,
  PerformChatEmulatorOptions,
  PerformChatTokenClaims,
} from './emulator.interfaces';
