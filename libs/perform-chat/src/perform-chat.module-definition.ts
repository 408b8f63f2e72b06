import { ConfigurableModuleBuilder } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { createPerformChatTokenController } from './auth/perform-chat-token.controller';
import { PerformChatErrorInterceptor } from './errors/perform-chat-error.interceptor';
import { PerformChatModuleOptions } from './options/perform-chat-options.interface';

/** Where the token controller is served; `false` registers no controller. */
export interface PerformChatControllerExtra {
  /** Route prefix of the token routes. @default 'chat' (so global prefix `api` gives `/api/chat/token`) */
  path?: string;
  /** Tag of the token routes in the app's OpenAPI document (when the app has @nestjs/swagger). @default 'PerformChat' */
  openApiTag?: string;
}

/**
 * Synchronous extras of `forRoot`/`forRootAsync`: they shape the module itself (routes,
 * globality), so they cannot wait for async options. They never reach the options object.
 */
export interface PerformChatModuleExtras {
  /** Register the module globally so every module can inject `PerformChatAuthService`. @default false */
  isGlobal?: boolean;
  /** The token controller: `{ path }`, or `false` to serve no route. @default { path: 'chat' } */
  controller?: PerformChatControllerExtra | false;
  /**
   * Turn a `PerformChatError` thrown by any HTTP route of the app (your own routes that call
   * `PerformChatAuthService`) into the honest status the token route answers (503/502/429/400
   * ... with `Retry-After`), through an app-wide interceptor that translates only those
   * errors into `HttpException`s, so your own exception filters still see them. `false`
   * registers nothing: then use `PerformChatExceptionFilter` where you want it. @default true
   */
  globalErrorInterceptor?: boolean;
}

export const DEFAULT_CONTROLLER_PATH = 'chat';

export const {
  ConfigurableModuleClass: PerformChatConfigurableModule,
  MODULE_OPTIONS_TOKEN: PERFORM_CHAT_MODULE_OPTIONS,
  OPTIONS_TYPE: PERFORM_CHAT_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: PERFORM_CHAT_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<PerformChatModuleOptions>({ moduleName: 'PerformChat' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createPerformChatOptions')
  .setExtras<PerformChatModuleExtras>({ isGlobal: false, controller: {}, globalErrorInterceptor: true }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
    providers:
      extras.globalErrorInterceptor === false
        ? definition.providers
        : [...(definition.providers ?? []), { provide: APP_INTERCEPTOR, useClass: PerformChatErrorInterceptor }],
    controllers:
      extras.controller === false
        ? []
        : [createPerformChatTokenController(extras.controller?.path ?? DEFAULT_CONTROLLER_PATH, extras.controller?.openApiTag)],
  }))
  .build();

/** What `PerformChatModule.forRootAsync()` takes: `imports`, `inject`, `useFactory | useClass | useExisting`, and the extras. */
export type PerformChatAsyncModuleOptions = typeof PERFORM_CHAT_ASYNC_OPTIONS_TYPE;
