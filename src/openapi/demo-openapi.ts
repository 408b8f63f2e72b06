import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { DEMO_USER_HEADER } from '../auth/demo-auth.guard';

/** Where the demo serves its OpenAPI document (JSON), and the Swagger UI on Express. */
export const DEMO_OPENAPI_JSON_PATH = 'api/docs/openapi.json';
export const DEMO_OPENAPI_UI_PATH = 'api/docs';

/**
 * The demo's OpenAPI document: the token routes of PerformChatModule document themselves once
 * @nestjs/swagger is installed (tag `PerformChat`), so this is all an app adds. The demo's
 * stand-in authentication is the `x-demo-user` header. Built on the first request.
 *
 * The Swagger UI is served on Express only: on Fastify it needs @fastify/static, which the demo
 * does not install; the JSON document is served on both.
 */
export function serveDemoOpenApi(app: INestApplication, platform: 'express' | 'fastify'): void {
  const config = new DocumentBuilder()
    .setTitle('nestjs-performchat demo')
    .setDescription('Chat tokens for the logged-in user. Demo only: the user is whoever the x-demo-user header names.')
    .addApiKey({ type: 'apiKey', in: 'header', name: DEMO_USER_HEADER }, 'demo-user')
    .addSecurityRequirements('demo-user')
    .build();
  SwaggerModule.setup(DEMO_OPENAPI_UI_PATH, app, () => SwaggerModule.createDocument(app, config), {
    jsonDocumentUrl: DEMO_OPENAPI_JSON_PATH,
    ui: platform === 'express',
    raw: ['json'],
  });
}
