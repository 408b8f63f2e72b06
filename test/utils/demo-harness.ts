import { INestApplication } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { EMULATOR_DEMO_AGENT_ID, EMULATOR_DEMO_KEY, PerformChatEmulator } from 'nestjs-performchat/emulator';
import { createDemoApp, DemoPlatform } from '../../src/demo-app';

export const PLATFORMS: DemoPlatform[] = ['express', 'fastify'];

/** Configuration pointing the demo app at an emulator with its demo key. */
export function emulatorConfig(
  emulator: PerformChatEmulator,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    PERFORMCHAT_BASE_URL: emulator.url,
    PERFORMCHAT_KEY_ID: EMULATOR_DEMO_KEY.keyId,
    PERFORMCHAT_KEY_SECRET: EMULATOR_DEMO_KEY.keySecret,
    PERFORMCHAT_DEFAULT_AGENT_ID: EMULATOR_DEMO_AGENT_ID,
    ...extra,
  };
}

/** The demo app as `npm start` builds it, initialised (not listening) on the given platform. */
export async function startDemoApp(platform: DemoPlatform, config: Record<string, string>): Promise<INestApplication> {
  const app = await createDemoApp({ platform, config, logger: false });
  await app.init();
  if (platform === 'fastify') await (app as NestFastifyApplication).getHttpAdapter().getInstance().ready();
  return app;
}
