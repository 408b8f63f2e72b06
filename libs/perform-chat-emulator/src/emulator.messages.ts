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
