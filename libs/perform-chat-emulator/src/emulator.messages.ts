/** Every user-facing string of the emulator, in one place. Documented strings are verbatim. */
export const EMULATOR_MESSAGES = Object.freeze({
  /** Documented (errors page, invalidation page). */
  invalidCredentials: 'Invalid API credentials',
  /** Documented as a cause on the errors page; the exact text is not documented. */
  expiredKey: 'Expired API key',
  insufficientPermissions: 'Insufficient permissions',
  agentNotFound: 'Agent not found',
  noActiveAgents: 'No active agents',
  /** Documented (invalidation page). */
  customerUserNotFound: 'Customer user not found or does not belong to your company',
  /** Documented (invalidation page). */
  tokensInvalidated: 'All tokens invalidated successfully',
  tooManyRequests: 'Too Many Requests',
  invalidJson: 'Request body must be valid JSON',
  notJsonContentType: 'Content-Type must be application/json',
  bodyNotObject: 'Request body must be a JSON object',
  bodyTooLarge: 'request entity too large',
  invalidExpiresIn: 'expiresIn must be a positive integer followed by s, m, h or d (e.g. "15m", "1h", "24h", "7d")',
  internalError: 'Internal server error',
  required: (field: string) => `${field} is required`,
  mustBeString: (field: string) => `${field} must be a string`,
  mustNotBeEmpty: (field: string) => `${field} must not be empty`,
  cannot: (method: string, url: string) => `Cannot ${method} ${url}`,

  // --- Chat socket (issue 17) ---
  socketIoMissing:
    'PerformChat emulator: the chat socket needs the socket.io package (an optional peer dependency): ' +
    'npm install socket.io@^4, or start the emulator without the chat socket (chat: false, --no-chat)',
  /** `connect_error` / `chat:error` texts, by refusal reason. */
  chatRefusals: Object.freeze({
    missing_token: 'auth.token is required: io(url, { auth: { token } })',
    malformed: 'Token is malformed',
    signature: 'Token signature is invalid',
    expired: 'Token expired',
    customer_user_not_found: 'Customer user not found',
    customer_user_inactive: 'Customer user is inactive',
    token_version: 'Token was invalidated',
    company: 'Token does not belong to this company',
    agent_inactive: 'Agent is not active',
    unavailable: 'Chat is temporarily unavailable',
    agent_mismatch: 'agentId is not the agent of the token',
    user_mismatch: "The token is another customer user's",
    conversation_not_found: 'Conversation not found',
    not_joined: 'Join a conversation first (chat:join)',
    invalid_message: 'message must be a non-empty string',
  } as Record<string, string>),
  messageTooLong: (max: number) => `message must be at most ${max} characters`,
  chatRefusal: (reason: string) => `Refused (${reason})`,
  signingSecretMismatch:
    'state import: the document was exported with another signing secret; start the emulator with that signingSecret to import it',

  // The agents, customer-users and conversations APIs (rest/). Documented (spec §2.3) unless said.
  invalidQueryParameters: 'Invalid query parameters',
  invalidParameters: 'Invalid parameters',
  invalidAgentIdFormat: 'Invalid agent ID format',
  agentNotFoundOrOtherCompany: "Agent not found or doesn't belong to company",
  customerUserNotFoundOrOtherCompany: "Customer user not found or doesn't belong to company",
  invalidRequestBody: 'Invalid request body',
  /** Documented for GET /conversations/:id; the emulator answers the messages route the same way. */
  conversationNotFound: "Conversation not found or doesn't belong to company",
});
