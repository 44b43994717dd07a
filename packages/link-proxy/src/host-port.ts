import { BadRequestError } from './errors.ts';

/** Splits 'host:port' (the last colon separates, so '::1:6379' works too); throws BadRequestError. */
export function parseHostPort(address: string): [host: string, port: number] {
  const colon = address.lastIndexOf(':');
  const port = Number(address.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port) || port <= 0 || port > 65_535) {
    throw new BadRequestError(`expected host:port, got '${address}'`);
  }
  return [address.slice(0, colon), port];
}
