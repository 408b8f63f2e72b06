import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { PerformChatHealthIndicator, PerformChatRedisHealthIndicator } from 'nestjs-performchat';

/**
 * `/health/live`: the process answers. It never depends on PerformChat, so an outage at the
 * vendor does not make Kubernetes restart pods.
 * `/health/ready`: this instance can serve tokens now: PerformChat's auth endpoint is reachable
 * (an unauthenticated probe, cached for `health.cacheTtlMs`), and Redis answers PING when a
 * store of the module uses Redis.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly performChat: PerformChatHealthIndicator,
    private readonly redis: PerformChatRedisHealthIndicator,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.performChat.isHealthy('performchat'),
      // Reported only when a store (rate limits, upstream budget, customer users) uses Redis.
      ...(this.redis.hasClients() ? [() => this.redis.isHealthy('performchat_redis')] : []),
    ]);
  }
}
