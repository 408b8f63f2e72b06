import { HttpModule } from '@nestjs/axios';
import { Module, OnApplicationBootstrap } from '@nestjs/common';
import { PerformChatStateReporter } from './client/perform-chat-state.reporter';
import { PerformChatConfigurableModule } from './perform-chat.module-definition';
import { performChatInstanceProviders } from './perform-chat.providers';

/**
 * `PerformChatModule.forRoot(options)` or `PerformChatModule.forRootAsync({ imports, inject,
 * useFactory | useClass | useExisting, name?, isGlobal?, controller? })`. Each call is an instance
 * of its own (several with different `name`s may live in one app).
 *
 * The options are validated when the application boots. The module keeps its own axios
 * instance (HttpModule) so your app's HttpService settings never touch PerformChat calls.
 */
@Module({
  // A private axios instance; PerformChatHttpClient sets every request's config (no redirects, limits, agents).
  imports: [HttpModule.register({})],
  // Exports depend on the instance's name (a sync extra): perform-chat.module-definition.ts.
  providers: performChatInstanceProviders(),
})
export class PerformChatModule extends PerformChatConfigurableModule implements OnApplicationBootstrap {
  constructor(private readonly stateReporter: PerformChatStateReporter) {
    super();
  }

  /**
   * Nest runs a module class's hook after every provider's hook of the module resolved: the
   * state reporter starts answering only when the instance booted (a failed agent check,
   * `verifyAgents`, fails the boot before it; Nest never runs the destroy hooks of such an app).
   */
  onApplicationBootstrap(): void {
    this.stateReporter.start();
  }
}
