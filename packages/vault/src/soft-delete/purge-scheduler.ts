import type { Clock } from '@vaultover/foundation';
import { type ConnectionOptions, DelayedError, type Job, Queue, Worker } from 'bullmq';
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

/**
 * The service's own purge at `scheduledPurgeDate`, as BullMQ delayed jobs. Job ids are derived from the
 * deletion, so scheduling twice is harmless and a recover removes exactly the job of that deletion.
 */
export class PurgeScheduler implements DeletionListener {
  readonly #queue: Queue<PurgeJob>;
  readonly #options: PurgeSchedulerOptions;
  #worker: Worker<PurgeJob> | undefined;
  #held: boolean;
  #running = false;

  constructor(options: PurgeSchedulerOptions) {
    this.#options = options;
    this.#held = options.held ?? false;
    this.#queue = new Queue<PurgeJob>(options.queueName ?? 'purge', {
      connection: options.connection,
      prefix: options.prefix ?? '{vo-purge}',
    });
    // BullMQ prints errors nobody listens to on stderr, outside the region's logger: route them there.
    this.#queue.on('error', (error) => this.#options.onError?.(error));
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
    await this.#queue.remove(PurgeScheduler.jobId(job));
  }

  /** Schedules (idempotently) the purge of one deleted object. */
  async schedule(job: PurgeJob): Promise<void> {
    await this.#queue.add('purge', job, {
      jobId: PurgeScheduler.jobId(job),
      delay: this.#delayOf(job),
      removeOnComplete: true,
      removeOnFail: 1000,
    });
  }

  /** Starts processing due purges with `purge`. */
  start(purge: PurgeAction): void {
    if (this.#worker) return;
    this.#worker = new Worker<PurgeJob>(this.#queue.name, (job, token) => this.#run(purge, job, token), {
      connection: this.#options.connection,
      prefix: this.#queue.opts.prefix,
      concurrency: 4,
      autorun: false,
    });
    this.#worker.on('error', (error) => this.#options.onError?.(error));
    if (!this.#held) this.#run_();
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
    const ids: string[] = [];
    for (let start = 0; ; start += RESCHEDULE_PAGE) {
      const jobs = await this.#queue.getDelayed(start, start + RESCHEDULE_PAGE - 1);
      for (const job of jobs) if (job.id) ids.push(job.id);
      if (jobs.length < RESCHEDULE_PAGE) break;
    }
    let changed = 0;
    for (const id of new Set(ids)) {
      const job = await this.#queue.getJob(id);
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
  delayedCount(): Promise<number> {
    return this.#queue.getDelayedCount();
  }

  async close(): Promise<void> {
    await this.#worker?.close();
    await this.#queue.close();
  }

  async #run(purge: PurgeAction, job: Job<PurgeJob>, token: string | undefined): Promise<void> {
    const dueInMs = job.data.deletion.scheduledPurgeDate * 1000 - this.#options.clock.now();
    if (dueInMs > 0) {
      // Woken early (the clock runs slower than planned): wait for the simulated date.
      // BullMQ delays are in real wall-clock time, whatever the simulated clock says.
      await job.moveToDelayed(Date.now() + this.#realMs(dueInMs), token);
      throw new DelayedError();
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
