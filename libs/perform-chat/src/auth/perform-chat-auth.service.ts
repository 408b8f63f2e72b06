import { Inject, Injectable, Logger } from '@nestjs/common';
import { describeStoreFailure } from '../customer-users/customer-user-store.failure';
import { PerformChatCustomerUserStore } from '../customer-users/perform-chat-customer-user.store';
import { PerformChatError, isPerformChatError } from '../errors/perform-chat.error';
import { PerformChatErrorCode } from '../errors/perform-chat-error-code';
import { PerformChatHttpClient } from '../client/perform-chat.client';
import { PerformChatCircuitBreakerState } from '../client/perform-chat-resilience.interfaces';
import { generateTokenResource, invalidateTokensResource } from '../client/resources/auth.resources';
import { PERFORM_CHAT_AUTH_SLICE, PerformChatAuthSlice } from '../options/perform-chat-options.slices';
import { LOGGER_CONTEXT } from '../perform-chat.constants';
import { Messages } from '../perform-chat.messages';
import { performChatLogEntry } from '../telemetry/perform-chat-log.listener';
import { parseExpiresIn } from '../options/expires-in';
import { assertIdentifier } from '../options/identifier';
import { mapWithConcurrency } from './map-with-concurrency';
import { SharedGenerations } from './shared-generations';
import { PerformChatTokenReuse, TokenClaim, TokenScope } from '../token-reuse/perform-chat-token-reuse';
import { PerformChatTelemetry } from '../telemetry/perform-chat-telemetry';
import {
  PerformChatCallTrace,
  PerformChatTokenIssueContext,
  PerformChatTokensInvalidateContext,
  isTraced,
  traceOperation,
} from '../telemetry/perform-chat-channels';
import type { PerformChatInvalidation, PerformChatToken } from '../client/resources/auth.interfaces';
import {
  GenerateTokenRequest,
  InvalidateAllOptions,
  InvalidateAllSummary,
  InvalidateUsersOptions,
  UserInvalidationResult,
} from './perform-chat-token.interfaces';

/** Parallel invalidations when revoking many users at once, unless told otherwise. */
export const DEFAULT_INVALIDATION_CONCURRENCY = 4;

/**
 * Generations of one request whose token a revocation running meanwhile made stale, before it
 * gives up (three revocations of one user within three generations: a revocation loop).
 */
const MAX_STALE_GENERATIONS = 3;

/** How a served token was obtained (the `source` of the `onTokenIssued` hook). */
type TokenSource = 'generated' | 'reused' | 'shared';

interface Served {
  token: PerformChatToken;
  source: TokenSource;
}

/**
 * Trades the API key for chat tokens and invalidates them.
 * Inject it anywhere the module is imported; every method validates its input before any
 * network call and fails only with {@link PerformChatError}.
 */
@Injectable()
export class PerformChatAuthService {
  private readonly logger = new Logger(LOGGER_CONTEXT);
  /** The reason of each error made by {@link fromStore}, for one summary line over many users. */
  private readonly storeFailures = new WeakMap<object, string>();
  private readonly shared = new SharedGenerations<Served>();

  constructor(
    @Inject(PERFORM_CHAT_AUTH_SLICE) private readonly options: PerformChatAuthSlice,
    private readonly client: PerformChatHttpClient,
    @Inject(PerformChatCustomerUserStore) private readonly store: PerformChatCustomerUserStore,
    private readonly reuse: PerformChatTokenReuse,
    private readonly telemetry: PerformChatTelemetry,
  ) {}

  /**
   * Gets a chat token for one of your users and one agent (`POST /rest/v1/auth/token`).
   * PerformChat creates the customer user on first sight; its id is saved in the
   * customer-user store so the user's tokens can be revoked later.
   *
   * With `tokenReuse`, a stored token of the same user, agent, lifetime (and session) with at
   * least `minRemaining` left is returned instead (its own `expiresAt`); concurrent requests for
   * the same token share one generation (`shareConcurrentGenerations`). Each attempt of a
   * generation spends one of the user's share of the budget (`upstreamBudget.tokensPerUser`).
   * No token issued before a revocation of its customer user is returned after that revocation
   * returned.
   * @throws PerformChatError `USER_RATE_LIMITED` when the user's share is spent (nothing sent)
   */
  async generateToken(request: GenerateTokenRequest): Promise<PerformChatToken> {
    if (!isTraced('tokenIssue')) return (await this.issue(request)).token;
    const context: PerformChatTokenIssueContext = { instance: this.telemetry.instance, attempts: 0 };
    const served = await traceOperation(
      'tokenIssue',
      context,
      () => this.issue(request, context),
      ({ token, source }) => ({
        source,
        agentId: token.agent.id,
        expiresInSeconds: token.expiresInSeconds,
        customerUserId: token.customerUser.id,
      }),
    );
    return served.token;
  }

  /** {@link generateToken}, telling its traced `context` (when there is one) what it checked. */
  private async issue(request: GenerateTokenRequest, context?: PerformChatTokenIssueContext): Promise<Served> {
    const userId = assertIdentifier('userId', request?.userId);
    if (context) context.userId = userId;
    const { agentId, fromDefault } = this.chooseAgent(request.agentId);
    if (context) context.agentId = agentId;
    const expiresIn = request.expiresIn ?? this.options.defaultExpiresIn;
    const expiresInSeconds = parseExpiresIn(expiresIn, this.options.maxExpiresIn);
    if (context) context.expiresInSeconds = expiresInSeconds;
    const sessionId = request.sessionId === undefined ? undefined : assertIdentifier('sessionId', request.sessionId);
    const scope: TokenScope = { userId, agentId, expiresInSeconds, ...(sessionId !== undefined ? { sessionId } : {}) };
    // A lifetime not above minRemaining would be stored for no time at all.
    const reusable =
      this.reuse.enabled && request.reuse !== false && expiresInSeconds > this.options.tokenReuse.minRemainingSeconds;

    const { token, source } = await this.supply(
      scope,
      expiresIn,
      fromDefault,
      reusable,
      request.fresh === true,
      context,
    );
    await this.runHook('onTokenIssued', {
      userId,
      agentId,
      customerUserId: token.customerUser.id,
      companyId: token.customerUser.companyId,
      expiresAt: token.expiresAt,
      expiresInSeconds: token.expiresInSeconds,
      source,
    });
    return { token, source };
  }

  /**
   * A stored token (unless `fresh`: the caller's was refused), else a generation shared with
   * concurrent requests for the same token, else one of its own.
   */
  private async supply(
    scope: TokenScope,
    expiresIn: string,
    fromDefault: boolean,
    reusable: boolean,
    fresh: boolean,
    trace?: PerformChatCallTrace,
  ): Promise<Served> {
    const name = this.reuse.nameOf(scope);
    if (reusable && !fresh) {
      const stored = await this.reuse.find(name);
      if (stored) {
        this.reportServed('token.reused', stored);
        return { token: stored, source: 'reused' };
      }
    }
    const produce = () => this.produce(scope, name, expiresIn, fromDefault, reusable, fresh, trace);
    if (!this.options.tokenReuse.shareConcurrent) return produce();
    // A request that must not reuse (no session) never shares with one that may.
    const { promise, shared } = this.shared.run(`${reusable ? 'r' : 'f'}${fresh ? '!' : ''}:${name}`, produce);
    const served = await promise;
    if (!shared) return served;
    const token = {
      ...served.token,
      expiresInSeconds: Math.max(0, Math.floor((served.token.expiresAt.getTime() - Date.now()) / 1000)),
    };
    this.reportServed('token.shared', token);
    return { token, source: 'shared' };
  }

  /**
   * The generation of a token, once per scope across instances with a shared token store: a
   * request whose scope another instance is generating waits for that token (until its
   * deadline, then generates anyway).
   */
  private async produce(
    scope: TokenScope,
    name: string,
    expiresIn: string,
    fromDefault: boolean,
    reusable: boolean,
    fresh: boolean,
    trace?: PerformChatCallTrace,
  ): Promise<Served> {
    let claim: TokenClaim | undefined;
    // A fresh request does not wait for another instance: it would find the refused token stored.
    if (reusable && !fresh) {
      const deadlineAt = Date.now() + this.options.tokenReuse.waitForOtherMs;
      while (!(claim = await this.reuse.claim(name))) {
        const other = await this.reuse.waitForOther(name, deadlineAt);
        if (other === undefined) break;
        if (other !== 'claimable') {
          this.reportServed('token.shared', other);
          return { token: other, source: 'shared' };
        }
      }
    }
    try {
      const token = await this.generateCurrent(scope, expiresIn, fromDefault, trace);
      await this.remember(token);
      if (reusable) await this.reuse.keep(name, token);
      return { token, source: 'generated' };
    } finally {
      await claim?.release();
    }
  }

  /**
   * One generation; each of its attempts spends one of the user's share of the budget (the
   * resource names the user: see PerformChatUserShare). A token a revocation made stale while it
   * was being generated is never returned: it is generated again.
   */
  private async generateCurrent(
    scope: TokenScope,
    expiresIn: string,
    fromDefault: boolean,
    trace?: PerformChatCallTrace,
  ): Promise<PerformChatToken> {
    const { userId, agentId, expiresInSeconds } = scope;
    for (let round = 1; ; round++) {
      let token: PerformChatToken;
      try {
        token = await this.client.call(
          generateTokenResource,
          { userId, agentId, expiresIn, expiresInSeconds, requestedAt: Date.now() },
          trace,
        );
      } catch (error) {
        throw fromDefault ? this.blameDefaultAgent(error) : error;
      }
      if (await this.reuse.isCurrent(token)) return token;
      this.telemetry.report({ type: 'token.stale', source: 'generated' });
      if (round >= MAX_STALE_GENERATIONS) {
        throw new PerformChatError(PerformChatErrorCode.UPSTREAM_UNAVAILABLE, Messages.revokedWhileGenerating(round), {
          retryAfterMs: 1_000,
        });
      }
    }
  }

  private reportServed(type: 'token.reused' | 'token.shared', token: PerformChatToken): void {
    this.telemetry.report({ type, agentId: token.agent.id, remainingSeconds: token.expiresInSeconds });
  }

  /**
   * Invalidates every token of one customer user (`POST /rest/v1/auth/invalidate-token`).
   * @param customerUserId PerformChat's internal id (`customerUser.id` of a token), not your user id.
   */
  async invalidateTokens(customerUserId: string): Promise<PerformChatInvalidation> {
    return this.invalidate(assertIdentifier('customerUserId', customerUserId));
  }

  /**
   * Invalidates every token of one of your users: each customer user stored for it (one per
   * agent or company it got tokens for). A customer user PerformChat no longer knows is
   * dropped from the store and not counted. Fails if any invalidation fails (retrying is safe).
   * @returns one result per customer user invalidated; `[]` when the store has none for the user.
   * @throws PerformChatError `STORE_UNAVAILABLE` (logged once) when the store cannot be read:
   *   nothing was revoked, which is never reported as `[]`.
   */
  async invalidateUserTokens(externalUserId: string): Promise<PerformChatInvalidation[]> {
    const userId = assertIdentifier('externalUserId', externalUserId);
    try {
      return await this.invalidateStoredUser(userId);
    } catch (error) {
      // Only the store lookup fails with this code: one line per failed call, no stack.
      if (isPerformChatError(error, PerformChatErrorCode.STORE_UNAVAILABLE)) {
        this.logger.warn(
          performChatLogEntry('store.read-failed', error.message, { userId, reason: this.storeFailures.get(error) }),
        );
      }
      throw error;
    }
  }

  /** {@link invalidateUserTokens} without its log line (callers that revoke many users log once). */
  private async invalidateStoredUser(userId: string): Promise<PerformChatInvalidation[]> {
    const records = await this.fromStore(
      () => this.store.listByExternalId(userId),
      (reason) => Messages.storeReadFailed(userId, reason),
    );
    const outcomes = await mapWithConcurrency(records, DEFAULT_INVALIDATION_CONCURRENCY, (record) =>
      this.invalidateRecord(userId, record.customerUserId),
    );
    const failure = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failure) throw (failure as PromiseRejectedResult).reason;
    return outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' && outcome.value ? [outcome.value] : []));
  }

  /**
   * Revokes the tokens of many users (e.g. after a permission change) with bounded concurrency.
   * Never throws for one user's failure: each result says what happened.
   */
  async invalidateUsers(
    externalUserIds: string[],
    options: InvalidateUsersOptions = {},
  ): Promise<UserInvalidationResult[]> {
    const ids = [...new Set(externalUserIds)];
    const outcomes = await mapWithConcurrency(ids, options.concurrency ?? DEFAULT_INVALIDATION_CONCURRENCY, (id) =>
      this.invalidateStoredUser(assertIdentifier('externalUserId', id)),
    );
    // A store outage fails every user alike: one line for all of them, not one per user.
    const unread = outcomes.filter(
      (outcome) => outcome.status === 'rejected' && this.storeFailures.has(outcome.reason),
    );
    if (unread.length > 0) {
      const reason = this.storeFailures.get((unread[0] as PromiseRejectedResult).reason as PerformChatError) as string;
      this.logger.warn(
        performChatLogEntry(
          'store.read-failed-for-users',
          Messages.storeReadFailedForUsers(unread.length, ids.length, reason),
          { failedUsers: unread.length, totalUsers: ids.length, reason },
        ),
      );
    }
    return outcomes.map((outcome, index) =>
      outcome.status === 'fulfilled'
        ? { userId: ids[index], invalidations: outcome.value }
        : { userId: ids[index], invalidations: [], error: this.asError(outcome.reason) },
    );
  }

  /**
   * App-wide revoke for an incident: invalidates every customer user the store knows, with
   * bounded concurrency, reporting progress. Failures of invalidations are collected, not thrown.
   * @throws PerformChatError `STORE_UNAVAILABLE` (logged once) when the store cannot be listed:
   *   the whole list is read before the first invalidation, so nothing was revoked.
   */
  async invalidateAllKnownUsers(options: InvalidateAllOptions = {}): Promise<InvalidateAllSummary> {
    const records = await this.fromStore(async () => {
      const listed: { userId: string; customerUserId: string }[] = [];
      for await (const record of this.store.iterate()) {
        listed.push({ userId: record.externalId, customerUserId: record.customerUserId });
      }
      return listed;
    }, Messages.storeIterateFailed).catch((error: PerformChatError) => {
      this.logger.warn(
        performChatLogEntry('store.list-failed', error.message, { reason: this.storeFailures.get(error) }),
      );
      throw error;
    });
    const summary: InvalidateAllSummary = { total: records.length, invalidated: 0, gone: 0, failed: [] };
    let done = 0;
    await mapWithConcurrency(records, options.concurrency ?? DEFAULT_INVALIDATION_CONCURRENCY, async (record) => {
      try {
        const result = await this.invalidateRecord(record.userId, record.customerUserId);
        if (result) summary.invalidated++;
        else summary.gone++;
      } catch (error) {
        summary.failed.push({ ...record, error: this.asError(error) });
      }
      options.onProgress?.({ done: ++done, total: records.length });
    });
    return summary;
  }

  /**
   * The circuit breaker in front of PerformChat: `closed` (calls go through), `open` (calls
   * fail fast with `UPSTREAM_UNAVAILABLE`; `retryAfterMs` until a trial call), `half-open`, or
   * `disabled`.
   */
  circuitBreakerState(): PerformChatCircuitBreakerState {
    return this.client.circuitBreakerState();
  }

  /** Invalidates one stored customer user; `undefined` when PerformChat no longer knows it (record dropped). */
  private async invalidateRecord(userId: string, customerUserId: string): Promise<PerformChatInvalidation | undefined> {
    try {
      return await this.invalidate(customerUserId, userId);
    } catch (error) {
      if (!isPerformChatError(error, PerformChatErrorCode.CUSTOMER_USER_NOT_FOUND)) throw error;
      await this.store.remove(userId, customerUserId).catch(() => undefined);
      return undefined;
    }
  }

  private invalidate(customerUserId: string, userId?: string): Promise<PerformChatInvalidation> {
    if (!isTraced('tokensInvalidate')) return this.revoke(customerUserId, userId);
    const context: PerformChatTokensInvalidateContext = {
      instance: this.telemetry.instance,
      customerUserId,
      ...(userId !== undefined ? { userId } : {}),
      attempts: 0,
    };
    return traceOperation(
      'tokensInvalidate',
      context,
      () => this.revoke(customerUserId, userId, context),
      ({ newTokenVersion }) => ({ newTokenVersion }),
    );
  }

  private async revoke(
    customerUserId: string,
    userId?: string,
    trace?: PerformChatCallTrace,
  ): Promise<PerformChatInvalidation> {
    const result = await this.client.call(invalidateTokensResource, { customerUserId }, trace);
    // Before returning: from now on no instance sharing the token store serves an older token.
    if (!(await this.reuse.recordRevocation(result.customerUserId, result.newTokenVersion))) {
      this.logger.error(
        performChatLogEntry(
          'token-store.revocation-not-recorded',
          Messages.revocationNotRecorded(result.customerUserId, this.reuse.where),
          { customerUserId: result.customerUserId, newTokenVersion: result.newTokenVersion, where: this.reuse.where },
        ),
      );
    }
    await this.runHook('onTokensInvalidated', { ...result, ...(userId !== undefined ? { userId } : {}) });
    return result;
  }

  /** The agent of a token request: the caller's, else `defaultAgentId`; checked against `allowedAgentIds`. */
  private chooseAgent(requested: unknown): { agentId: string; fromDefault: boolean } {
    if (requested == null && this.options.defaultAgentId === undefined) {
      throw new PerformChatError(PerformChatErrorCode.INVALID_ARGUMENT, Messages.noAgent(), { field: 'agentId' });
    }
    const fromDefault = requested == null;
    const agentId = assertIdentifier('agentId', requested ?? this.options.defaultAgentId);
    if (this.options.allowedAgentIds && !this.options.allowedAgentIds.has(agentId)) {
      throw new PerformChatError(PerformChatErrorCode.AGENT_NOT_ALLOWED, Messages.agentNotAllowed(agentId), {
        field: 'agentId',
      });
    }
    return { agentId, fromDefault };
  }

  /**
   * An unknown agent that the `defaultAgentId` option chose is the server's configuration
   * problem, not the caller's (the route answers 502, not 400): said by `field`.
   */
  private blameDefaultAgent(error: unknown): unknown {
    if (!isPerformChatError(error, PerformChatErrorCode.AGENT_NOT_FOUND)) return error;
    const { status, upstreamMessage, retryAfterMs } = error;
    return new PerformChatError(
      PerformChatErrorCode.AGENT_NOT_FOUND,
      Messages.agentNotFound(this.options.defaultAgentId ?? '?', upstreamMessage, 'defaultAgentId'),
      { status, upstreamMessage, retryAfterMs, field: 'defaultAgentId' },
    );
  }

  /** Saves the customer user; a store failure is logged, never thrown: the token is valid. */
  private async remember(token: PerformChatToken): Promise<void> {
    const { customerUser } = token;
    try {
      await this.store.save({
        externalId: customerUser.externalId,
        agentId: customerUser.agentId,
        customerUserId: customerUser.id,
        companyId: customerUser.companyId,
        updatedAt: new Date(),
      });
    } catch (error) {
      const reason = this.describeStoreError(error);
      this.logger.error(
        performChatLogEntry('store.save-failed', Messages.storeSaveFailed(customerUser.externalId, reason), {
          userId: customerUser.externalId,
          agentId: customerUser.agentId,
          customerUserId: customerUser.id,
          reason,
        }),
      );
    }
  }

  /**
   * Reads the store; any failure becomes `STORE_UNAVAILABLE` with `message(reason)`, built from
   * facts, never wrapping the store's error (it may carry keys, records or a driver's
   * connection details).
   */
  private async fromStore<T>(read: () => Promise<T>, message: (reason: string) => string): Promise<T> {
    try {
      return await read();
    } catch (error) {
      const reason = this.describeStoreError(error);
      const failure = new PerformChatError(PerformChatErrorCode.STORE_UNAVAILABLE, message(reason));
      this.storeFailures.set(failure, reason);
      throw failure;
    }
  }

  /** The Redis store's own one-line message, or `Name: message` of another store's error. */
  private describeStoreError(error: unknown): string {
    return isPerformChatError(error, PerformChatErrorCode.STORE_UNAVAILABLE)
      ? error.message
      : describeStoreFailure(error);
  }

  private async runHook<K extends 'onTokenIssued' | 'onTokensInvalidated'>(
    hook: K,
    event: Parameters<NonNullable<PerformChatAuthSlice[K]>>[0],
  ): Promise<void> {
    const handler = this.options[hook] as ((event: unknown) => unknown) | undefined;
    if (!handler) return;
    try {
      await handler(event);
    } catch (error) {
      const reason = this.describe(error);
      this.logger.error(performChatLogEntry('hook.failed', Messages.hookFailed(hook, reason), { hook, reason }));
    }
  }

  private describe(error: unknown): string {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }

  private asError(error: unknown): PerformChatError | Error {
    return error instanceof Error ? error : new Error(String(error));
  }
}
