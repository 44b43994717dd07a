import { type Logger, stdSerializers } from 'pino';

// ioredis hangs the failed command on its errors (`err.command = { name, args }`), and pino's error
// serializer writes out every property an error has. A logged Redis error would so carry a script's
// arguments (sealed values, a caller's tags) or, when a server refuses the connection, the password
// of HELLO's AUTH. A log line keeps the command's name: it says what failed, never with what.

type Serialized = Record<string, unknown>;

/** pino's error serializer, without the arguments of a failed Redis command (nor of an AggregateError's). */
export function serializeLoggedError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  return withoutCommandArguments(stdSerializers.err(error) as unknown as Serialized);
}

function withoutCommandArguments(serialized: Serialized): Serialized {
  const { command, aggregateErrors } = serialized;
  if (isRecord(command)) serialized.command = { name: command.name };
  if (Array.isArray(aggregateErrors))
    for (const each of aggregateErrors) if (isRecord(each)) withoutCommandArguments(each);
  return serialized;
}

function isRecord(value: unknown): value is Serialized {
  return typeof value === 'object' && value !== null;
}

/** The serializers every Vaultover logger writes errors with. */
export const logSerializers = { err: serializeLoggedError } as const;

/**
 * `logger` writing errors through `logSerializers`: a process applies it to whatever logger it was given
 * (its own or a caller's), so no path into the logs skips it.
 */
export function withLogSerializers(logger: Logger): Logger {
  return logger.child({}, { serializers: logSerializers });
}
