// What every package stands on: the one clock, the base of every error class, the stack that stops
// what a start-up opened, and one HTTPS JSON call. Depends on nothing.
export { type Clock, systemClock, type Timer } from './clock.ts';
export { CodedError, redisReplyCode } from './coded-error.ts';
export { withDeadline } from './deadline.ts';
export { type HttpsJsonReply, type HttpsJsonRequest, httpsJson, NoAnswerError } from './https-json.ts';
export { type Random, seededRandom } from './seeded-random.ts';
export { type StopFailure, StopStack } from './stop-stack.ts';
