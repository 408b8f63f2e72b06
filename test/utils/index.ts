export * from './loopback-server';
export * from './capture-logs';
export * from './token-responses';
export * from './holding-proxy';
export * from './clock';
export * from './listening-app';
