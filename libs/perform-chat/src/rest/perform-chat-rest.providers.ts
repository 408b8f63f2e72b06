import { Provider } from '@nestjs/common';
import { PerformChatAgentCheck } from './perform-chat-agent-check';
import { PerformChatAgentsService } from './perform-chat-agents.service';
import { PerformChatConversationsService } from './perform-chat-conversations.service';
import { PerformChatCustomerUsersService } from './perform-chat-customer-users.service';

/** The services of the agents, customer-users and conversations APIs: injectable in the app's modules. */
export const PERFORM_CHAT_REST_SERVICES = [
  PerformChatAgentsService,
  PerformChatCustomerUsersService,
  PerformChatConversationsService,
];

/** What one module instance provides for them, and the agent check (`verifyAgents`) built on them. */
export const PERFORM_CHAT_REST_PROVIDERS: Provider[] = [...PERFORM_CHAT_REST_SERVICES, PerformChatAgentCheck];
