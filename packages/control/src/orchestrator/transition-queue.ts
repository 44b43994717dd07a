import { type ConnectionOptions, Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { TransitionJob, Transitions } from './transitions.ts';

const QUEUE = 'transitions';
const PREFIX = 'vo:control:bull';

export interface TransitionQueueOptions {
  connection: ConnectionOptions;
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
  readonly #stop = new AbortController();

  constructor(options: TransitionQueueOptions) {
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

  /** Queues the transition unless a job with its id exists (then that one stands). Returns the id. */
  async enqueue(job: TransitionJob): Promise<string> {
    const id = TransitionQueue.jobId(job);
    await this.#queue.add(job.kind, job, {
      jobId: id,
      attempts: 20,
      backoff: { type: 'fixed', delay: 500 },
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 1000 },
    });
    return id;
  }

  async close(): Promise<void> {
    this.#stop.abort();
    await this.#worker.close();
    await this.#queue.close();
  }
}
