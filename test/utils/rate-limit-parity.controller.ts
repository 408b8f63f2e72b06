import { Controller, ExecutionContext, Get, UseGuards } from '@nestjs/common';
import { PerformChatRateLimit, PerformChatRateLimitGuard, SkipPerformChatRateLimit } from 'nestjs-performchat';

/** A request header of the request being limited. */
const header = (context: ExecutionContext, name: string): unknown => context.switchToHttp().getRequest().headers[name];

/** Two named limits: a burst of 3 a minute, 5 an hour. */
const BURST_AND_SUSTAINED = [
  { name: 'burst', points: 3, duration: '1m' },
  { name: 'sustained', points: 5, duration: '1h' },
] as const;

/**
 * One route per @nestjs/throttler feature users rely on (test/rate-limit-parity.e2e-spec.ts).
 * All of them answer `{ route }`.
 */
@Controller('parity')
@UseGuards(PerformChatRateLimitGuard)
export class RateLimitParityController {
  /** throttler `limit: (context) => ...`: a "pro" user (header x-plan: pro) gets 5, anyone else 2. */
  @Get('plan')
  @PerformChatRateLimit({ points: (context) => (header(context, 'x-plan') === 'pro' ? 5 : 2), duration: '1m' })
  plan() {
    return { route: 'plan' };
  }

  /** throttler `skipIf`: requests saying x-internal: yes are not counted. */
  @Get('skip-if')
  @PerformChatRateLimit({ points: 1, duration: '1m', skipIf: (context) => header(context, 'x-internal') === 'yes' })
  skipIf() {
    return { route: 'skip-if' };
  }

  /** throttler `getTracker`: one counter per organisation (x-org), else the default key. */
  @Get('org')
  @PerformChatRateLimit({
    points: 2,
    duration: '1m',
    tracker: (request: { headers: Record<string, string> }) => request.headers['x-org'],
  })
  org() {
    return { route: 'org' };
  }

  /** throttler `setHeaders: false`. */
  @Get('quiet')
  @PerformChatRateLimit({ points: 1, duration: '1m', headers: false })
  quiet() {
    return { route: 'quiet' };
  }

  /** Durations with their unit; numbers stay seconds. */
  @Get('units')
  @PerformChatRateLimit({ points: 1, duration: '2m', blockDuration: '5m' })
  units() {
    return { route: 'units' };
  }

  /** throttler's named throttlers: a burst limit and a sustained one, each with its headers. */
  @Get('stacked')
  @PerformChatRateLimit(BURST_AND_SUSTAINED)
  stacked() {
    return { route: 'stacked' };
  }

  /** The sustained limit is the tighter one here. */
  @Get('stacked-tight')
  @PerformChatRateLimit([
    { name: 'burst', points: 5, duration: '1m' },
    { name: 'sustained', points: 3, duration: '1h' },
  ])
  stackedTight() {
    return { route: 'stacked-tight' };
  }

  /** throttler `@SkipThrottle({ burst: true })`. */
  @Get('no-burst')
  @PerformChatRateLimit(BURST_AND_SUSTAINED)
  @SkipPerformChatRateLimit('burst')
  noBurst() {
    return { route: 'no-burst' };
  }

  /** Anonymous callers by IP (IPv6 grouped by the ipv6Subnet prefix). */
  @Get('anonymous')
  @PerformChatRateLimit({ points: 2, duration: '1m' })
  anonymous() {
    return { route: 'anonymous' };
  }
}
