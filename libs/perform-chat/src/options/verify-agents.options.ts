/**
 * The `verifyAgents` option: check that `defaultAgentId` and every `allowedAgentIds` entry
 * exists at PerformChat and is active, with one `GET /rest/v1/agents/:id` per agent.
 */
export interface PerformChatVerifyAgentsOptions {
  /**
   * At application bootstrap: an agent that does not exist or is inactive (or a key PerformChat
   * rejects) fails the boot with an error naming it; when PerformChat cannot be reached the boot
   * goes on with a warning (readiness checks again). @default true
   */
  atBoot?: boolean;
  /**
   * In the readiness indicator (`PerformChatHealthIndicator`): `agents` in its details, and down
   * (`agent_unavailable`) while an agent does not exist or is inactive. Checked at most once per
   * `health.cacheTtlMs`. @default true
   */
  inReadiness?: boolean;
}

/** `verifyAgents` after validation. Internal. */
export type ResolvedVerifyAgents = Required<PerformChatVerifyAgentsOptions> | false;
