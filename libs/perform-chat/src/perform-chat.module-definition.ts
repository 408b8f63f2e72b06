import { CanActivate, ConfigurableModuleBuilder, Type } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { createPerformChatTokenController } from './auth/perform-chat-token.controller';
import { PerformChatErrorInterceptor } from './errors/perform-chat-error.interceptor';
import { performChatInstanceAliases, performChatInstanceExports } from './instances/perform-chat-instance.exports';
import { DEFAULT_INSTANCE_NAME } from './options/instance-name';
import { PerformChatModuleOptions } from './options/perform-chat-options.interface';
import { PERFORM_CHAT_INSTANCE } from './perform-chat.constants';

/** Where the token controller is served, behind which of your guards; `false` registers no controller. */
export interface PerformChatControllerExtra {
  /** Route prefix of the token routes. @default 'chat' (so global prefix `api` gives `/api/chat/token`) */
  path?: string;
  /** Tag of the token routes in the app's OpenAPI document (when the app has @nestjs/swagger). @default 'PerformChat' */
  openApiTag?: string;
  /**
   * Your guards on the token routes (classes or instances), e.g. your authentication guard when
   * it is not global: they run after the app's global guards and before the per-user limit
   * (which is keyed by the user they authenticate). A guard class is created inside the
   * PerformChat module: what it injects must come from a global module or from the `imports`
   * of `forRootAsync`. @default []
   */
  guards?: (Type<CanActivate> | CanActivate)[];
}

/** What the module knows about an instance from its sync extras (internal). */
export interface PerformChatInstanceDefinition {
  name: string;
  /** `controller.path`, unset with `controller: false`. */
  routePath?: string;
}

/**
 * Synchronous extras of `forRoot`/`forRootAsync`: they shape the module itself (routes,
 * globality, name), so they cannot wait for async options. They never reach the options object.
 */
export interface PerformChatModuleExtras {
  /**
   * The instance's name, for an app with several PerformChat instances (two companies, regions,
   * staging beside production): inject its service with `@InjectPerformChat(name)` or
   * `getPerformChatToken(name)`. Letters, digits, `.`, `_` and `-`. A named instance exports
   * only its name-based tokens; its store keys, health keys and the context of its log lines
   * about calls (`PerformChat(eu)`) carry the name.
   * Two instances of one app with one name fail the boot. @default 'default'
   */
  name?: string;
  /** Register the module globally so every module can inject `PerformChatAuthService`. @default false */
  isGlobal?: boolean;
  /** The token controller: `{ path, guards }`, or `false` to serve no route. @default { path: 'chat' } */
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
  .setExtras<PerformChatModuleExtras>(
    { name: DEFAULT_INSTANCE_NAME, isGlobal: false, controller: {}, globalErrorInterceptor: true },
    (definition, extras) => {
      // Each forRoot/forRootAsync call is a module of its own: Nest gives it its own providers
      // (the whole graph of perform-chat.providers.ts), so a second instance shares nothing with
      // the first but what the application scopes on purpose (the key-wide budget, the names).
      const name = extras.name ?? DEFAULT_INSTANCE_NAME;
      const controller = extras.controller === false ? undefined : (extras.controller ?? {});
      const routePath = controller ? (controller.path ?? DEFAULT_CONTROLLER_PATH) : undefined;
      const instance: PerformChatInstanceDefinition = { name, routePath };
      return {
        ...definition,
        global: extras.isGlobal,
        providers: [
          ...(definition.providers ?? []),
          { provide: PERFORM_CHAT_INSTANCE, useValue: instance },
          ...performChatInstanceAliases(name),
          ...(extras.globalErrorInterceptor === false
            ? []
            : [{ provide: APP_INTERCEPTOR, useClass: PerformChatErrorInterceptor }]),
        ],
        exports: [...(definition.exports ?? []), ...performChatInstanceExports(name)],
        controllers:
          routePath === undefined
            ? []
            : [createPerformChatTokenController(routePath, controller?.openApiTag, controller?.guards ?? [])],
      };
    },
  )
  .build();

/** What `PerformChatModule.forRootAsync()` takes: `imports`, `inject`, `useFactory | useClass | useExisting`, and the extras. */
export type PerformChatAsyncModuleOptions = typeof PERFORM_CHAT_ASYNC_OPTIONS_TYPE;
