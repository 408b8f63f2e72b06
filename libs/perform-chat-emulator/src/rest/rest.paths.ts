/** Prefix of the documented agents, customer-users and conversations APIs (the docs' `/rest/v1/v1/...` is a doc error). */
export const PERFORMCHAT_REST_PREFIX = '/rest/v1';

/** The documented REST endpoints beyond auth, as `"<METHOD> <path pattern>"` (also their counter keys). */
export const PERFORMCHAT_REST_ROUTES = Object.freeze({
  listAgents: 'GET /rest/v1/agents',
  getAgent: 'GET /rest/v1/agents/:id',
  listCustomerUsers: 'GET /rest/v1/customer-users',
  updateCustomerUser: 'PUT /rest/v1/customer-users/:id',
  listConversations: 'GET /rest/v1/conversations',
  getConversation: 'GET /rest/v1/conversations/:id',
  listMessages: 'GET /rest/v1/conversations/:id/messages',
});

export type RestRouteName = keyof typeof PERFORMCHAT_REST_ROUTES;

/** A request path matched to one of the documented endpoints. */
export interface RestRouteMatch {
  name: RestRouteName;
  /** The method the endpoint serves. */
  method: 'GET' | 'PUT';
  /** The path pattern, e.g. `/rest/v1/agents/:id`. */
  pattern: string;
  /** The `:id` segment as sent (still percent-encoded). */
  rawId?: string;
}

const SEGMENT = '([^/]+)';
const MATCHERS: ReadonlyArray<[RegExp, RestRouteName]> = [
  [/^\/rest\/v1\/agents\/?$/, 'listAgents'],
  [new RegExp(`^/rest/v1/agents/${SEGMENT}$`), 'getAgent'],
  [/^\/rest\/v1\/customer-users\/?$/, 'listCustomerUsers'],
  [new RegExp(`^/rest/v1/customer-users/${SEGMENT}$`), 'updateCustomerUser'],
  [/^\/rest\/v1\/conversations\/?$/, 'listConversations'],
  [new RegExp(`^/rest/v1/conversations/${SEGMENT}$`), 'getConversation'],
  [new RegExp(`^/rest/v1/conversations/${SEGMENT}/messages$`), 'listMessages'],
];

/** The documented endpoint of `pathname` (any method), or undefined. */
export function matchRestRoute(pathname: string): RestRouteMatch | undefined {
  if (!pathname.startsWith(PERFORMCHAT_REST_PREFIX)) return undefined;
  for (const [pattern, name] of MATCHERS) {
    const found = pattern.exec(pathname);
    if (found === null) continue;
    const [method, path] = PERFORMCHAT_REST_ROUTES[name].split(' ') as ['GET' | 'PUT', string];
    return { name, method, pattern: path, ...(found[1] !== undefined ? { rawId: found[1] } : {}) };
  }
  return undefined;
}

/** Counter key of a request to a documented REST endpoint: `"<METHOD> <pattern>"`, e.g. `GET /rest/v1/agents/:id`. */
export function restCounterKey(method: string, pathname: string): string | undefined {
  const route = matchRestRoute(pathname);
  return route === undefined ? undefined : `${method} ${route.pattern}`;
}
