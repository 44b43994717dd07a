import { describe, expect, it } from 'vitest';
import { KeyedMutex } from './keyed-mutex.ts';

describe('KeyedMutex', () => {
  it('runs work of one key one at a time, in arrival order', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    let inside = 0;
    const task = (id: number) =>
      mutex.run('k', async () => {
        inside++;
        expect(inside).toBe(1);
        log.push(`start ${id}`);
        await new Promise((resolve) => setImmediate(resolve));
        log.push(`end ${id}`);
        inside--;
        return id;
      });
    expect(await Promise.all([task(1), task(2), task(3)])).toEqual([1, 2, 3]);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });

  it('lets different keys run side by side and survives a failing task', async () => {
    const mutex = new KeyedMutex();
    let concurrent = 0;
    let peak = 0;
    const work = async () => {
      concurrent++;
      peak = Math.max(peak, concurrent);
      await new Promise((resolve) => setImmediate(resolve));
      concurrent--;
    };
    await Promise.all([mutex.run('a', work), mutex.run('b', work)]);
    expect(peak).toBe(2);
    await expect(mutex.run('a', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(mutex.run('a', async () => 'next')).resolves.toBe('next');
  });
});
