// What every package stands on: the one clock, the base of every error class, the stack that stops
// what a start-up opened, one HTTPS JSON call, and the small tools of a process that starts others
// (a free port, a program on PATH, the tail of a child's output, a program run to its end, the Node
// flags and environment of a server process). Depends on nothing.
export { type Clock, systemClock, type Timer } from './clock.ts';
export { CodedError, redisReplyCode } from './coded-error.ts';
export { createFileOnce } from './create-file-once.ts';
export { withDeadline } from './deadline.ts';
export { findExecutable } from './find-executable.ts';
export { findFreePort, portInUse } from './free-port.ts';
export { type HttpsJsonReply, type HttpsJsonRequest, httpsJson, NoAnswerError } from './https-json.ts';
export { OutputTail } from './output-tail.ts';
export { CommandFailedError, runCommand } from './run-command.ts';
export { type Random, seededRandom } from './seeded-random.ts';
export { SERVER_NODE_FLAGS, serverProcessEnv } from './server-process.ts';
export { type StopFailure, StopStack } from './stop-stack.ts';
