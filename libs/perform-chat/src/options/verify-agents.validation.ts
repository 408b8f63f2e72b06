import { Messages } from '../perform-chat.messages';
import { flag, isPlainObject, literal, object, union } from './option-rules';
import type { PerformChatModuleOptions } from './perform-chat-options.interface';
import type { PerformChatVerifyAgentsOptions, ResolvedVerifyAgents } from './verify-agents.options';

/** `verifyAgents`: `true`, `false` or `{ atBoot?, inReadiness? }`. */
export const VERIFY_AGENTS_OPTION = union([
  [(value) => value === true, literal(true)],
  [(value) => value === false, literal(false)],
  [
    isPlainObject,
    object({ atBoot: flag(), inReadiness: flag() } satisfies Record<keyof PerformChatVerifyAgentsOptions, unknown>),
  ],
]);

/** Between options: agents to verify need an agent option (else the check checks nothing, silently). */
export function checkVerifyAgentsHasAgents(raw: PerformChatModuleOptions): string[] {
  const on = raw.verifyAgents === true || isPlainObject(raw.verifyAgents);
  return on && raw.defaultAgentId === undefined && raw.allowedAgentIds === undefined
    ? [Messages.verifyAgentsWithoutAgents()]
    : [];
}

/** Applies the defaults to a valid `verifyAgents` option. */
export function resolveVerifyAgentsOption(raw: PerformChatModuleOptions['verifyAgents']): ResolvedVerifyAgents {
  if (raw === undefined || raw === false) return false;
  if (raw === true) return { atBoot: true, inReadiness: true };
  return { atBoot: raw.atBoot ?? true, inReadiness: raw.inReadiness ?? true };
}
