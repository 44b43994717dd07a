/**
 * The code a failed call is recorded under: the service's code when an answer carried one
 * (`ServiceUnavailable`, `Throttled`: the RestError's `code`), else the transport's (`ECONNRESET`,
 * `REQUEST_SEND_ERROR`), `BrokenCircuit` for cockatiel's open circuit, else the error's name. Read from
 * fields, never from the message.
 */
export function errorCode(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'Unknown';
  const fields = error as {
    code?: unknown;
    name?: unknown;
    isBrokenCircuitError?: unknown;
    statusCode?: unknown;
  };
  if (fields.isBrokenCircuitError === true) return 'BrokenCircuit';
  if (typeof fields.code === 'string' && fields.code !== '') return fields.code;
  if (typeof fields.code === 'number') return String(fields.code);
  if (typeof fields.statusCode === 'number') return `Http${fields.statusCode}`;
  if (typeof fields.name === 'string' && fields.name !== '' && fields.name !== 'Error') return fields.name;
  return 'Unknown';
}
