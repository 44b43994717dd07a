import { type ConnectionOptions, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { TransitionJob, Transitions } from './transitions.ts';

const QUEUE = 'transitions';
const PREFIX = 'vo:control:bull';
/** `vo:control:requested:<job id>`: set by the first request for a transition (SET NX). */
const REQUESTED_PREFIX = 'vo:control:requested:';
/**
 * How long the first request of a transition is remembered. The job moves the state off its epoch
 * within a window (seconds), after which requests are refused by state; an hour covers a job left
 * waiting for a worker (no control process running), and then expires.
 */
const REQUESTED_TTL_MS = 3_600_000;

/** A transition asked for: its job id, and whether this call was the first to ask for it. */
export interface Enqueued {
  id: string;
  first: boolean;
}

export interface TransitionQueueOptions {
  connection: ConnectionOptions;
  /** The control Redis, where the first request of each transition is claimed. */
  redis: Redis;
  transitions: Transitions;
  logger: Logger;
  /**
   * How long a worker's lock on a running transition lasts without renewal. A control process killed
   * mid-window loses its lock after this; another one then resumes the job. Default 3000.
   */
  lockDurationMs?: number;
}

/**
 * Transitions as BullMQ jobs in the control Redis, one per kind and epoch (`failover-7`): every control
 * process may ask for the same transition, BullMQ keeps one job per id, and a job whose runner died is
 * found stalled and run again by a live worker, which resumes from the persisted state.
 */
export class TransitionQueue {
  readonly #queue: Queue<TransitionJob>;
  readonly #worker: Worker<TransitionJob>;
  readonly #redis: Redis;
  readonly #stop = new AbortController();

  constructor(options: TransitionQueueOptions) {
    this.#redis = options.redis;
    const lockDuration = options.lockDurationMs ?? 3000;
    this.#queue = new Queue<TransitionJob>(QUEUE, { connection: options.connection, prefix: PREFIX });
    this.#worker = new Worker<TransitionJob>(
      QUEUE,
      async (job) => {
        await options.transitions.run(job.data, this.#stop.signal);
        // Stopped mid-transition: fail this attempt so that the job is retried, here or by another
        // control process, instead of being recorded as done.
        if (this.#stop.signal.aborted)
          throw new Error('control process stopping; the transition resumes elsewhere');
      },
      {
        connection: options.connection,
        prefix: PREFIX,
        concurrency: 1,
        lockDuration,
        stalledInterval: Math.max(250, lockDuration / 3),
        // A transition is only ever resumed, never harmful to run again: let stalls retry it freely.
        maxStalledCount: 1000,
      },
    );
    this.#worker.on('failed', (job, error) =>
      options.logger.error({ err: error, job: job?.id }, 'transition job failed'),
    );
    this.#worker.on('error', (error) => options.logger.warn({ err: error }, 'transition worker error'));
  }

  /** The job id of a transition decided at `fromEpoch`. */
  static jobId(job: Pick<TransitionJob, 'kind' | 'fromEpoch'>): string {
    return `${job.kind}-${job.fromEpoch}`;
  }

  /**
   * Queues the transition unless a job with its id exists (then that one stands). Returns the id, and
   * whether this was the first request for it across every control process: queued first (adding is
   * idempotent by id), then claimed with SET NX, so that of simultaneous requests exactly one is first
   * and a failure between the two steps leaves a retry able to claim it.
   */
  async enqueue(job: TransitionJob): Promise<Enqueued> {
    const id = TransitionQueue.jobId(job);
    await this.#queue.add(job.kind, job, {
      jobId: id,
      attempts: 20,
      backoff: { type: 'fixed', delay: 500 },
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 1000 },
    });
    const claimed = await this.#redis.set(
      `${REQUESTED_PREFIX}${id}`,
      job.reason,
      'PX',
      REQUESTED_TTL_MS,
      'NX',
    );
    return { id, first: claimed === 'OK' };
  }

  async close(): Promise<void> {
    this.#stop.abort();
    await this.#worker.close();
    await this.#queue.close();
  }
}
