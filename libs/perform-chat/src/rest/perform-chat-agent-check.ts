import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { PerformChatError, isPerformChatError } from '../errors/perform-chat.error';
import { PerformChatErrorCode } from '../errors/perform-chat-error-code';
import { PERFORM_CHAT_AGENT_CHECK_SLICE, PerformChatAgentCheckSlice } from '../options/perform-chat-options.slices';
import { LOGGER_CONTEXT } from '../perform-chat.constants';
import { Messages } from '../perform-chat.messages';
import { performChatLogEntry } from '../telemetry/perform-chat-log.listener';
import { PerformChatAgentsService } from './perform-chat-agents.service';

/**
 * What the agent check found about one configured agent:
 * `active`; `inactive`; `not_found` (PerformChat's 404, or an id it refuses); `unchecked` when
 * it could not tell (PerformChat unreachable, slow, failing, rate limited, circuit open).
 */
export type PerformChatAgentStatus = 'active' | 'inactive' | 'not_found' | 'unchecked';

/** One check of every configured agent, by agent id (the `agents` of the readiness details). */
export type PerformChatAgentReport = Record<string, PerformChatAgentStatus>;

/** Agents checked at the same time (a long `allowedAgentIds` must not burst the API budget). */
const CONCURRENCY = 4;

/** The agent as its option names it, for messages: `defaultAgentId`, `allowedAgentIds[2]`. */
interface ConfiguredAgent {
  id: string;
  field: string;
}

/**
 * `verifyAgents`: checks that `defaultAgentId` and every `allowedAgentIds` entry exists at
 * PerformChat and is active, one `GET /rest/v1/agents/:id` per agent through the client
 * pipeline (so from the API-request budget, behind the breaker).
 *
 * - At bootstrap (`atBoot`): an agent that does not exist or is inactive fails the boot with a
 *   `PerformChatError` `AGENT_NOT_FOUND` naming each such agent and its option; a key PerformChat
 *   rejects fails it too (`INVALID_CREDENTIALS`). If PerformChat cannot be asked (unreachable,
 *   failing, rate limited), the boot goes on with one warning: an outage of the vendor must not
 *   keep the app from starting, and readiness will say it.
 * - In readiness (`inReadiness`): {@link report} is the `agents` of the health details, reused
 *   for `health.cacheTtlMs` (the boot's result counts as the first one), so many probes cost at
 *   most one call per agent per TTL.
 */
@Injectable()
export class PerformChatAgentCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger(LOGGER_CONTEXT);
  private readonly agents: readonly ConfiguredAgent[];
  private cached?: { report: PerformChatAgentReport; at: number };
  private inFlight?: Promise<PerformChatAgentReport>;

  constructor(
    @Inject(PERFORM_CHAT_AGENT_CHECK_SLICE) private readonly options: PerformChatAgentCheckSlice,
    private readonly service: PerformChatAgentsService,
  ) {
    const agents: ConfiguredAgent[] = [];
    if (options.defaultAgentId !== undefined) agents.push({ id: options.defaultAgentId, field: 'defaultAgentId' });
    [...(options.allowedAgentIds ?? [])].forEach((id, index) => {
      if (!agents.some((agent) => agent.id === id)) agents.push({ id, field: `allowedAgentIds[${index}]` });
    });
    this.agents = agents;
  }

  /** Whether readiness includes the agents. */
  get inReadiness(): boolean {
    return this.options.verifyAgents !== false && this.options.verifyAgents.inReadiness;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.verifyAgents === false || !this.options.verifyAgents.atBoot) return;
    const errors = new Map<string, unknown>();
    const report = await this.run(errors);
    const rejected = [...errors.entries()].find(([, error]) =>
      isPerformChatError(error, PerformChatErrorCode.INVALID_CREDENTIALS),
    );
    if (rejected) {
      const [agentId, error] = rejected as [string, PerformChatError];
      throw new PerformChatError(
        PerformChatErrorCode.INVALID_CREDENTIALS,
        Messages.agentCheckKeyRejected(agentId, error.message),
        {
          status: error.status,
          upstreamMessage: error.upstreamMessage,
        },
      );
    }
    const unusable = this.agents.filter((agent) => report[agent.id] === 'inactive' || report[agent.id] === 'not_found');
    if (unusable.length > 0) {
      const problems = unusable.map(({ id, field }) =>
        report[id] === 'inactive' ? Messages.agentCheckInactive(field, id) : Messages.agentCheckNotFound(field, id),
      );
      throw new PerformChatError(PerformChatErrorCode.AGENT_NOT_FOUND, Messages.agentCheckFailed(problems), {
        field: unusable[0].field,
      });
    }
    const unchecked = this.agents.filter((agent) => report[agent.id] === 'unchecked');
    if (unchecked.length > 0) {
      const first = errors.get(unchecked[0].id);
      const agentIds = unchecked.map((agent) => agent.id);
      const reason = first instanceof Error ? first.message : String(first);
      this.logger.warn(
        performChatLogEntry('agent-check.unchecked', Messages.agentCheckUnchecked(agentIds, reason), {
          agentIds: agentIds.join(','),
          reason,
        }),
      );
    }
  }

  /** The agents' statuses, reused while younger than `health.cacheTtlMs`; concurrent callers share one check. */
  report(now = Date.now()): Promise<PerformChatAgentReport> {
    if (this.cached && now - this.cached.at < this.options.health.cacheTtlMs)
      return Promise.resolve(this.cached.report);
    this.inFlight ??= this.run(new Map()).finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** The agents of `report` that cannot be used for tokens, as `"id" (status)`. */
  static unusable(report: PerformChatAgentReport): string[] {
    return Object.entries(report)
      .filter(([, status]) => status === 'inactive' || status === 'not_found')
      .map(([id, status]) => `"${id}" (${status === 'inactive' ? 'inactive' : 'not found'})`);
  }

  /** Checks every agent (at most {@link CONCURRENCY} at a time); records each failure in `errors`; caches the report. */
  private async run(errors: Map<string, unknown>): Promise<PerformChatAgentReport> {
    const report: PerformChatAgentReport = {};
    const queue = [...this.agents];
    const worker = async () => {
      for (let agent = queue.shift(); agent; agent = queue.shift())
        report[agent.id] = await this.status(agent.id, errors);
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
    const ordered = Object.fromEntries(this.agents.map((agent) => [agent.id, report[agent.id]]));
    this.cached = { report: ordered, at: Date.now() };
    return ordered;
  }

  private async status(agentId: string, errors: Map<string, unknown>): Promise<PerformChatAgentStatus> {
    try {
      return (await this.service.get(agentId)).active ? 'active' : 'inactive';
    } catch (error) {
      errors.set(agentId, error);
      // An id PerformChat refuses as malformed can never be used either.
      if (isPerformChatError(error, PerformChatErrorCode.AGENT_NOT_FOUND, PerformChatErrorCode.INVALID_ARGUMENT))
        return 'not_found';
      return 'unchecked';
    }
  }
}
