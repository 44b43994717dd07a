import { BadParameterError, ServiceUnavailableError } from '@vaultover/vault';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import {
  type ControlEvent,
  EVENTS_MAX_LENGTH,
  type EventLog,
  isAfter,
  isEventId,
} from '../events/event-log.ts';
import type { FiguresSample } from './region-figures.ts';
import type { StatusFeed, StatusSnapshot } from './status-feed.ts';

/** Event streams one control process serves at once; the next is refused with 503. */
export const MAX_EVENT_STREAMS = 16;

/** Events a new stream (without Last-Event-ID) starts with: the timeline's recent past. */
export const BACKLOG_EVENTS = 100;

/** What a client may leave unread before its stream is cut (a stalled tab must not hold memory). */
const MAX_UNREAD_BYTES = 1024 * 1024;

/** How long a browser waits before reconnecting a dropped stream (the SSE `retry` field). */
const RECONNECT_MS = 2000;

/**
 * `GET /api/events/stream`: Server-Sent Events (docs/status-page.md, The event stream). Each control event
 * as an `event: control` with its stream id as the SSE id, so a browser that reconnects resumes after the
 * last one it saw (`Last-Event-ID`, or `?since=` on a first connection); a `status` event with the snapshot
 * and a `figures` event with the chart's new sample every second (the chart's history first).
 */
export class EventStreams {
  readonly #feed: StatusFeed;
  readonly #events: Pick<EventLog, 'list' | 'recent'>;
  readonly #figures: () => readonly FiguresSample[];
  readonly #logger: Logger;
  readonly #open = new Set<Response>();

  constructor(options: {
    feed: StatusFeed;
    events: Pick<EventLog, 'list' | 'recent'>;
    /** The chart's history, sent first. */
    figures: () => readonly FiguresSample[];
    logger: Logger;
  }) {
    this.#feed = options.feed;
    this.#events = options.events;
    this.#figures = options.figures;
    this.#logger = options.logger;
  }

  /**
   * Serves one stream to an administrator until the client leaves or the process stops. Throws (a
   * VaultError for the API's error reply) only before the stream has started.
   */
  async serve(req: Request, res: Response): Promise<void> {
    const since = resumeFrom(req);
    if (this.#open.size >= MAX_EVENT_STREAMS) {
      throw new ServiceUnavailableError(
        `This control process serves at most ${MAX_EVENT_STREAMS} event streams at once; close a status page and try again.`,
      );
    }
    this.#open.add(res);
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    const send = (text: string) => {
      if (res.writableEnded) return;
      res.write(text);
      if (res.writableLength > MAX_UNREAD_BYTES) res.destroy();
    };
    send(`retry: ${RECONNECT_MS}\n\n`);

    let sentUpTo = since;
    const sendEvent = (event: ControlEvent) => {
      if (sentUpTo !== undefined && !isAfter(event.id, sentUpTo)) return;
      sentUpTo = event.id;
      send(`id: ${event.id}\nevent: control\ndata: ${JSON.stringify(event)}\n\n`);
    };
    const sendSnapshot = (snapshot: StatusSnapshot) =>
      send(`event: status\ndata: ${JSON.stringify(snapshot)}\n\n`);
    const sendFigures = (samples: readonly FiguresSample[]) =>
      send(`event: figures\ndata: ${JSON.stringify({ samples })}\n\n`);

    // Events the feed hands over while the backlog is read wait here, then go out in order, once each.
    let waiting: ControlEvent[] | undefined = [];
    let unsubscribe: (() => void) | undefined;
    let closed = false;
    res.on('close', () => {
      closed = true;
      this.#open.delete(res);
      unsubscribe?.();
    });
    try {
      unsubscribe = await this.#feed.subscribe({
        event: (event) => (waiting ? waiting.push(event) : sendEvent(event)),
        snapshot: (snapshot, figures) => {
          sendSnapshot(snapshot);
          sendFigures([figures]);
        },
      });
      if (closed) return unsubscribe();
      const latest = this.#feed.latest();
      if (latest) sendSnapshot(latest.snapshot);
      sendFigures(this.#figures());
      const backlog =
        since === undefined
          ? await this.#events.recent(BACKLOG_EVENTS)
          : await eventsAfter(this.#events, since);
      for (const event of [...backlog, ...waiting]) sendEvent(event);
      waiting = undefined;
    } catch (error) {
      // The stream has started, so no error reply can follow: it ends, and the browser reconnects after
      // RECONNECT_MS.
      this.#logger.warn({ err: error }, 'an event stream could not read the control events');
      res.end();
    }
  }

  /** Ends every open stream (the control process stops). */
  close(): void {
    for (const res of this.#open) res.end();
    this.#open.clear();
  }
}

function resumeFrom(req: Request): string | undefined {
  const header = req.headers['last-event-id'];
  const query = typeof req.query.since === 'string' ? req.query.since : undefined;
  const since = typeof header === 'string' && header !== '' ? header : query;
  if (since !== undefined && !isEventId(since)) {
    throw new BadParameterError('"Last-Event-ID" (or "since") must be an event id such as 1700000000000-0.');
  }
  return since;
}

/** Every kept event after `since`, a page at a time (the log keeps about EVENTS_MAX_LENGTH). */
async function eventsAfter(events: Pick<EventLog, 'list'>, since: string): Promise<ControlEvent[]> {
  const all: ControlEvent[] = [];
  for (let cursor = since; all.length <= EVENTS_MAX_LENGTH * 2; ) {
    const page = await events.list({ since: cursor, limit: 1000 });
    all.push(...page);
    if (page.length < 1000) break;
    cursor = (page.at(-1) as ControlEvent).id;
  }
  return all;
}
