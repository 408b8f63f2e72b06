import { type StormAppConfig, startStormApp } from '../lib/storm-app';
import type { Role } from '../lib/role';

/** One of B7's three app instances (bench/lib/storm-app.ts); command `report`: what its telemetry saw. */
export const stormAppRole: Role<StormAppConfig> = async (config) => {
  const app = await startStormApp(config);
  return {
    port: Number(new URL(app.url).port),
    commands: { report: async () => app.report() },
    close: () => app.close(),
  };
};
