import { describe, expect, it } from 'vitest';
import { CodedError, redisReplyCode } from './coded-error.ts';

type ShelfCode = 'ShelfEmpty' | 'ShelfFull';

abstract class ShelfError extends CodedError<ShelfCode> {}

class ShelfEmptyError extends ShelfError {
  readonly code = 'ShelfEmpty';
}

describe('CodedError', () => {
  it('carries its code, its class name and its cause', () => {
    const cause = new Error('underneath');
    const error = new ShelfEmptyError('nothing on the shelf', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(CodedError);
    expect(error.code).toBe('ShelfEmpty');
    expect(error.name).toBe('ShelfEmptyError');
    expect(error.message).toBe('nothing on the shelf');
    expect(error.cause).toBe(cause);
  });
});

describe('redisReplyCode', () => {
  const CODES = ['UnknownFormat', 'MalformedEntry'] as const;

  it("reads the reply's first word as its code", () => {
    expect(redisReplyCode(new Error('UnknownFormat entry 12: version 2'), CODES)).toBe('UnknownFormat');
    expect(redisReplyCode(new Error('MalformedEntry'), CODES)).toBe('MalformedEntry');
  });

  it('never searches the rest of the text, and knows only the codes it is given', () => {
    expect(redisReplyCode(new Error('ERR entry 12: UnknownFormat'), CODES)).toBeUndefined();
    expect(redisReplyCode(new Error('UnknownFormatX entry 12'), CODES)).toBeUndefined();
    expect(redisReplyCode(new Error('WRONGTYPE Operation against a key'), CODES)).toBeUndefined();
    expect(redisReplyCode('UnknownFormat entry 12', CODES)).toBeUndefined();
    expect(redisReplyCode(undefined, CODES)).toBeUndefined();
  });
});
