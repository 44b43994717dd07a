import { PassThrough } from 'node:stream';
import { pollUntil } from '@vaultover/testkit';
import { describe, expect, it } from 'vitest';
import { Link } from './link.ts';
import type { ToxicStage } from './toxic.ts';

// A `handed` link: the source's owner hands in views of a buffer it reads into again (a socket's
// `onread`), so the link must never let a view it did not finish with be overwritten.

function counters() {
  return { receivedBytes: 0, sentBytes: 0 };
}

/** A source whose resumes are counted (the link resumes it once a lent view is written). */
function countedSource(): { source: PassThrough; resumes: () => number } {
  const source = new PassThrough();
  let resumes = 0;
  const resume = source.resume.bind(source);
  source.resume = () => {
    resumes++;
    return resume();
  };
  return { source, resumes: () => resumes };
}

/** A stage that holds every chunk until `release()`. */
function holdingStage(): ToxicStage & { release(): void } {
  const held: [Buffer, (chunk: Buffer) => void][] = [];
  return {
    push: (chunk, next) => void held.push([chunk, next]),
    flush: (next) => {
      for (const [chunk] of held.splice(0)) next(chunk);
    },
    release() {
      for (const [chunk, next] of held.splice(0)) next(chunk);
    },
  };
}

describe('Link.carry, for a source that reads into a buffer of its own', () => {
  it('writes a view the destination takes at once, and the source reads on', () => {
    const { source } = countedSource();
    const destination = new PassThrough();
    const received: Buffer[] = [];
    destination.on('data', (chunk: Buffer) => received.push(Buffer.from(chunk)));
    const counts = counters();
    const link = new Link(source, destination, counts, 'handed');
    const buffer = Buffer.from('hello world');
    expect(link.carry(buffer.subarray(0, 5))).toBe(true);
    expect(Buffer.concat(received).toString()).toBe('hello');
    expect(counts).toEqual({ receivedBytes: 5, sentBytes: 5 });
  });

  it('stops the source while the destination holds the view, and resumes it once written', async () => {
    const { source, resumes } = countedSource();
    // Not read yet: what is written stays queued in the destination, as a socket's would.
    const destination = new PassThrough({ highWaterMark: 4 });
    const link = new Link(source, destination, counters(), 'handed');
    const before = resumes();
    const buffer = Buffer.from('abcdefgh');
    // The first write is taken by the transform at once; the next ones wait for a reader.
    link.carry(buffer.subarray(0, 4));
    expect(link.carry(buffer.subarray(4, 8))).toBe(false);
    expect(resumes()).toBe(before);
    const read: Buffer[] = [];
    destination.on('data', (chunk: Buffer) => read.push(Buffer.from(chunk)));
    await pollUntil('the held view is written and the source resumed', () => resumes() > before);
    expect(Buffer.concat(read).toString()).toBe('abcdefgh');
  });

  it('carries a copy through a stage, so that the reused buffer does not change what is held', () => {
    const { source } = countedSource();
    const destination = new PassThrough();
    const received: Buffer[] = [];
    destination.on('data', (chunk: Buffer) => received.push(Buffer.from(chunk)));
    const link = new Link(source, destination, counters(), 'handed');
    const stage = holdingStage();
    link.setStage('hold', stage);
    const buffer = Buffer.from('first');
    expect(link.carry(buffer)).toBe(true);
    buffer.write('later'); // the source reads into its buffer again
    stage.release();
    expect(Buffer.concat(received).toString()).toBe('first');
  });

  it("ends the destination at the source's end, as a 'data' link does", async () => {
    const { source } = countedSource();
    const destination = new PassThrough();
    const ended = new Promise((resolve) => destination.once('finish', resolve));
    const link = new Link(source, destination, counters(), 'handed');
    link.carry(Buffer.from('x'));
    source.end();
    await ended;
    expect(destination.writableEnded).toBe(true);
  });
});
