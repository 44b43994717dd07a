import { describe, expect, it } from 'vitest';
import { applyRefusal, ReplicationError } from './errors.ts';

describe('applyRefusal', () => {
  it("classifies the apply script's refusal by the reply's first word", () => {
    const unknown = applyRefusal(
      'v',
      new Error('UnknownFormat vaultover apply: entry 3: unknown format version 2'),
    );
    expect(unknown).toBeInstanceOf(ReplicationError);
    expect(unknown).toMatchObject({
      code: 'UnknownFormat',
      vault: 'v',
      message: 'vault v: UnknownFormat vaultover apply: entry 3: unknown format version 2',
    });
    // The text says "unknown format version", the code word says otherwise: the code word wins.
    expect(
      applyRefusal('v', new Error('MalformedEntry vaultover apply: entry 3: op says unknown format version')),
    ).toMatchObject({ code: 'MalformedEntry' });
  });

  it('leaves everything else to the caller: connection errors and replies without our codes', () => {
    expect(
      applyRefusal('v', new Error('ERR vaultover apply: entry 3: unknown format version 2')),
    ).toBeUndefined();
    expect(applyRefusal('v', new Error('Connection is closed.'))).toBeUndefined();
    expect(
      applyRefusal('v', new Error('WRONGTYPE Operation against a key holding the wrong kind of value')),
    ).toBe(undefined);
  });
});
