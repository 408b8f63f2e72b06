import { Controller, Get, Res } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HttpAdapterHost } from '@nestjs/core';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readDemoPageConfig } from './demo-page.config';

/** The page's files: beside this file in src/, or back in src/ when running from dist/. */
function publicDir(): string {
  const candidates = [join(__dirname, 'public'), join(__dirname, '..', '..', '..', 'src', 'web', 'public')];
  const found = candidates.find((dir) => existsSync(join(dir, 'index.html')));
  if (found === undefined) throw new Error(`demo page files not found in ${candidates.join(' or ')}`);
  return found;
}

interface Asset {
  body: string;
  type: string;
}

/** Paths of the page: excluded from the `api` prefix in demo-app.ts. */
export const DEMO_PAGE_ROUTES = ['/', 'assets/app.js', 'assets/style.css', 'assets/socket.io.min.js'];

/**
 * The demo page at `/`: plain HTML, a stylesheet and a small script, plus socket.io's browser
 * client from the socket.io-client package (no CDN, no build step). Read once at boot.
 *
 * Headers: a Content-Security-Policy that allows scripts from this origin only and connections
 * to this origin and the chat server; `nosniff`; no referrer; no framing.
 */
@Controller()
export class DemoPageController {
  private readonly assets: Record<string, Asset>;
  private readonly csp: string;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    config: ConfigService,
  ) {
    const dir = publicDir();
    const read = (file: string, type: string): Asset => ({ body: readFileSync(join(dir, file), 'utf8'), type });
    this.assets = {
      index: read('index.html', 'text/html; charset=utf-8'),
      app: read('app.js', 'text/javascript; charset=utf-8'),
      style: read('style.css', 'text/css; charset=utf-8'),
      socketIo: {
        // The package exports only dist/socket.io.js by name: the minified file is found beside it.
        body: readFileSync(
          join(dirname(require.resolve('socket.io-client/package.json')), 'dist', 'socket.io.min.js'),
          'utf8',
        ),
        type: 'text/javascript; charset=utf-8',
      },
    };
    const chat = new URL(
      readDemoPageConfig({
        DEMO_CHAT_URL: config.get('DEMO_CHAT_URL'),
        PERFORMCHAT_BASE_URL: config.get('PERFORMCHAT_BASE_URL'),
      }).chatUrl,
    );
    const ws = `${chat.protocol === 'https:' ? 'wss:' : 'ws:'}//${chat.host}`;
    this.csp = [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      `connect-src 'self' ${chat.origin} ${ws}`,
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'self'",
    ].join('; ');
  }

  @Get()
  index(@Res({ passthrough: true }) response: unknown): string {
    return this.send(response, this.assets.index, true);
  }

  @Get('assets/app.js')
  app(@Res({ passthrough: true }) response: unknown): string {
    return this.send(response, this.assets.app);
  }

  @Get('assets/style.css')
  style(@Res({ passthrough: true }) response: unknown): string {
    return this.send(response, this.assets.style);
  }

  @Get('assets/socket.io.min.js')
  socketIo(@Res({ passthrough: true }) response: unknown): string {
    return this.send(response, this.assets.socketIo);
  }

  private send(response: unknown, asset: Asset, page = false): string {
    const adapter = this.adapterHost.httpAdapter;
    adapter.setHeader(response, 'Content-Type', asset.type);
    adapter.setHeader(response, 'Cache-Control', 'no-cache');
    adapter.setHeader(response, 'X-Content-Type-Options', 'nosniff');
    if (page) {
      adapter.setHeader(response, 'Content-Security-Policy', this.csp);
      adapter.setHeader(response, 'Referrer-Policy', 'no-referrer');
      adapter.setHeader(response, 'X-Frame-Options', 'DENY');
    }
    return asset.body;
  }
}
