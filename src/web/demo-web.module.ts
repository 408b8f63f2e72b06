import { Module } from '@nestjs/common';
import { DemoSessionController } from '../auth/demo-session.controller';
import { DemoSessionStore } from '../auth/demo-session.store';
import { DemoPageController } from './demo-page.controller';

/** The demo page and its login (stand-ins for your app's front end and sessions). */
@Module({
  controllers: [DemoPageController, DemoSessionController],
  providers: [DemoSessionStore],
  exports: [DemoSessionStore],
})
export class DemoWebModule {}
