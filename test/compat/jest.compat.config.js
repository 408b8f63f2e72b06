/**
 * `npm run test:compat`: the packed package installed into throwaway Nest apps (fixtures/),
 * booted against its emulator on each Node runtime of global-setup.js. Slow (npm installs):
 * not part of `npm test`. Env:
 *   COMPAT_NODE        runtimes, comma-separated: `system` and/or versions or ranges of the
 *                      node-<platform>-<arch> npm package (default `system,20.19.0,22`)
 *   COMPAT_SKIP_PACK=1 reuse dist-pack/ instead of running `npm run pack:lib`
 *   COMPAT_NPM_CACHE   npm cache folder (default: npm's own, shared with every install)
 *   COMPAT_KEEP=1      keep the throwaway apps (their folder is printed)
 * Results: dist-pack/compat/compat-report.{md,json}, printed at the end.
 */
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '../..',
  moduleFileExtensions: ['js', 'json', 'ts'],
  testRegex: ['test/compat/[^/]+\\.compat-spec\\.ts$'],
  // bench/.baseline/: the bench's checkouts of older commits (npm test's bench-baseline spec makes one), their own specs included.
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/test/compat/fixtures/', '<rootDir>/bench/.baseline/'],
  modulePathIgnorePatterns: ['<rootDir>/bench/.baseline/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.spec.json' }],
  },
  testEnvironment: 'node',
  globalSetup: '<rootDir>/test/compat/global-setup.js',
  globalTeardown: '<rootDir>/test/compat/global-teardown.js',
  // Each file installs its own app: run them side by side (npm's cache is safe to share).
  maxWorkers: 4,
  testTimeout: 600000,
  slowTestThreshold: 120,
};
