import type {
  EmulatorHttpLogEntry,
  EmulatorLogEntry,
  EmulatorLogger,
  EmulatorRequestLogFilter,
  EmulatorSocketLogEntry,
} from './emulator.interfaces';

/** Longest value (user id, path) kept in a log entry: the log stays bounded whatever clients send. */
const MAX_VALUE_LENGTH = 200;

/** A user id or path, cut to a bounded length. */
export function bounded(value: string): string {
  return value.length > MAX_VALUE_LENGTH ? value.slice(0, MAX_VALUE_LENGTH) : value;
}

/** One line for the logger: `http POST /rest/v1/auth/token 200 3ms user=alice`. Never a secret or a token. */
export function formatLogEntry(entry: EmulatorLogEntry): string {
  if (entry.type === 'http') {
    const parts = [
      `PerformChat emulator: http ${entry.method} ${entry.path} ${entry.status ?? 'dropped'} ${entry.durationMs}ms`,
    ];
    if (entry.userId !== undefined) parts.push(`user=${JSON.stringify(entry.userId)}`);
    if (entry.customerUserId !== undefined) parts.push(`customerUser=${entry.customerUserId}`);
    if (entry.faultId !== undefined) parts.push(`fault=#${entry.faultId}`);
    return parts.join(' ');
  }
  const parts = [`PerformChat emulator: socket ${entry.event}`];
  if (entry.socketId !== undefined) parts.push(`socket=${entry.socketId}`);
  if (entry.customerUserId !== undefined) parts.push(`customerUser=${entry.customerUserId}`);
  if (entry.conversationId !== undefined) parts.push(`conversation=${entry.conversationId}`);
  if (entry.reason !== undefined) parts.push(`reason=${entry.reason}`);
  return parts.join(' ');
}

/**
 * What the emulator received, newest last, for test assertions (`emulator.requestLog()`,
 * `GET /__emulator/log`): API requests (method, path, status, duration, the `userId` or
 * `customerUserId` asked about, the fault applied) and chat socket events. Never a body, a
 * secret or a token. A ring of `maxEntries`: the oldest entries go first.
 */
export class RequestLog {
  private entries: EmulatorLogEntry[] = [];
  private seq = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly clock: () => number,
    private readonly sink?: EmulatorLogger,
  ) {}

  /** Records an API request as it arrives; the caller fills `status` and `durationMs` when it is answered. */
  startHttp(method: string, path: string): EmulatorHttpLogEntry {
    const entry: EmulatorHttpLogEntry = {
      seq: ++this.seq,
      at: new Date(this.clock()).toISOString(),
      type: 'http',
      method,
      path: bounded(path),
      status: null,
      durationMs: 0,
    };
    this.push(entry);
    return entry;
  }

  /** Marks an API request answered (or dropped: `status` null) and hands it to the logger. */
  finishHttp(entry: EmulatorHttpLogEntry, status: number | null, startedAt: number): void {
    entry.status = status;
    entry.durationMs = Math.round(performance.now() - startedAt);
    this.sink?.log(formatLogEntry(entry));
  }

  /** Records a chat socket event. */
  socket(fields: Omit<EmulatorSocketLogEntry, 'seq' | 'at' | 'type'>): void {
    const entry: EmulatorSocketLogEntry = {
      seq: ++this.seq,
      at: new Date(this.clock()).toISOString(),
      type: 'socket',
      ...fields,
    };
    this.push(entry);
    this.sink?.log(formatLogEntry(entry));
  }

  /** Copies of the entries, oldest first, filtered. */
  list(filter: EmulatorRequestLogFilter = {}): EmulatorLogEntry[] {
    return this.current()
      .filter(
        (e) =>
          (filter.type === undefined || e.type === filter.type) &&
          (filter.sinceSeq === undefined || e.seq > filter.sinceSeq) &&
          (filter.path === undefined || (e.type === 'http' && e.path === filter.path)) &&
          (filter.event === undefined || (e.type === 'socket' && e.event === filter.event)),
      )
      .map((e) => ({ ...e }));
  }

  /** Forgets every entry (sequence numbers go on). Returns how many there were. */
  clear(): number {
    const count = this.current().length;
    this.entries = [];
    return count;
  }

  private push(entry: EmulatorLogEntry): void {
    this.entries.push(entry);
    // Trimmed in batches (at twice the bound), so that a full log costs no array shift per request.
    if (this.entries.length >= 2 * this.maxEntries) this.entries.splice(0, this.entries.length - this.maxEntries);
  }

  private current(): EmulatorLogEntry[] {
    return this.entries.length > this.maxEntries ? this.entries.slice(-this.maxEntries) : this.entries;
  }
}
