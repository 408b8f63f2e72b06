import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { PerformChatConfigurableModule } from './perform-chat.module-definition';
import { PERFORM_CHAT_EXPORTS, performChatInstanceProviders } from './perform-chat.providers';

/**
 * `PerformChatModule.forRoot(options)` or `PerformChatModule.forRootAsync({ imports, inject,
 * useFactory | useClass | useExisting, isGlobal?, controller? })`.
 *
 * The options are validated when the application boots. The module keeps its own axios
 * instance (HttpModule) so your app's HttpService settings never touch PerformChat calls.
 */
@Module({
  // A private axios instance; PerformChatHttpClient sets every request's config (no redirects, limits, agents).
  imports: [HttpModule.register({})],
  providers: performChatInstanceProviders(),
  exports: PERFORM_CHAT_EXPORTS,
})
export class PerformChatModule extends PerformChatConfigurableModule {}
