import { PerformChatErrorCode as Code } from '../errors/perform-chat-error-code';
import { EXPIRES_IN_FORMAT } from '../perform-chat.messages';
import { RATE_LIMIT_HEADERS, USER_RATE_LIMITED } from '../rate-limit/perform-chat-rate-limit.constants';
import { PerformChatTokenRouteErrorCode } from './token-route.errors';

/**
 * OpenAPI documentation of the token routes, applied only when the app has `@nestjs/swagger`
 * (an optional peer): it is required lazily, inside a try/catch, the way @nestjs/terminus does
 * for `@HealthCheck()`, and only plain-schema decorators are used (no DTO classes in the app's
 * document, nothing compared by class). Without it every function here is a no-op.
 */

type Decorator = (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => void;
type DecoratorFactory = (...options: unknown[]) => Decorator;

/** The decorators of @nestjs/swagger used here. */
interface Swagger {
  ApiTags: DecoratorFactory;
  ApiOperation: DecoratorFactory;
  ApiQuery: DecoratorFactory;
  ApiBody: DecoratorFactory;
  ApiResponse: DecoratorFactory;
}

let loaded: Swagger | null | undefined;

/** @nestjs/swagger when the app has it, else `null` (loaded once). */
function swagger(): Swagger | null {
  if (loaded === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const module = require('@nestjs/swagger') as Partial<Swagger>;
      loaded =
        typeof module.ApiResponse === 'function' && typeof module.ApiTags === 'function' ? (module as Swagger) : null;
    } catch {
      loaded = null;
    }
  }
  return loaded;
}

/** Default `openApiTag` of the `controller` extra. */
export const DEFAULT_OPENAPI_TAG = 'PerformChat';

/** The pattern of `expiresIn` (the documented `<n>s|m|h|d`), as OpenAPI writes it. */
export const EXPIRES_IN_OPENAPI_PATTERN = '^[1-9][0-9]{0,9}[smhd]$';

const AGENT_ID = {
  type: 'string',
  minLength: 1,
  maxLength: 256,
  example: 'agent_support',
  description:
    'The agent of the chat session; default: the `defaultAgentId` option (and one of `allowedAgentIds` when set).',
};

const EXPIRES_IN = {
  type: 'string',
  pattern: EXPIRES_IN_OPENAPI_PATTERN,
  example: '15m',
  description: `Token lifetime, ${EXPIRES_IN_FORMAT}; default: the \`defaultExpiresIn\` option, at most \`maxExpiresIn\`.`,
};

const TOKEN_RESPONSE = {
  type: 'object',
  required: ['token', 'expiresAt', 'expiresIn', 'agent'],
  additionalProperties: false,
  properties: {
    token: { type: 'string', description: 'The PerformChat chat token (a JWT) for the logged-in user.' },
    expiresAt: { type: 'string', format: 'date-time', description: 'When the token expires (ISO 8601).' },
    expiresIn: { type: 'integer', minimum: 0, description: 'Seconds until `expiresAt`: refresh a few minutes before.' },
    agent: {
      type: 'object',
      required: ['id', 'name'],
      additionalProperties: false,
      properties: { id: { type: 'string' }, name: { type: 'string' } },
    },
  },
};

const REVOKE_RESPONSE = {
  type: 'object',
  required: ['revoked'],
  additionalProperties: false,
  properties: {
    revoked: { type: 'integer', minimum: 0, description: 'Customer users whose tokens were invalidated.' },
  },
};

const INTEGER = { type: 'integer', minimum: 0 };

/** The headers of a counted answer (the per-user limit of the token routes). */
const RATE_LIMIT_RESPONSE_HEADERS = {
  [RATE_LIMIT_HEADERS.limit]: { description: 'Requests allowed per window.', schema: INTEGER },
  [RATE_LIMIT_HEADERS.remaining]: { description: 'Requests left in this window.', schema: INTEGER },
  [RATE_LIMIT_HEADERS.reset]: { description: 'Seconds until the window (or the block) ends.', schema: INTEGER },
};

const RETRY_AFTER = {
  [RATE_LIMIT_HEADERS.retryAfter]: {
    description: 'Whole seconds to wait before trying again.',
    schema: { type: 'integer', minimum: 1 },
  },
};

/** An error status of the token routes: the codes its body can carry, and whether it says `Retry-After`. */
export interface TokenRouteErrorDoc {
  status: number;
  error: string;
  description: string;
  codes: readonly string[];
  retryAfter?: boolean;
}

const ERRORS = {
  invalidInput: (codes: readonly string[]): TokenRouteErrorDoc => ({
    status: 400,
    error: 'Bad Request',
    description:
      'The input is refused before any call: its shape (not an object, a wrong type, an unknown field, `userId`), the agent id or the lifetime.',
    codes,
  }),
  unauthenticated: {
    status: 401,
    error: 'Unauthorized',
    description: "No logged-in user: the app's authentication guard must run before this route and set the user.",
    codes: [PerformChatTokenRouteErrorCode.UNAUTHENTICATED],
  },
  agentNotAllowed: {
    status: 403,
    error: 'Forbidden',
    description: 'The agent is not one of the `allowedAgentIds` option.',
    codes: [Code.AGENT_NOT_ALLOWED],
  },
  notJson: {
    status: 415,
    error: 'Unsupported Media Type',
    description: 'A POST must say `content-type: application/json` (`{}` when there is nothing to send).',
    codes: [PerformChatTokenRouteErrorCode.UNSUPPORTED_MEDIA_TYPE],
  },
  tooMany: {
    status: 429,
    error: 'Too Many Requests',
    description: "The user's own limit (`USER_RATE_LIMITED`), or PerformChat's rate limit (`RATE_LIMITED`).",
    codes: [USER_RATE_LIMITED, Code.RATE_LIMITED],
    retryAfter: true,
  },
  badGateway: (codes: readonly string[]): TokenRouteErrorDoc => ({
    status: 502,
    error: 'Bad Gateway',
    description:
      "PerformChat refused this server's request (its key, or the configured `defaultAgentId`) or answered something unusable; the server log has the details.",
    codes,
  }),
  unavailable: (codes: readonly string[]): TokenRouteErrorDoc => ({
    status: 503,
    error: 'Service Unavailable',
    description:
      'PerformChat is unreachable, slow, failing or busy (the upstream budget), or the circuit breaker is open; try again after `Retry-After`.',
    codes,
    retryAfter: true,
  }),
} as const;

/** Every error status of `GET|POST /token`, with the codes its body carries. */
export const TOKEN_ROUTE_ERRORS: readonly TokenRouteErrorDoc[] = [
  ERRORS.invalidInput([PerformChatTokenRouteErrorCode.INVALID_ARGUMENT, Code.INVALID_EXPIRES_IN, Code.AGENT_NOT_FOUND]),
  ERRORS.unauthenticated,
  ERRORS.agentNotAllowed,
  ERRORS.notJson,
  ERRORS.tooMany,
  ERRORS.badGateway([Code.INVALID_CREDENTIALS, Code.AGENT_NOT_FOUND, Code.UPSTREAM_BAD_REQUEST, Code.INVALID_RESPONSE]),
  ERRORS.unavailable([
    Code.RATE_LIMITED,
    Code.TIMEOUT,
    Code.UNREACHABLE,
    Code.UPSTREAM_ERROR,
    Code.UPSTREAM_UNAVAILABLE,
  ]),
];

/** Every error status of `POST /token/revoke`. */
export const REVOKE_ROUTE_ERRORS: readonly TokenRouteErrorDoc[] = [
  ERRORS.invalidInput([PerformChatTokenRouteErrorCode.INVALID_ARGUMENT]),
  ERRORS.unauthenticated,
  ERRORS.notJson,
  ERRORS.tooMany,
  ERRORS.badGateway([Code.INVALID_CREDENTIALS, Code.UPSTREAM_BAD_REQUEST, Code.INVALID_RESPONSE]),
  ERRORS.unavailable([
    Code.RATE_LIMITED,
    Code.TIMEOUT,
    Code.UNREACHABLE,
    Code.UPSTREAM_ERROR,
    Code.UPSTREAM_UNAVAILABLE,
    Code.STORE_UNAVAILABLE,
  ]),
];

/** The body of an error status: `{ statusCode, message, error, code }`. */
function errorBody(doc: TokenRouteErrorDoc) {
  return {
    type: 'object',
    required: ['statusCode', 'message', 'error', 'code'],
    properties: {
      statusCode: { type: 'integer', enum: [doc.status] },
      message: {
        oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
        description: 'What is wrong (a list for input validation).',
      },
      error: { type: 'string', enum: [doc.error] },
      code: { type: 'string', enum: [...doc.codes], description: 'Stable: switch on it, not on the message.' },
    },
  };
}

type TokenRoute = 'get' | 'post' | 'revoke';

const OPERATIONS: Record<TokenRoute, { summary: string; description: string }> = {
  get: {
    summary: 'A chat token for the logged-in user',
    description:
      'Issues a short-lived PerformChat chat token for the user the app authenticated (never one named by the caller). Counted by the per-user limit (shared with POST).',
  },
  post: {
    summary: 'A chat token for the logged-in user (JSON body)',
    description:
      'As GET, with the options in a JSON body; `content-type: application/json` is required (a cross-site form cannot send it).',
  },
  revoke: {
    summary: 'Revoke every token of the logged-in user',
    description: 'Logout everywhere: invalidates every PerformChat token of the current user.',
  },
};

/** The decorators of one route: operation, input, the 200 answer and every error status. */
function routeDecorators(api: Swagger, route: TokenRoute): Decorator[] {
  const decorators: Decorator[] = [api.ApiOperation(OPERATIONS[route])];
  if (route === 'get') {
    decorators.push(
      api.ApiQuery({ name: 'agentId', required: false, schema: AGENT_ID, description: AGENT_ID.description }),
      api.ApiQuery({ name: 'expiresIn', required: false, schema: EXPIRES_IN, description: EXPIRES_IN.description }),
    );
  } else {
    const properties = route === 'post' ? { agentId: AGENT_ID, expiresIn: EXPIRES_IN } : {};
    decorators.push(
      api.ApiBody({
        required: true,
        description:
          route === 'post' ? '`{}` for the defaults.' : "Always `{}`: it revokes the current user's own tokens.",
        schema: {
          type: 'object',
          additionalProperties: false,
          properties,
          example: route === 'post' ? { expiresIn: '15m' } : {},
        },
      }),
    );
  }
  decorators.push(
    api.ApiResponse({
      status: 200,
      description: route === 'revoke' ? 'The tokens are invalidated.' : 'The token (`Cache-Control: no-store`).',
      schema: route === 'revoke' ? REVOKE_RESPONSE : TOKEN_RESPONSE,
      headers: {
        ...RATE_LIMIT_RESPONSE_HEADERS,
        'Cache-Control': { description: '`no-store`', schema: { type: 'string' } },
      },
    }),
  );
  const errors =
    route === 'revoke'
      ? REVOKE_ROUTE_ERRORS
      : TOKEN_ROUTE_ERRORS.filter((doc) => route === 'post' || doc.status !== 415);
  for (const doc of errors) {
    decorators.push(
      api.ApiResponse({
        status: doc.status,
        description: doc.description,
        schema: errorBody(doc),
        ...(doc.retryAfter ? { headers: RETRY_AFTER } : {}),
      }),
    );
  }
  return decorators;
}

/** Method decorator: documents one token route when @nestjs/swagger is installed, else does nothing. */
export function TokenRouteDocs(route: TokenRoute): MethodDecorator {
  return (target, key, descriptor) => {
    const api = swagger();
    if (!api) return;
    for (const decorate of routeDecorators(api, route)) decorate(target, key, descriptor);
  };
}

/** Tags the token controller of one module instance (the `openApiTag` of the `controller` extra). */
export function tagTokenController(controller: object, tag: string): void {
  swagger()?.ApiTags(tag)(controller);
}
