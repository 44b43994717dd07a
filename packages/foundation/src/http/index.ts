// What every HTTPS listener of Vaultover's applies: time and connection limits, and answers in the
// service's JSON error format for what the HTTP parser refuses. docs/reliability.md.
export { answerClientErrors, type ClientErrorOptions, clientErrorReply } from './client-errors.ts';
export { closeAfterAnswer } from './close-after-answer.ts';
export { type Admission, ConnectionCap, capConnections, refuseOverCap } from './connection-cap.ts';
export { errorEnvelope } from './error-envelope.ts';
export { type LimitedHttpsServer, limitedHttpsServer } from './limited-https-server.ts';
export {
  applyServerLimits,
  DEFAULT_SERVER_LIMITS,
  type ServerLimits,
  serverOptions,
} from './server-limits.ts';
