export * from './analytics.js';
export * from './assistant.js';
export * from './auth.js';
export * from './common.js';
export * from './handoffs.js';
export * from './live.js';
export * from './sessions.js';
