import type { GenericAbortSignal } from 'axios';

type Listener = (...args: unknown[]) => unknown;

/**
 * The time limit of one HTTP attempt, given to axios as its `signal` (axios takes any
 * `GenericAbortSignal`; its http adapter adds one `abort` listener and removes it when the
 * request ends). Same effect as an AbortController aborted by a setTimeout, for less: Node 20
 * builds an AbortSignal (an EventTarget) in about 2.5 µs, which was a tenth of the library's own
 * CPU per token generation (bench B1).
 */
export class AttemptDeadline implements GenericAbortSignal {
  /** True once the time is up. */
  aborted = false;
  private readonly listeners: Listener[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(timeoutMs: number) {
    this.timer = setTimeout(AttemptDeadline.expire, timeoutMs, this);
  }

  addEventListener(type: string, listener: Listener): void {
    if (type === 'abort') this.listeners.push(listener);
  }

  removeEventListener(type: string, listener: Listener): void {
    const index = type === 'abort' ? this.listeners.indexOf(listener) : -1;
    if (index !== -1) this.listeners.splice(index, 1);
  }

  /** Stops the timer: call it when the attempt has ended, whatever the outcome. */
  clear(): void {
    clearTimeout(this.timer);
  }

  private static expire(deadline: AttemptDeadline): void {
    deadline.aborted = true;
    for (const listener of deadline.listeners.splice(0)) listener();
  }
}
