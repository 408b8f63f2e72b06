/**
 * The OpenTelemetry bridge (`nestjs-performchat/otel`, issue 16) as the bench sees it: imported
 * by name at run time, so the bench builds and runs before the bridge exists (B1o and B2o then
 * say they were skipped). Nothing here loads the SDK.
 */

/** The bridge's module specifier (a variable: the type checker must not require it to exist). */
export const OTEL_BRIDGE_MODULE: string = 'nestjs-performchat/otel';

export const OTEL_BRIDGE_MISSING = 'skipped: nestjs-performchat/otel not built yet';

/** The part of the bridge's API the bench calls. */
export interface OtelBridgeModule {
  instrumentPerformChat(options: { tracerProvider?: unknown; meterProvider?: unknown }): { disable(): void };
}

/**
 * Why the bridge cannot be loaded here (`OTEL_BRIDGE_MISSING` when the module does not
 * resolve), or undefined when it can. Resolves only: nothing is loaded into this process.
 */
export function otelBridgeMissing(): string | undefined {
  try {
    require.resolve(OTEL_BRIDGE_MODULE);
    return undefined;
  } catch (error) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (code === 'MODULE_NOT_FOUND' && typeof message === 'string' && message.includes(OTEL_BRIDGE_MODULE)) {
      return OTEL_BRIDGE_MISSING;
    }
    throw error;
  }
}
