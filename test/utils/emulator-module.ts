import { EMULATOR_DEMO_AGENT_ID, EMULATOR_DEMO_KEY } from 'nestjs-performchat/emulator';
import type { PerformChatModuleExtras, PerformChatModuleOptions } from 'nestjs-performchat';

type ForRootOptions = PerformChatModuleOptions & PerformChatModuleExtras;

/** `PerformChatModule.forRoot` options for an emulator: its demo key and agent, then `options`. */
export function emulatorModuleOptions(
  emulator: { url: string },
  options: Partial<ForRootOptions> = {},
): ForRootOptions {
  return {
    keyId: EMULATOR_DEMO_KEY.keyId,
    keySecret: EMULATOR_DEMO_KEY.keySecret,
    baseUrl: emulator.url,
    defaultAgentId: EMULATOR_DEMO_AGENT_ID,
    ...options,
  } as ForRootOptions;
}
