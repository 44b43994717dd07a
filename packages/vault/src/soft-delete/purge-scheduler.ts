import type { Clock } from '@vaultover/foundation';
import type { ConnectionOptions, Job, Queue, Worker } from 'bullmq';
import { isVaultError } from '../errors.ts';
import type { ObjectKind } from '../object-kind.ts';
import type { Deletion, DeletionListener } from '../store/object-repository.ts';

const RESCHEDULE_PAGE = 500;

/** Job kind of the purge of a whole soft-deleted vault (its `name` is the vault's name). */
export const VAULT_PURGE_KIND = 'vault';

/** What a scheduled purge job carries. */
export interface PurgeJob {
  vault: string;
  kind: ObjectKind['id'] | typeof VAULT_PURGE_KIND;
  name: string;
  deletion: Deletion;
}

/** Purges one expired object; NotFound means it was recovered or purged already. */
export type PurgeAction = (job: PurgeJob) => Promise<void>;

export interface PurgeSchedulerOptions {
  /** Redis for the BullMQ queue (its own connections are made from these options). */
  connection: ConnectionOptions;
  clock: Clock;
  /** Converts a simulated duration into real milliseconds (time scale); default identity. */
  toRealMs?: (simulatedMs: number) => number;
  /** BullMQ key prefix; the hash tag keeps the queue in one cluster slot. Default `{vo-purge}`. */
  prefix?: string;
  queueName?: string;
  /**
   * Told when scheduling fails after a deletion was committed. The deletion stands (it was acknowledged);
   * `reconcile` at the next start schedules the purge; `job` is absent when the worker itself failed.
   * Default: rethrow.
   */
  onError?: (error: unknown, job?: PurgeJob) => void;
  /**
   * Start with due purges held back until release(): a region that may not be the writer (it learns its
   * mode from the control store after it starts) must not purge in the meantime. Default false.
   */
  held?: boolean;
}

type BullMQ = typeof import('bullmq');

/** The queue, once opened, with the module it came from (its Worker and DelayedError are needed later). */
interface OpenQueue {
  readonly bullmq: BullMQ;
  readonly queue: Queue<PurgeJob>;
}

/**
 * The service's own purge at `scheduledPurgeDate`, as BullMQ delayed jobs. Job ids are derived from the
 * deletion, so scheduling twice is harmless and a recover removes exactly the job of that deletion.
 *
 * BullMQ is loaded, and its queue and worker opened, on the first operation that needs the queue (a
 * deletion, a recovery, the start's reconcile finding something deleted, a clock shift): a node that has
 * nothing deleted never needs it, and the module and its dependencies are some 12 MiB of a node's memory.
 * Every job in the queue belongs to a deletion the start's reconcile plans again, so a node whose store
 * holds no deleted object has no purge due either.
 */
export class PurgeScheduler implements DeletionListener {
  readonly #options: PurgeSchedulerOptions;
  #open: Promise<OpenQueue> | undefined;
  #purge: PurgeAction | undefined;
  #worker: Worker<PurgeJob> | undefined;
  #held: boolean;
  #running = false;
  #closed = false;

  constructor(options: PurgeSchedulerOptions) {
    this.#options = options;
    this.#held = options.held ?? false;
  }

  /** Whether the queue was opened (BullMQ loaded). */
  get opened(): boolean {
    return this.#open !== undefined;
  }

  static jobId(job: Omit<PurgeJob, 'deletion'> & { deletion: Pick<Deletion, 'deletedDate'> }): string {
    return `${job.vault}/${job.kind}/${job.name}/${job.deletion.deletedDate}`;
  }

  async deleted(vault: string, kind: ObjectKind, name: string, deletion: Deletion): Promise<void> {
    await this.plan({ vault, kind: kind.id, name, deletion });
  }

  async recovered(vault: string, kind: ObjectKind, name: string, deletion: Deletion): Promise<void> {
    await this.cancel({ vault, kind: kind.id, name, deletion });
  }

  /** Schedules the purge after a committed deletion; a failure goes to `onError` (the deletion stands). */
  async plan(job: PurgeJob): Promise<void> {
    try {
      await this.schedule(job);
    } catch (error) {
      if (!this.#options.onError) throw error;
      this.#options.onError(error, job);
    }
  }

  /** Removes the purge planned for exactly this deletion (after a recovery). */
  async cancel(job: PurgeJob): Promise<void> {
    const { queue } = await this.#queue();
    await queue.remove(PurgeScheduler.jobId(job));
  }

  /** Schedules (idempotently) the purge of one deleted object. */
  async schedule(job: PurgeJob): Promise<void> {
    const { queue } = await this.#queue();
    await queue.add('purge', job, {
      jobId: PurgeScheduler.jobId(job),
      delay: this.#delayOf(job),
      removeOnComplete: true,
      removeOnFail: 1000,
    });
  }

  /** Processes due purges with `purge`, from when the queue is opened. */
  start(purge: PurgeAction): void {
    if (this.#purge) return;
    this.#purge = purge;
    this.#open?.then((open) => this.#startWorker(open)).catch(() => {}); // an open that failed says so itself
  }

  /**
   * Holds due purges back: purges are writes, and a region that is failed over (read-only) or lost its
   * write lease must not write. They stay due in the queue and run after release(). Waits for purges
   * already running to finish.
   */
  async hold(): Promise<void> {
    if (this.#held) return;
    this.#held = true;
    if (this.#running) await this.#worker?.pause();
  }

  /** Runs due purges again after hold(). */
  release(): void {
    if (!this.#held) return;
    this.#held = false;
    if (this.#running) this.#worker?.resume();
    else this.#run_();
  }

  get held(): boolean {
    return this.#held;
  }

  #run_(): void {
    if (!this.#worker || this.#running) return;
    this.#running = true;
    this.#worker.run().catch((error) => this.#options.onError?.(error));
  }

  /**
   * Recomputes every waiting purge's real-time delay, after the simulated clock jumped. Ids are collected
   * first: paging while the worker takes jobs that just became due would shift positions and skip some.
   */
  async reschedule(): Promise<number> {
    const { queue } = await this.#queue();
    const ids: string[] = [];
    for (let start = 0; ; start += RESCHEDULE_PAGE) {
      const jobs = await queue.getDelayed(start, start + RESCHEDULE_PAGE - 1);
      for (const job of jobs) if (job.id) ids.push(job.id);
      if (jobs.length < RESCHEDULE_PAGE) break;
    }
    let changed = 0;
    for (const id of new Set(ids)) {
      const job = await queue.getJob(id);
      if (!job || !(await job.isDelayed())) continue; // already due, running or done
      try {
        await job.changeDelay(this.#delayOf(job.data));
        changed++;
      } catch (error) {
        // The worker took it between the check and the change: it runs now, which is what we want.
        if (!(await job.isDelayed())) continue;
        throw error;
      }
    }
    return changed;
  }

  /** How many purges are waiting for their date. */
  async delayedCount(): Promise<number> {
    const { queue } = await this.#queue();
    return queue.getDelayedCount();
  }

  async close(): Promise<void> {
    this.#closed = true;
    const open = await this.#open?.catch(() => undefined);
    await this.#worker?.close();
    await open?.queue.close();
  }

  #queue(): Promise<OpenQueue> {
    if (this.#closed) return Promise.reject(new Error('the purge scheduler is closed'));
    this.#open ??= import('bullmq').then((bullmq) => {
      const queue = new bullmq.Queue<PurgeJob>(this.#options.queueName ?? 'purge', {
        connection: this.#options.connection,
        prefix: this.#options.prefix ?? '{vo-purge}',
      });
      // BullMQ prints errors nobody listens to on stderr, outside the region's logger: route them there.
      queue.on('error', (error) => this.#options.onError?.(error));
      const open = { bullmq, queue };
      this.#startWorker(open);
      return open;
    });
    return this.#open;
  }

  #startWorker({ bullmq, queue }: OpenQueue): void {
    const purge = this.#purge;
    if (!purge || this.#worker || this.#closed) return;
    this.#worker = new bullmq.Worker<PurgeJob>(
      queue.name,
      (job, token) => this.#run(bullmq, purge, job, token),
      { connection: this.#options.connection, prefix: queue.opts.prefix, concurrency: 4, autorun: false },
    );
    this.#worker.on('error', (error) => this.#options.onError?.(error));
    if (!this.#held) this.#run_();
  }

  async #run(
    bullmq: BullMQ,
    purge: PurgeAction,
    job: Job<PurgeJob>,
    token: string | undefined,
  ): Promise<void> {
    const dueInMs = job.data.deletion.scheduledPurgeDate * 1000 - this.#options.clock.now();
    if (dueInMs > 0) {
      // Woken early (the clock runs slower than planned): wait for the simulated date.
      // BullMQ delays are in real wall-clock time, whatever the simulated clock says.
      await job.moveToDelayed(Date.now() + this.#realMs(dueInMs), token);
      throw new bullmq.DelayedError();
    }
    try {
      await purge(job.data);
    } catch (error) {
      // Recovered or purged by hand since: nothing left to do.
      if (isVaultError(error) && error.status === 404) return;
      throw error;
    }
  }

  #delayOf(job: PurgeJob): number {
    return this.#realMs(job.deletion.scheduledPurgeDate * 1000 - this.#options.clock.now());
  }

  #realMs(simulatedMs: number): number {
    const toReal = this.#options.toRealMs ?? ((ms: number) => ms);
    return Math.max(0, Math.ceil(toReal(simulatedMs)));
  }
}
