// What every HTTPS listener of Vaultover's applies: time and connection limits, and answers in the
// service's JSON error format for what the HTTP parser refuses. docs/reliability.md.
export { answerClientErrors } from './client-errors.ts';
export { type Admission, ConnectionCap, capConnections } from './connection-cap.ts';
export { type LimitedHttpsServer, limitedHttpsServer } from './limited-https-server.ts';
export { DEFAULT_SERVER_LIMITS, type ServerLimits } from './server-limits.ts';
