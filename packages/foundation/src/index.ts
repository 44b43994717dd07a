// What every package stands on: the one clock, the base of every error class, and the stack that stops
// what a start-up opened. Depends on nothing.
export { type Clock, systemClock, type Timer } from './clock.ts';
export { CodedError, redisReplyCode } from './coded-error.ts';
export { withDeadline } from './deadline.ts';
export { type Random, seededRandom } from './seeded-random.ts';
export { type StopFailure, StopStack } from './stop-stack.ts';
