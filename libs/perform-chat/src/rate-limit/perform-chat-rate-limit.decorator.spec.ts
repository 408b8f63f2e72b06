import { Reflector } from '@nestjs/core';
import {
  PERFORM_CHAT_RATE_LIMIT_METADATA,
  PERFORM_CHAT_SKIP_RATE_LIMIT_METADATA,
} from './perform-chat-rate-limit.constants';
import { PerformChatRateLimit, SkipPerformChatRateLimit } from './perform-chat-rate-limit.decorator';

describe('@PerformChatRateLimit / @SkipPerformChatRateLimit', () => {
  const reflector = new Reflector();

  it('store their options on the handler or the class', () => {
    @PerformChatRateLimit({ points: 2, duration: 30 })
    class Limited {
      @PerformChatRateLimit({ points: 5, duration: 0.5, blockDuration: 2, keyPrefix: 'send-message' })
      send() {}

      @SkipPerformChatRateLimit()
      health() {}
    }
    expect(reflector.get(PERFORM_CHAT_RATE_LIMIT_METADATA, Limited)).toEqual({ points: 2, duration: 30 });
    expect(reflector.get(PERFORM_CHAT_RATE_LIMIT_METADATA, Limited.prototype.send)).toEqual({
      points: 5,
      duration: 0.5,
      blockDuration: 2,
      keyPrefix: 'send-message',
    });
    expect(reflector.get(PERFORM_CHAT_SKIP_RATE_LIMIT_METADATA, Limited.prototype.health)).toBe(true);
  });

  it('fail when the class loads, naming every bad field', () => {
    expect(() => PerformChatRateLimit({ points: 0, duration: 0 })).toThrow(
      'Invalid @PerformChatRateLimit options: PerformChatRateLimit.points must be a positive integer; PerformChatRateLimit.duration must be a positive number of seconds or a duration with its unit such as "90s", "15m", "1h", "7d"',
    );
    expect(() => PerformChatRateLimit({ points: 1, duration: 1, keyPrefix: 'has:colon' })).toThrow(
      'PerformChatRateLimit.keyPrefix may only contain letters, digits, ".", "_" and "-" (1 to 100 characters)',
    );
    expect(() => PerformChatRateLimit({ points: 1, duration: 1, blockDuration: -1 })).toThrow(
      'PerformChatRateLimit.blockDuration must be a number of seconds >= 0 or a duration with its unit',
    );
    expect(() => PerformChatRateLimit(undefined as never)).toThrow(
      'Invalid @PerformChatRateLimit options: the options must be an object { name?, points, duration, blockDuration?, keyPrefix?, skipIf?, tracker?, headers?, subscriptions? }',
    );
  });

  it('copies the options, so later changes to the object do not change the limit', () => {
    const options = { points: 3, duration: 10 };
    class Copied {
      @PerformChatRateLimit(options)
      route() {}
    }
    options.points = 100;
    expect(reflector.get(PERFORM_CHAT_RATE_LIMIT_METADATA, Copied.prototype.route)).toEqual({
      points: 3,
      duration: 10,
    });
  });

  it('take a list of named limits, and skip all limits or only the named ones', () => {
    class Stacked {
      @PerformChatRateLimit([
        { name: 'burst', points: 3, duration: '1s' },
        { name: 'sustained', points: 100, duration: '1h' },
      ])
      @SkipPerformChatRateLimit('burst')
      send() {}
    }
    expect(reflector.get(PERFORM_CHAT_RATE_LIMIT_METADATA, Stacked.prototype.send)).toEqual([
      { name: 'burst', points: 3, duration: '1s' },
      { name: 'sustained', points: 100, duration: '1h' },
    ]);
    expect(reflector.get(PERFORM_CHAT_SKIP_RATE_LIMIT_METADATA, Stacked.prototype.send)).toEqual(['burst']);
  });

  it('refuse a list with a bad limit, two limits of one name, or nothing in it', () => {
    expect(() =>
      PerformChatRateLimit([
        { points: 1, duration: '1m' },
        { points: 2, duration: '2x' as never },
      ]),
    ).toThrow(
      'Invalid @PerformChatRateLimit options: PerformChatRateLimit[1].duration must be a positive number of seconds or a duration with its unit such as "90s", "15m", "1h", "7d"; PerformChatRateLimit[1].name "default" is used twice: each limit of a list needs a name of its own (an unnamed one is "default")',
    );
    expect(() => PerformChatRateLimit([])).toThrow(
      'Invalid @PerformChatRateLimit options: PerformChatRateLimit must be a non-empty array of limits { name?, points, duration, ... }',
    );
    expect(() => PerformChatRateLimit({ name: 'has space', points: 1, duration: 1 })).toThrow(
      'PerformChatRateLimit.name may only contain letters, digits, "_" and "-" (1 to 40 characters)',
    );
  });
});
