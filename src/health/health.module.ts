import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';

/**
 * Terminus plus the health routes. The PerformChat indicators come from PerformChatModule,
 * registered with `isGlobal: true` in AppModule.
 */
@Module({
  imports: [TerminusModule],
  controllers: [HealthController],
})
export class HealthModule {}
