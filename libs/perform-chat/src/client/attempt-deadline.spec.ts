import { AttemptDeadline } from './attempt-deadline';

describe('AttemptDeadline', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('aborts when the time is up: aborted, and every abort listener called once', () => {
    const deadline = new AttemptDeadline(250);
    const first = jest.fn();
    const second = jest.fn();
    const other = jest.fn();
    deadline.addEventListener('abort', first);
    deadline.addEventListener('abort', second);
    deadline.addEventListener('other', other);
    jest.advanceTimersByTime(249);
    expect(deadline.aborted).toBe(false);
    expect(first).not.toHaveBeenCalled();

    jest.advanceTimersByTime(1);
    expect(deadline.aborted).toBe(true);
    expect([first.mock.calls.length, second.mock.calls.length, other.mock.calls.length]).toEqual([1, 1, 0]);
    jest.advanceTimersByTime(10_000);
    expect(first).toHaveBeenCalledTimes(1);
  });

  it('does not call a removed listener, and clear() stops the timer', () => {
    const removed = jest.fn();
    const deadline = new AttemptDeadline(100);
    deadline.addEventListener('abort', removed);
    deadline.removeEventListener('abort', removed);
    jest.advanceTimersByTime(100);
    expect(deadline.aborted).toBe(true);
    expect(removed).not.toHaveBeenCalled();

    const cleared = new AttemptDeadline(100);
    const listener = jest.fn();
    cleared.addEventListener('abort', listener);
    cleared.clear();
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(1_000);
    expect([cleared.aborted, listener.mock.calls.length]).toEqual([false, 0]);
  });
});
