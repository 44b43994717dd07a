export type { ApiLink } from './api-link.ts';
export { closeTogether, resetSocket } from './close-together.ts';
export { ConnectionToxics, type ConnectionToxicsOptions } from './connection-toxics.ts';
export {
  type ControlApiHandler,
  type ControlApiOptions,
  createControlApi,
  startControlApi,
} from './control-api.ts';
export {
  BadRequestError,
  BadToxicError,
  ForbiddenError,
  KernelCommandError,
  LinkProxyError,
  type LinkProxyErrorCode,
  PayloadTooLargeError,
  ProxyListenError,
  ProxyNotFoundError,
  ToxicExistsError,
  ToxicNotFoundError,
  UnauthorizedError,
} from './errors.ts';
export { KernelLink, type KernelLinkOptions } from './kernel/kernel-link.ts';
export { type LinkKernel, type VethPair, vethKernel } from './kernel/veth-kernel.ts';
export type { DirectionCounters } from './link.ts';
export type { AccessVerdict, LinkApiAccess } from './link-api-access.ts';
export { LinkProxy } from './link-proxy.ts';
export { LINK_PROXY_DEFAULTS, type LinkProxyOptions, type ProxyView } from './link-proxy-options.ts';
export { emptyCounters, type LinkMetrics, type LinkProxyMetrics } from './metrics.ts';
export type { Direction, Stream, ToxicConfig, ToxicContext, ToxicDefinition, ToxicStage } from './toxic.ts';
export type { ToxicInput } from './toxic-config.ts';
export { ToxicLink } from './toxic-link.ts';
export { registerToxic } from './toxic-registry.ts';
export { ToxicSet, type ToxicTarget } from './toxic-set.ts';
