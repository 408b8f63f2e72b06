/** Options of the `listAll*` iterators. */
export interface PerformChatIterateOptions {
  /**
   * Items fetched per call, 1 to 100. Each page is one API request (one point of
   * `upstreamBudget.apiRequestsPerMinute`).
   * @default 100 (fewest calls)
   */
  limit?: number;
}

/** Options of one customer-user update. */
export interface PerformChatUpdateOptions {
  /**
   * `'never'` (default): a timeout, a dropped connection or a 5xx is not retried, since
   * PerformChat may have applied the change and a late resend could undo a newer change made in
   * between; a refused connection and a 429 still are (PerformChat did not act on them).
   * `'safe'`: retried like a read, for when nothing else writes this customer user (the PUT
   * itself is idempotent).
   * @default 'never'
   */
  retry?: 'safe' | 'never';
}
