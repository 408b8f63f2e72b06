import { EMULATOR_CHAT_ECHO_PREFIX } from './chat.constants';
import type { EmulatorChatReplyContext } from './chat.interfaces';
import type { ResolvedChatOptions } from './chat.options';

/** The scripted agent: what it answers, and in how many pieces. */
export class ScriptedAgent {
  constructor(private readonly options: ResolvedChatOptions) {}

  /** The whole reply to one user message: echo, the next canned reply, or the function's. */
  reply(context: EmulatorChatReplyContext): string {
    const replies = this.options.replies;
    if (replies === undefined) return EMULATOR_CHAT_ECHO_PREFIX + context.message;
    if (typeof replies === 'function') return String(replies(context));
    return replies[(context.turn - 1) % replies.length];
  }

  /** The reply cut in `chunkSize` pieces (one piece without `chunkSize`; never zero pieces). */
  chunks(reply: string): string[] {
    const size = this.options.chunkSize;
    if (size === undefined || reply.length <= size) return [reply];
    const pieces: string[] = [];
    for (let i = 0; i < reply.length; i += size) pieces.push(reply.slice(i, i + size));
    return pieces;
  }

  /** Milliseconds from the user's message to piece `index`. */
  delayOf(index: number, extraDelayMs = 0): number {
    return this.options.delayMs + extraDelayMs + index * this.options.chunkIntervalMs;
  }
}
