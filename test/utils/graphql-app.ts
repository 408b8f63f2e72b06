import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { CanActivate, ExecutionContext, INestApplication, Injectable, Module, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GqlExecutionContext, GraphQLModule, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AddressInfo } from 'node:net';
import {
  PerformChatModule,
  PerformChatModuleOptions,
  PerformChatRateLimit,
  PerformChatRateLimitGuard,
} from 'nestjs-performchat';

/** The app's GraphQL authentication stand-in: `x-demo-user` → `req.user` (test only). */
@Injectable()
export class GqlHeaderAuthGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const { req } = GqlExecutionContext.create(context).getContext<{
      req: { headers: Record<string, string>; user?: unknown };
    }>();
    const user = req.headers['x-demo-user'];
    if (user) req.user = { id: user };
    return true;
  }
}

/** Resolvers limited per user: authentication first, then the limit (as on HTTP routes). */
@Resolver()
@UseGuards(GqlHeaderAuthGuard, PerformChatRateLimitGuard)
export class ChatResolver {
  @Query(() => String)
  @PerformChatRateLimit({ points: 2, duration: '1m' })
  greeting(): string {
    return 'hello';
  }

  @Query(() => String)
  @PerformChatRateLimit({ points: 10, duration: '1m' })
  exact(): string {
    return 'exact';
  }

  @Mutation(() => Boolean)
  @PerformChatRateLimit([
    { name: 'burst', points: 1, duration: '1m' },
    { name: 'sustained', points: 3, duration: '1h' },
  ])
  sendMessage(): boolean {
    return true;
  }
}

export interface RunningGraphqlApp {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

/** Apollo on Express, code first (schema in memory), the request and response in the GraphQL context. */
export async function startGraphqlApp(module: Partial<PerformChatModuleOptions> = {}): Promise<RunningGraphqlApp> {
  @Module({
    imports: [
      GraphQLModule.forRoot<ApolloDriverConfig>({
        driver: ApolloDriver,
        autoSchemaFile: true,
        // `res` too, for the X-RateLimit-* headers (Nest's default context is `{ req }`).
        context: ({ req, res }: { req: unknown; res: unknown }) => ({ req, res }),
        includeStacktraceInErrorResponses: false,
      }),
      PerformChatModule.forRoot({
        keyId: 'pk_graphql',
        keySecret: 'sk_graphql',
        baseUrl: 'http://127.0.0.1:9',
        controller: false,
        ...module,
      }),
    ],
    providers: [ChatResolver],
  })
  class GraphqlTestModule {}

  const app = await NestFactory.create(GraphqlTestModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
