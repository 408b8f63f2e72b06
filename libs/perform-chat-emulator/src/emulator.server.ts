import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAdminRoute } from './admin.routes';
import { AuthRoutes } from './auth.routes';
import { RestRoutes } from './rest/rest.routes';
import { SeededConversations, type EmulatorConversationSeed } from './rest/rest.conversations';
import { EMULATOR_ADMIN_PREFIX, EMULATOR_CONVERSATIONS_PATH, PERFORMCHAT_INVALIDATE_TOKEN_PATH, PERFORMCHAT_TOKEN_PATH } from './emulator.constants';
import type {
  EmulatorFault,
  EmulatorFaultSpec,
  EmulatorRouteCounter,
  EmulatorStateSnapshot,
  EmulatorVerifyResult,
  PerformChatEmulator,
  PerformChatEmulatorOptions,
} from './emulator.interfaces';
import { EMULATOR_MESSAGES as MSG } from './emulator.messages';
import { resolveEmulatorOptions, type ResolvedEmulatorOptions } from './emulator.options';
import { EmulatorState } from './emulator.state';
import { answerWithFault, recordStatus } from './fault-responder';
import { FaultRegistry } from './faults';
import { isJsonContentType, nestError, parseJsonObject, readBody, writeResponse, type BodyError, type EmulatorResponse } from './http-utils';
import { Hs256Jwt } from './jwt';
import { TimerRegistry } from './timers';
import { verifyEmulatorToken } from './token-verifier';

const INTERNAL_ERROR: EmulatorResponse = { status: 500, body: { statusCode: 500, message: MSG.internalError } };

/** Header of the 405 answer to another method on the two auth paths. */
const ALLOW_POST: Record<string, string> = Object.freeze({ allow: 'POST' });

/** The emulator: a plain node:http server (see {@link startPerformChatEmulator}). */
class PerformChatEmulatorServer implements PerformChatEmulator {
  readonly state: EmulatorState;
  readonly signingSecret: string;
  private readonly server: Server;
  private readonly jwt: Hs256Jwt;
  private readonly auth: AuthRoutes;
  private readonly rest: RestRoutes;
  private readonly seeded: SeededConversations;
  private readonly faults = new FaultRegistry();
  private readonly timers = new TimerRegistry();
  private closing: Promise<void> | undefined;
  private address: AddressInfo | undefined;

  constructor(private readonly options: ResolvedEmulatorOptions) {
    this.state = new EmulatorState(options.keys, options.agents);
    this.signingSecret = options.signingSecret;
    this.jwt = new Hs256Jwt(options.signingSecret);
    this.auth = new AuthRoutes({
      state: this.state,
      jwt: this.jwt,
      clock: options.clock,
      responseShape: options.responseShape,
      rateLimits: options.rateLimits,
    });
    this.seeded = new SeededConversations(options.clock);
    this.rest = new RestRoutes({
      state: this.state,
      clock: options.clock,
      authenticate: (...args) => this.auth.authenticate(...args),
      conversations: this.seeded,
      seeded: this.seeded,
    });
    this.server = createServer(this.onRequest);
  }

  get host(): string {
    return this.options.host;
  }

  get port(): number {
    return this.address?.port ?? this.options.port;
  }

  get url(): string {
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    return `http://${host}:${this.port}`;
  }

  listen(): Promise<this> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        this.address = this.server.address() as AddressInfo;
        this.options.logger?.log(`PerformChat emulator listening on ${this.url}`);
        resolve(this);
      });
    });
  }

  verify(token: string): EmulatorVerifyResult {
    return verifyEmulatorToken(token, this.jwt, this.state, this.options.clock());
  }

  addFault(spec: EmulatorFaultSpec): EmulatorFault {
    const fault = this.faults.add(spec);
    this.options.logger?.log(`PerformChat emulator: fault #${fault.id} added (${describeFault(fault)})`);
    return { ...fault };
  }

  listFaults(): EmulatorFault[] {
    return this.faults.list();
  }

  clearFaults(): number {
    return this.faults.clear();
  }

  addConversation(seed: EmulatorConversationSeed): { id: string } {
    return { id: this.rest.addConversation(seed).id };
  }

  snapshot(): EmulatorStateSnapshot {
    return { ...this.state.snapshot(), faults: this.faults.list() };
  }

  reset(): void {
    this.state.reset();
    this.auth.resetLimits();
    this.seeded.clear();
    this.faults.clear();
    this.options.logger?.log('PerformChat emulator: state reset');
  }

  close(): Promise<void> {
    this.closing ??= new Promise((resolve) => {
      this.timers.clearAll();
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.closing;
  }

  private readonly onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const rawUrl = req.url ?? '/';
    const query = rawUrl.indexOf('?');
    const pathname = query === -1 ? rawUrl : rawUrl.slice(0, query);
    const method = req.method ?? 'GET';
    if (pathname.startsWith(EMULATOR_ADMIN_PREFIX)) {
      readBody(req, this.options.maxBodyBytes, (error, raw) => {
        if (error === 'aborted') return;
        let response: EmulatorResponse;
        try {
          response =
            error === 'too-large'
              ? nestError(413, MSG.bodyTooLarge)
              : method === 'POST' && pathname === EMULATOR_CONVERSATIONS_PATH
                ? this.rest.seedRoute(raw)
                : handleAdminRoute(this, method, pathname, rawUrl, raw);
        } catch (thrown) {
          response = this.internalError(thrown);
        }
        writeResponse(res, response);
      });
      return;
    }
    const counter = this.state.counterFor(method, pathname);
    counter.attempts++;
    const fault = this.faults.size === 0 ? undefined : this.faults.take(method, pathname);
    if (fault !== undefined) counter.faulted++;
    readBody(req, this.options.maxBodyBytes, (error, raw) => {
      if (error === 'aborted') return;
      if (fault === undefined) return this.respond(res, counter, this.routeSafely(req, method, pathname, rawUrl, raw, error));
      answerWithFault(fault, {
        req,
        res,
        counter,
        timers: this.timers,
        produce: () => this.routeSafely(req, method, pathname, rawUrl, raw, error),
        respond: (response) => this.respond(res, counter, response),
      });
    });
  };

  private route(req: IncomingMessage, method: string, pathname: string, rawUrl: string, raw: string, error: BodyError | undefined): EmulatorResponse {
    const isToken = pathname === PERFORMCHAT_TOKEN_PATH;
    if (!isToken && pathname !== PERFORMCHAT_INVALIDATE_TOKEN_PATH) {
      // The agents, customer-users and conversations APIs; then Nest's answer for an unknown
      // route: a wrong base path (e.g. /rest/v1/rest/v1/..., the docs' /rest/v1/v1/...) lands there.
      return this.rest.handle(req, method, pathname, rawUrl, raw, error) ?? nestError(404, MSG.cannot(method, rawUrl));
    }
    if (method !== 'POST') {
      // The path exists, the method does not (RFC 9110 405 + Allow). Health probes (HEAD) land
      // here: below 500, never counted as failed authentications, and told apart from a wrong
      // path. PerformChat's own answer to HEAD is undocumented.
      return nestError(405, MSG.cannot(method, rawUrl), ALLOW_POST);
    }
    if (error === 'too-large') return nestError(413, MSG.bodyTooLarge);
    if (!isJsonContentType(req.headers['content-type'])) return nestError(400, MSG.notJsonContentType);
    const body = parseJsonObject(raw);
    if (body === undefined) return nestError(400, MSG.invalidJson);
    if (body === null) return nestError(400, MSG.bodyNotObject);
    const client = req.socket.remoteAddress ?? 'unknown';
    return isToken ? this.auth.generateToken(body, client) : this.auth.invalidateTokens(body, client);
  }

  /** {@link route}, with an unexpected exception answered as Nest's 500 (no closure on the hot path). */
  private routeSafely(req: IncomingMessage, method: string, pathname: string, rawUrl: string, raw: string, error: BodyError | undefined): EmulatorResponse {
    try {
      return this.route(req, method, pathname, rawUrl, raw, error);
    } catch (thrown) {
      return this.internalError(thrown);
    }
  }

  private internalError(thrown: unknown): EmulatorResponse {
    this.options.logger?.warn?.(`PerformChat emulator: internal error: ${thrown instanceof Error ? thrown.message : String(thrown)}`);
    return INTERNAL_ERROR;
  }

  private respond(res: ServerResponse, counter: EmulatorRouteCounter, response: EmulatorResponse): void {
    recordStatus(counter, response.status);
    writeResponse(res, response);
  }
}

function describeFault(fault: EmulatorFault): string {
  const what = fault.kind ?? (fault.status !== undefined ? `status ${fault.status}` : 'delay');
  const where = `${fault.method ?? '*'} ${fault.path ?? '*'}`;
  const times = fault.remaining === null ? 'until cleared' : `${fault.remaining}x`;
  return `${what} on ${where}, ${times}${fault.delayMs ? `, after ${fault.delayMs} ms` : ''}`;
}

/**
 * Starts a PerformChat emulator: a local, dependency-free HTTP server that behaves like the
 * documented PerformChat "Auth for Chat" API (token generation and invalidation, customer
 * users with token versions, the documented errors and rate limits), plus emulator-only
 * routes under `/__emulator/` to verify tokens, inject faults, inspect and reset state.
 *
 * @example
 * const emulator = await startPerformChatEmulator();
 * // configure the client with baseUrl: emulator.url and EMULATOR_DEMO_KEY's credentials
 * await emulator.close();
 *
 * @throws EmulatorOptionsError for an invalid option (the message names it).
 */
export async function startPerformChatEmulator(options: PerformChatEmulatorOptions = {}): Promise<PerformChatEmulator> {
  return new PerformChatEmulatorServer(resolveEmulatorOptions(options)).listen();
}
