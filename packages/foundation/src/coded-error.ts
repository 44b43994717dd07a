/**
 * The base of every error class of Vaultover. `code` is stable and PascalCase (the style of the real
 * service's codes: `BadParameter`, `SecretNotFound`): programs and tests branch on it. `message` is for
 * humans, and nothing should search it. `name` is the class's own name, and `cause` is kept
 * (`{ cause }` in the options), so a log shows the whole chain.
 *
 * A family of errors extends it with the union of its codes, e.g.
 * `abstract class LocalRedisError extends CodedError<LocalRedisErrorCode>`.
 */
export abstract class CodedError<Code extends string = string> extends Error {
  abstract readonly code: Code;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The code of a Redis error reply, when it is one of `codes`. By Redis's convention an error reply's
 * first word is its code (`WRONGTYPE …`, `LOADING …`, and our Lua scripts' `UnknownFormat …`), and
 * ioredis puts the reply's text in the error's message. Only that first word is read: the rest is for
 * humans. Undefined for anything else (a connection error, a timeout, another code).
 */
export function redisReplyCode<const Code extends string>(
  error: unknown,
  codes: readonly Code[],
): Code | undefined {
  if (!(error instanceof Error)) return undefined;
  const word = error.message.split(' ', 1)[0];
  return codes.find((code) => code === word);
}
