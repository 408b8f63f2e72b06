import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
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
export class PerformChatModule extends PerformChatConfigurableModule {}
