/** A raw HTTP answer from PerformChat, before any interpretation. */
export interface PerformChatHttpAnswer {
  status: number;
  headers: Record<string, unknown>;
  /** The body as text (at most `maxResponseBytes`). */
  body: string;
}
