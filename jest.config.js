/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  moduleFileExtensions: ['js', 'json', 'ts'],
  testRegex: ['libs/.*\\.spec\\.ts$', 'src/.*\\.spec\\.ts$', 'test/.*\\.e2e-spec\\.ts$'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/test/compat/', '<rootDir>/bench/.baseline/'],
  // The bench's baseline checkouts (bench/lib/baseline.ts) hold a second copy of every package.json.
  modulePathIgnorePatterns: ['<rootDir>/bench/.baseline/'],
  transform: {
    // Type-checking is done once by `npm run typecheck`; here we only transpile.
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.spec.json' }],
  },
  moduleNameMapper: {
    '^nestjs-performchat$': '<rootDir>/libs/perform-chat/src',
    '^nestjs-performchat/emulator$': '<rootDir>/libs/perform-chat-emulator/src',
    '^nestjs-performchat/otel$': '<rootDir>/libs/perform-chat/src/otel',
    '^@test/utils(.*)$': '<rootDir>/test/utils$1',
  },
  testEnvironment: 'node',
  testTimeout: 15000,
};
