import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { PerformChatError } from '../errors/perform-chat.error';
import { PerformChatErrorCode } from '../errors/perform-chat-error-code';
import { PERFORM_CHAT_RESILIENCE_SLICE, PerformChatResilienceSlice } from '../options/perform-chat-options.slices';
import { LOGGER_CONTEXT } from '../perform-chat.constants';
import { Messages } from '../perform-chat.messages';
import { performChatLogEntry } from '../telemetry/perform-chat-log.listener';
import { markNotSent } from './not-sent';

/** `Retry-After` of a call refused because the app is shutting down: another instance can take it. */
const SHUTTING_DOWN_RETRY_AFTER_MS = 1_000;

/**
 * Graceful shutdown of the calls to PerformChat. Nest 11 closes an app (`app.close()`, or a
 * signal with `enableShutdownHooks()`) in this order: every `onModuleDestroy`, every
 * `beforeApplicationShutdown`, then the HTTP server stops (waiting for the requests it is
 * serving), then every `onApplicationShutdown`. So:
 *
 * 1. `onModuleDestroy` (here): shutdown begins. New calls are refused (`UPSTREAM_UNAVAILABLE`,
 *    nothing sent), no retry starts, backoff waits end at once; calls in flight go on.
 * 2. `beforeApplicationShutdown` (the HTTP client's): {@link drain} waits until the calls in
 *    flight have ended, at most `shutdownGraceMs`; those still in flight then are cut
 *    (`TIMEOUT`), and the client closes its keep-alive agents. The HTTP server, which closes
 *    next, then only has finished answers to send.
 *
 * Counting calls costs two integer updates per call; nothing is allocated per call.
 */
@Injectable()
export class PerformChatShutdown implements OnModuleDestroy {
  private readonly logger = new Logger(LOGGER_CONTEXT);
  private readonly graceMs: number;
  private inFlight = 0;
  private closingState = false;
  private cutState = false;
  private onDrained?: () => void;
  /** Settles when shutdown begins (cuts backoff waits short). */
  private readonly begun: Promise<void>;
  private signalBegun!: () => void;

  constructor(@Inject(PERFORM_CHAT_RESILIENCE_SLICE) options: PerformChatResilienceSlice) {
    this.graceMs = options.resilience.shutdownGraceMs;
    this.begun = new Promise<void>((resolve) => (this.signalBegun = resolve));
  }

  /** Shutdown has begun: no new call, no retry. */
  get closing(): boolean {
    return this.closingState;
  }

  /** The grace period has ended with calls still in flight: no attempt may be sent any more. */
  get cut(): boolean {
    return this.cutState;
  }

  /** The error of an attempt cut when the grace period ended. */
  cutError(): PerformChatError {
    return new PerformChatError(PerformChatErrorCode.TIMEOUT, Messages.shutdownCut(this.graceMs));
  }

  /**
   * A call starts. Pair every successful `enter()` with one `leave()`.
   * @throws PerformChatError `UPSTREAM_UNAVAILABLE` (not sent) once shutdown has begun.
   */
  enter(): void {
    if (this.closingState) {
      throw markNotSent(
        new PerformChatError(PerformChatErrorCode.UPSTREAM_UNAVAILABLE, Messages.shuttingDown(), {
          retryAfterMs: SHUTTING_DOWN_RETRY_AFTER_MS,
        }),
      );
    }
    this.inFlight++;
  }

  /** A call has ended, whatever its outcome. */
  leave(): void {
    this.inFlight--;
    if (this.inFlight === 0 && this.onDrained) this.onDrained();
  }

  /** Waits `ms`, or less if shutdown begins meanwhile (a retry would not be sent anyway). */
  async pause(ms: number): Promise<void> {
    if (ms <= 0 || this.closingState) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.begun, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }

  onModuleDestroy(): void {
    this.closingState = true;
    this.signalBegun();
  }

  /**
   * Resolves once no call is in flight, or when `shutdownGraceMs` has passed since it was
   * called; calls still in flight then are marked cut (the caller closes the connections).
   * @returns how many calls were cut.
   */
  async drain(): Promise<number> {
    this.onModuleDestroy(); // idempotent: shutdown has begun, whoever called first
    if (this.inFlight === 0) return 0;
    this.logger.log(
      performChatLogEntry('shutdown.draining', Messages.shutdownWaiting(this.inFlight, this.graceMs), {
        inFlightCalls: this.inFlight,
        graceMs: this.graceMs,
      }),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => (this.onDrained = resolve)),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, this.graceMs))),
    ]);
    clearTimeout(timer);
    this.onDrained = undefined;
    if (this.inFlight === 0) return 0;
    this.cutState = true;
    this.logger.warn(
      performChatLogEntry('shutdown.drain-timeout', Messages.shutdownCutting(this.inFlight, this.graceMs), {
        inFlightCalls: this.inFlight,
        graceMs: this.graceMs,
      }),
    );
    return this.inFlight;
  }
}
