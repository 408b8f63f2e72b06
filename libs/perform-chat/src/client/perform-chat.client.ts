import { HttpService } from '@nestjs/axios';
import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AxiosRequestConfig, AxiosResponse } from 'axios';
import * as http from 'node:http';
import * as https from 'node:https';
import { PerformChatError } from '../errors/perform-chat.error';
import { PerformChatErrorCode } from '../errors/perform-chat-error-code';
import { mapUpstreamAnswer } from './upstream-answer.mapper';
import { PERFORM_CHAT_CLIENT_SLICE, PerformChatClientSlice } from '../options/perform-chat-options.slices';
import { LIBRARY_USER_AGENT } from '../perform-chat.constants';
import { Messages } from '../perform-chat.messages';
import { PerformChatUpstreamBudget, PerformChatUpstreamPermit } from './upstream-budget';
import { AttemptDeadline } from './attempt-deadline';
import { markNeverReceived, markNotSent } from './not-sent';
import { PerformChatAttempt, PerformChatResilience } from './perform-chat-resilience';
import { PerformChatCircuitBreakerState } from './perform-chat-resilience.interfaces';
import { PerformChatShutdown } from './perform-chat-shutdown';
import type {
  PerformChatHttpMethod,
  PerformChatQuery,
  PerformChatResource,
  PerformChatUpstreamRefusal,
} from './perform-chat-resource.interfaces';
import { PerformChatHttpAnswer } from './perform-chat-upstream.interfaces';
import { scrubUnexpectedError } from '../errors/redact';
import { PerformChatActiveKey, PerformChatKeyring, isKeyRefused } from './perform-chat-keyring';
import { classifyTransportError } from './transport-error';
import { PerformChatTelemetry } from '../telemetry/perform-chat-telemetry';
import {
  PerformChatCallTrace,
  PerformChatUpstreamAttemptContext,
  isTraced,
  traceOperation,
} from '../telemetry/perform-chat-channels';

/** A call as prepared once for all its attempts. */
interface PreparedRequest<Params, Result> {
  resource: PerformChatResource<Params, Result>;
  params: Params;
  /** The path with its query string, if any. */
  path: string;
  /** The key of the last body built; a rotation mid-call builds the body again. */
  key?: PerformChatActiveKey;
  /** The JSON body, credentials included (serialised once per call and key). */
  body: string;
  /** The traced operation this call works for, told of each attempt (only while it is traced). */
  trace?: PerformChatCallTrace;
}

/** Transport failures where no connection was made: PerformChat cannot have received the request. */
const NEVER_RECEIVED_KINDS = new Set(['connection_refused', 'dns_failure', 'tls_failure']);

/** `?page=2&limit=100` from a resource's query values (undefined ones left out); `''` when there are none. */
export function queryString(query: PerformChatQuery | undefined): string {
  if (!query) return '';
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) search.append(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/**
 * The one place that talks HTTP to PerformChat. It sends JSON over keep-alive connections
 * (the credentials in the JSON body whatever the method, GET included, as PerformChat documents),
 * bounds every attempt by `timeoutMs` (connect to last byte, so a trickling answer cannot hang
 * it) and the body by `maxResponseBytes`, never follows redirects, and turns every failure into
 * a {@link PerformChatError} without keeping the `AxiosError` (whose `config.data` holds the secret).
 *
 * Each call goes through the same stages, in this order:
 * shutdown (no new call once it began) → circuit breaker → retries within the deadline →
 * upstream budget (per attempt) → transport → answer mapping. So what the breaker stops costs
 * no budget, and every attempt sent, retries included, is paid for.
 */
@Injectable()
export class PerformChatHttpClient implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly httpAgent = new http.Agent({ keepAlive: true, timeout: 30_000 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, timeout: 30_000 });
  private readonly origin: string;
  private readonly host: string;
  /** PerformChat's host name and port, for traces (`server.address`, `server.port`). */
  private readonly hostname: string;
  private readonly port: number;
  /** Everything of a request's config but its abort signal (built once). */
  private readonly requestConfig: AxiosRequestConfig<string>;

  constructor(
    private readonly httpService: HttpService,
    @Inject(PERFORM_CHAT_CLIENT_SLICE) private readonly options: PerformChatClientSlice,
    private readonly budget: PerformChatUpstreamBudget,
    private readonly resilience: PerformChatResilience,
    private readonly shutdown: PerformChatShutdown,
    private readonly telemetry: PerformChatTelemetry,
    private readonly keyring: PerformChatKeyring,
  ) {
    const url = new URL(options.baseUrl);
    this.origin = url.origin;
    this.host = url.host;
    this.hostname = url.hostname;
    this.port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    this.requestConfig = {
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'User-Agent': LIBRARY_USER_AGENT },
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      maxRedirects: 0,
      maxContentLength: options.maxResponseBytes,
      responseType: 'text',
      // The body is parsed (and its errors reported) by parseJson, every status by the caller.
      transformResponse: [],
      validateStatus: () => true,
    };
  }

  /** Every form of every secret the keyring knows (the current key's, old ones', next ones'). */
  private get secrets(): readonly string[] {
    return this.keyring.secretForms;
  }

  /**
   * Performs one operation (a {@link PerformChatResource}): its body with the credentials
   * added here, and only here, sent as JSON with the resource's method to its path and query;
   * returns what the resource reads from the JSON of a 2xx answer. Failed attempts are retried
   * as the resource's `retry` allows. The key is the keyring's at each attempt; a 401 for it may
   * cost one more attempt with the key the keyring turns to ({@link PerformChatKeyring.recover}).
   * @param trace the traced operation the call works for (diagnostics channels): counts its attempts
   * @throws PerformChatError for every non-2xx answer, transport failure, timeout or invalid body.
   */
  async call<Params, Result>(
    resource: PerformChatResource<Params, Result>,
    params: Params,
    trace?: PerformChatCallTrace,
  ): Promise<Result> {
    this.shutdown.enter(); // throws UPSTREAM_UNAVAILABLE once shutdown has begun
    try {
      const request: PreparedRequest<Params, Result> = {
        resource,
        params,
        path: resource.path(params) + queryString(resource.query?.(params)),
        body: '',
        ...(trace ? { trace } : {}),
      };
      const startedAt = Date.now();
      let attempts = 0;
      const result = await this.resilience.run((info) => {
        attempts = info.attempt;
        return this.keyedAttempt(request, info);
      }, resource.retry);
      this.telemetry.report({
        type: 'call.succeeded',
        operation: resource.operation,
        attempts,
        latencyMs: Date.now() - startedAt,
      });
      return result;
    } finally {
      this.shutdown.leave();
    }
  }

  /**
   * One attempt with the keyring's key; when PerformChat refuses that key (401), at most one more
   * with the key the keyring turns to (a new one from the provider, or the next key), within
   * the same deadline. That second attempt is never followed by a third. It is safe for every
   * resource, `retry: 'never'` ones included: PerformChat refused the first before acting on it.
   */
  private async keyedAttempt<Params, Result>(
    request: PreparedRequest<Params, Result>,
    info: PerformChatAttempt,
  ): Promise<Result> {
    const key = this.keyring.current;
    try {
      return await this.budgetedAttempt(request, info, key);
    } catch (error) {
      if (!isKeyRefused(error)) throw error;
      return this.keyring.recover(key, error, info.deadlineAt, (next) => this.budgetedAttempt(request, info, next));
    }
  }

  /** One attempt paid for by the upstream budget of `key`, which may refuse it: then nothing is sent. */
  private async budgetedAttempt<Params, Result>(
    request: PreparedRequest<Params, Result>,
    info: PerformChatAttempt,
    key: PerformChatActiveKey,
  ): Promise<Result> {
    let permit: PerformChatUpstreamPermit;
    try {
      permit = await this.budget.beforeAttempt(
        request.resource.budget,
        info.deadlineAt,
        key.keyId,
        request.resource.share?.(request.params),
      );
    } catch (refusal) {
      throw markNotSent(refusal);
    }
    // The budget may have waited (for a probe): the attempt gets only what is left of the deadline.
    const timeoutMs = Math.max(1, Math.min(info.timeoutMs, info.deadlineAt - Date.now()));
    let value: Result;
    try {
      value = await this.attempt(request, info.attempt, timeoutMs, key);
    } catch (error) {
      await permit.settle(error); // upstream budget: counts a 401, returns a probe's reservation otherwise
      throw error;
    }
    await permit.settle(); // upstream budget: success
    return value;
  }

  /** The circuit breaker's state (for health details and `PerformChatAuthService`). */
  circuitBreakerState(): PerformChatCircuitBreakerState {
    return this.resilience.state();
  }

  /** One HTTP attempt with `key`; a failure is logged (one line) and thrown as a PerformChatError. */
  private async attempt<Params, Result>(
    request: PreparedRequest<Params, Result>,
    attempt: number,
    timeoutMs: number,
    key: PerformChatActiveKey,
  ): Promise<Result> {
    const { trace } = request;
    if (trace) {
      trace.attempts++;
      trace.serverAddress ??= this.hostname;
      trace.serverPort ??= this.port;
    }
    if (!isTraced('upstreamAttempt')) return this.attemptOnce(request, attempt, timeoutMs, key);
    const context: PerformChatUpstreamAttemptContext = {
      instance: this.telemetry.instance,
      operation: request.resource.operation,
      method: request.resource.method,
      serverAddress: this.hostname,
      serverPort: this.port,
      attempt,
      keyId: key.keyId,
    };
    return traceOperation(
      'upstreamAttempt',
      context,
      () =>
        this.attemptOnce(request, attempt, timeoutMs, key, (status) => {
          context.statusCode = status;
        }),
      () => ({ statusCode: context.statusCode ?? 200 }),
    );
  }

  /** {@link attempt} itself; `answered` hears PerformChat's status when it answers. */
  private async attemptOnce<Params, Result>(
    request: PreparedRequest<Params, Result>,
    attempt: number,
    timeoutMs: number,
    key: PerformChatActiveKey,
    answered?: (status: number) => void,
  ): Promise<Result> {
    const { resource, params, path } = request;
    const startedAt = Date.now();
    try {
      const answer = await this.send(resource.method, path, this.bodyOf(request, key), timeoutMs);
      answered?.(answer.status);
      if (answer.status < 200 || answer.status >= 300) {
        const classify =
          resource.classifyRefusal &&
          ((refusal: PerformChatUpstreamRefusal) => resource.classifyRefusal?.(refusal, params));
        throw mapUpstreamAnswer(answer, key.keyId, this.secrets, classify);
      }
      return resource.read(this.parseJson(answer), params);
    } catch (error) {
      // `send` turns everything the transport throws into a PerformChatError or a scrubbed
      // Error; anything else here is a bug in `read`, rethrown as is.
      if (error instanceof PerformChatError)
        this.logFailure(resource.operation, error, attempt, Date.now() - startedAt, key.keyId);
      throw error;
    }
  }

  /** The request's JSON body with `key`'s credentials: serialised once, again only if the key changed. */
  private bodyOf<Params, Result>(request: PreparedRequest<Params, Result>, key: PerformChatActiveKey): string {
    if (request.key !== key) {
      request.body = JSON.stringify({
        keyId: key.keyId,
        keySecret: key.keySecret,
        ...request.resource.body(request.params),
      });
      request.key = key;
    }
    return request.body;
  }

  /**
   * Nest 11 calls this after every `onModuleDestroy` and before it closes the HTTP server: calls
   * in flight get up to `shutdownGraceMs` to end, then the keep-alive connections are closed
   * (which cuts any call still in flight).
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.shutdown.drain();
    this.closeAgents();
  }

  /** In case the app closed without `beforeApplicationShutdown` reaching this module. */
  onApplicationShutdown(): void {
    this.closeAgents();
  }

  private closeAgents(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private async send(
    method: PerformChatHttpMethod,
    path: string,
    body: string,
    timeoutMs: number,
  ): Promise<PerformChatHttpAnswer> {
    if (this.shutdown.cut) throw this.shutdown.cutError();
    const deadline = new AttemptDeadline(timeoutMs);
    try {
      // The module's own axios instance (HttpModule), called directly rather than through
      // HttpService's Observable wrapper: that wrapper makes a CancelToken per call and cancels
      // it when the call is done, building a CanceledError with a stack trace every time
      // (bench B1: about 60 µs of CPU per call, a fifth of a token generation's client cost).
      // axios's Node adapter sends `data` whatever the method, so a GET carries its JSON body.
      const response: AxiosResponse<string> = await this.httpService.axiosRef.request<string>({
        ...this.requestConfig,
        method,
        url: `${this.options.baseUrl}${path}`,
        data: body,
        signal: deadline,
      });
      return { status: response.status, headers: response.headers, body: response.data ?? '' };
    } catch (error) {
      if (deadline.aborted) {
        throw new PerformChatError(PerformChatErrorCode.TIMEOUT, Messages.timeout(timeoutMs));
      }
      if (this.shutdown.cut) throw this.shutdown.cutError(); // the agents were closed under it
      throw this.toPerformChatError(error);
    } finally {
      deadline.clear();
    }
  }

  private parseJson(answer: PerformChatHttpAnswer): unknown {
    try {
      return JSON.parse(answer.body);
    } catch {
      const type = String(answer.headers['content-type'] ?? 'no content-type').split(';')[0];
      throw new PerformChatError(
        PerformChatErrorCode.INVALID_RESPONSE,
        Messages.invalidResponse(Messages.answerNotJson(answer.status, type)),
        { status: answer.status },
      );
    }
  }

  /**
   * Converts what the transport threw. Transport errors are recognised by shape
   * (`axios.isAxiosError`), never by class, and never kept: their `config.data` holds the
   * secret. Anything else is a bug, rethrown as a scrubbed plain Error so that not even an
   * unexpected error carries the request out of the library.
   */
  private toPerformChatError(error: unknown): PerformChatError | Error {
    const failure = classifyTransportError(error, this.host);
    if (!failure) return scrubUnexpectedError(error, this.secrets);
    if (failure.kind === 'response_too_large') {
      return new PerformChatError(PerformChatErrorCode.INVALID_RESPONSE, Messages.invalidResponse(failure.reason));
    }
    const unreachable = new PerformChatError(
      PerformChatErrorCode.UNREACHABLE,
      Messages.unreachable(this.origin, failure.reason),
    );
    return NEVER_RECEIVED_KINDS.has(failure.kind) ? markNeverReceived(unreachable) : unreachable;
  }

  private logFailure(
    operation: string,
    error: PerformChatError,
    attempt: number,
    latencyMs: number,
    keyId: string,
  ): void {
    const { code, status, message } = error;
    this.telemetry.report({ type: 'attempt.failed', operation, code, status, attempt, latencyMs, keyId, message });
  }
}
