import { EMULATOR_COUNTER_KEYS, PERFORMCHAT_INVALIDATE_TOKEN_PATH, PERFORMCHAT_TOKEN_PATH } from './emulator.constants';
import { createCustomerUserId } from './customer-user-id';
import { restCounterKey } from './rest/rest.paths';
import type {
  EmulatorAgent,
  EmulatorApiKey,
  EmulatorCustomerUser,
  EmulatorRouteCounter,
  EmulatorStateSnapshot,
} from './emulator.interfaces';

const DOCUMENTED_PATHS = new Set([PERFORMCHAT_TOKEN_PATH, PERFORMCHAT_INVALIDATE_TOKEN_PATH]);

function emptyCounter(): EmulatorRouteCounter {
  return { attempts: 0, successes: 0, failures: {}, faulted: 0, dropped: 0 };
}

/**
 * Everything the emulator knows: API keys, agents, customer users and per-route counters.
 * Maps are live: tests may read them and mutate entries (e.g. `agents.get(id)!.active = false`).
 */
export class EmulatorState {
  /** API keys by `keyId` (with secrets: in-process only, never served over HTTP). */
  readonly keys = new Map<string, EmulatorApiKey>();
  /** Agents by id. */
  readonly agents = new Map<string, EmulatorAgent>();
  /** Customer users by internal id. */
  readonly customerUsers = new Map<string, EmulatorCustomerUser>();
  /** Counters by route key (`"POST /rest/v1/auth/token"`, ..., `"unmatched"`); see {@link EMULATOR_COUNTER_KEYS}. */
  readonly counters = new Map<string, EmulatorRouteCounter>();
  /** companyId → externalId → customer user. */
  private readonly byExternalId = new Map<string, Map<string, EmulatorCustomerUser>>();

  constructor(
    private readonly initialKeys: readonly EmulatorApiKey[],
    private readonly initialAgents: readonly EmulatorAgent[],
  ) {
    this.reset();
  }

  /** Finds the customer user of `(companyId, externalId)`. */
  findCustomerUser(companyId: string, externalId: string): EmulatorCustomerUser | undefined {
    return this.byExternalId.get(companyId)?.get(externalId);
  }

  /**
   * Returns the customer user of `(companyId, externalId)`, creating it (token version 0)
   * on first sight; records `agentId` and `lastSeenAt` every time. Synchronous, so
   * concurrent first requests for one user create exactly one.
   */
  touchCustomerUser(companyId: string, externalId: string, agentId: string, now: number): EmulatorCustomerUser {
    let users = this.byExternalId.get(companyId);
    if (users === undefined) {
      users = new Map();
      this.byExternalId.set(companyId, users);
    }
    let user = users.get(externalId);
    if (user === undefined) {
      const at = new Date(now);
      user = {
        id: createCustomerUserId(),
        externalId,
        companyId,
        agentId,
        tokenVersion: 0,
        active: true,
        createdAt: at,
        lastSeenAt: at,
      };
      users.set(externalId, user);
      this.customerUsers.set(user.id, user);
    } else {
      user.agentId = agentId;
      user.lastSeenAt = new Date(now);
    }
    return user;
  }

  /** Counters of one route; zeros when it was never called. */
  counter(route: string): EmulatorRouteCounter {
    return this.counters.get(route) ?? emptyCounter();
  }

  /**
   * The live counter for a request: the auth paths by method and path, the REST endpoints by
   * method and pattern (`GET /rest/v1/agents/:id`), anything else under `unmatched`.
   */
  counterFor(method: string, pathname: string): EmulatorRouteCounter {
    const key = DOCUMENTED_PATHS.has(pathname)
      ? method + ' ' + pathname
      : (restCounterKey(method, pathname) ?? EMULATOR_COUNTER_KEYS.unmatched);
    let counter = this.counters.get(key);
    if (counter === undefined) {
      counter = emptyCounter();
      this.counters.set(key, counter);
    }
    return counter;
  }

  /** Clears customer users and counters; restores keys and agents as configured. */
  reset(): void {
    this.customerUsers.clear();
    this.byExternalId.clear();
    this.counters.clear();
    this.keys.clear();
    this.agents.clear();
    for (const key of this.initialKeys)
      this.keys.set(key.keyId, { ...key, ...(key.permissions ? { permissions: [...key.permissions] } : {}) });
    for (const agent of this.initialAgents) this.agents.set(agent.id, { ...agent });
  }

  /**
   * Replaces the customer users and agents (state import); keys stay as configured. Counters
   * are kept: they count what this process received.
   */
  replaceData(customerUsers: readonly EmulatorCustomerUser[], agents: readonly EmulatorAgent[]): void {
    this.customerUsers.clear();
    this.byExternalId.clear();
    for (const user of customerUsers) {
      const copy = { ...user, createdAt: new Date(user.createdAt), lastSeenAt: new Date(user.lastSeenAt) };
      this.customerUsers.set(copy.id, copy);
      let users = this.byExternalId.get(copy.companyId);
      if (users === undefined) {
        users = new Map();
        this.byExternalId.set(copy.companyId, users);
      }
      users.set(copy.externalId, copy);
    }
    this.agents.clear();
    for (const agent of agents) this.agents.set(agent.id, { ...agent });
  }

  /** JSON-safe copy without key secrets (faults are added by the emulator). */
  snapshot(): Omit<EmulatorStateSnapshot, 'faults'> {
    return {
      customerUsers: [...this.customerUsers.values()].map((u) => ({
        id: u.id,
        externalId: u.externalId,
        companyId: u.companyId,
        agentId: u.agentId,
        tokenVersion: u.tokenVersion,
        active: u.active,
        createdAt: u.createdAt.toISOString(),
        lastSeenAt: u.lastSeenAt.toISOString(),
        // What PUT /rest/v1/customer-users/:id set, only once set.
        ...(u.name != null ? { name: u.name } : {}),
        ...(u.email != null ? { email: u.email } : {}),
        ...(u.metadata != null ? { metadata: u.metadata } : {}),
        ...(u.updatedAt !== undefined ? { updatedAt: u.updatedAt.toISOString() } : {}),
      })),
      agents: [...this.agents.values()].map((a) => ({
        id: a.id,
        name: a.name,
        active: a.active,
        companyId: a.companyId,
      })),
      keys: [...this.keys.values()].map((k) => ({
        keyId: k.keyId,
        companyId: k.companyId,
        name: k.name,
        environment: k.environment,
        expiresAt: k.expiresAt ? k.expiresAt.toISOString() : null,
        ...(k.permissions ? { permissions: [...k.permissions] } : {}),
      })),
      counters: Object.fromEntries(
        [...this.counters].map(([route, c]) => [route, { ...c, failures: { ...c.failures } }]),
      ),
    };
  }
}
