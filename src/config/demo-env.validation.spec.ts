import { assertDemoEnv, readDemoPort } from './demo-env.validation';

describe('demo env', () => {
  it.each<[unknown, number]>([
    [undefined, 3000],
    ['', 3000], // `PORT=` as .env.example leaves it: the default, not a random port
    ['0', 0],
    ['8080', 8080],
  ])('PORT %p → %i', (PORT, port) => expect(readDemoPort({ PORT })).toBe(port));

  it.each(['-1', '65536', '80.5', 'http'])('refuses PORT %p', (PORT) => {
    expect(() => readDemoPort({ PORT })).toThrow('PORT must be a whole number from 0 to 65535');
  });

  it('checks PERFORMCHAT_* with the library rules, naming the option', () => {
    expect(() =>
      assertDemoEnv({ PERFORMCHAT_KEY_ID: 'pk', PERFORMCHAT_KEY_SECRET: 'sk', PERFORMCHAT_TIMEOUT_MS: 'soon' }),
    ).toThrow(/timeoutMs/);
    expect(() => assertDemoEnv({ PERFORMCHAT_KEY_ID: 'pk', PERFORMCHAT_KEY_SECRET: 'sk' })).not.toThrow();
  });

  it("checks the demo page's DEMO_* variables, naming the variable", () => {
    expect(() =>
      assertDemoEnv({ PERFORMCHAT_KEY_ID: 'pk', PERFORMCHAT_KEY_SECRET: 'sk', DEMO_RETRY_BASE_MS: 'soon' }),
    ).toThrow('DEMO_RETRY_BASE_MS must be a whole number >= 1');
  });
});
