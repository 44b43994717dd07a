import type { StepAction } from '../step-schema.ts';

/** A fault in force over a span of the run (epoch ms): a region down, a rule, a toxic. */
export interface FaultWindow {
  /** What was faulty, as the report's timeline labels its row: `westeurope down`, `rule slow-reads`. */
  readonly what: string;
  readonly from: number;
  readonly to: number;
}

/** A step that ran to the end, with the time it started (epoch ms). */
export interface DoneStep {
  readonly action: StepAction;
  readonly startedAt: number;
}

/**
 * The fault windows of a run, from the steps that ran: each fault opens at its step and closes at the
 * step that undoes it (restart after crash, Redis start after stop, heal after fail, a rule's or toxic's
 * removal, `all` closing every one of its kind), or at the end of the run. A rule's own schedule
 * (`startAfterMs`, `durationMs`) narrows its window. Forced failovers and waits are moments, not windows.
 */
export function faultWindows(steps: readonly DoneStep[], endedAt: number): FaultWindow[] {
  const open = new Map<string, { what: string; from: number; until: number }>();
  const windows: FaultWindow[] = [];
  const close = (key: string, at: number) => {
    const window = open.get(key);
    if (!window) return;
    open.delete(key);
    const to = Math.min(at, window.until);
    if (to > window.from) windows.push({ what: window.what, from: window.from, to });
  };
  const openWindow = (key: string, what: string, from: number, until = Number.POSITIVE_INFINITY) => {
    close(key, from); // the same fault again restarts its window
    open.set(key, { what, from, until });
  };
  const closeAll = (prefix: string, at: number) => {
    for (const key of [...open.keys()]) if (key.startsWith(prefix)) close(key, at);
  };
  for (const { action, startedAt: at } of [...steps].sort((a, b) => a.startedAt - b.startedAt)) {
    switch (action.kind) {
      case 'crash':
        openWindow(`down|${action.region}`, `${action.region} down`, at);
        break;
      case 'restart':
        close(`down|${action.region}`, at);
        break;
      case 'redis':
        if (action.action === 'stop') openWindow(`redis|${action.region}`, `${action.region} Redis down`, at);
        else close(`redis|${action.region}`, at);
        break;
      case 'health':
        if (action.fail) openWindow(`health|${action.region}`, `${action.region} health failing`, at);
        else close(`health|${action.region}`, at);
        break;
      case 'fault':
        if (action.add) {
          const { name, schedule } = action.add;
          const from = at + (schedule?.startAfterMs ?? 0);
          const until = schedule?.durationMs === undefined ? undefined : from + schedule.durationMs;
          openWindow(`rule|${name}`, `rule ${name}`, from, until);
        } else if (action.remove === 'all') closeAll('rule|', at);
        else if (action.remove) close(`rule|${action.remove}`, at);
        break;
      case 'toxic':
        if (action.add) {
          // Unnamed, the link proxy names a toxic `<type>_<stream>` (toxiproxy's rule), as `remove` must.
          const name = action.add.name ?? `${action.add.type}_${action.add.stream ?? 'downstream'}`;
          openWindow(`toxic|${action.link}|${name}`, `${action.add.type} on ${action.link}`, at);
        } else if (action.remove === 'all') closeAll(`toxic|${action.link}|`, at);
        else if (action.remove) close(`toxic|${action.link}|${action.remove}`, at);
        break;
      default:
        break;
    }
  }
  for (const key of [...open.keys()]) close(key, endedAt);
  return windows.sort((a, b) => a.from - b.from || a.to - b.to);
}
