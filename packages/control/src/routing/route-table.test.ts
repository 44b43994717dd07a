import { ManualClock } from '@vaultover/testkit';
import { describe, expect, it } from 'vitest';
import type { FailoverRecord, FailoverState } from '../failover/failover-state.ts';
import { RouteTable } from './route-table.ts';

const urls = new Map([
  ['westeurope', 'https://localhost:1001'],
  ['northeurope', 'https://localhost:1002'],
]);
const pair = { primary: 'westeurope', secondary: 'northeurope', since: 0 };
const record = { from: 'westeurope', to: 'northeurope' } as FailoverRecord;

function table(failureMode: 'status' | 'reset' | 'hang' = 'status') {
  return new RouteTable({ urls, clock: new ManualClock(), failureMode });
}

describe('RouteTable', () => {
  it('routes to the primary read-write when normal, to the secondary read-only when failed over', () => {
    const routes = table();
    routes.update({ ...pair, state: 'normal', epoch: 1, lastFailover: null });
    expect(routes.decide()).toEqual({
      kind: 'forward',
      region: 'westeurope',
      url: 'https://localhost:1001',
      mode: 'read-write',
      epoch: 1,
    });
    routes.update({ ...pair, state: 'failed-over', epoch: 3, failover: record });
    expect(routes.decide()).toEqual({
      kind: 'forward',
      region: 'northeurope',
      url: 'https://localhost:1002',
      mode: 'read-only',
      epoch: 3,
    });
  });

  it('fails requests the configured way during both windows, until the window ends', () => {
    for (const how of ['status', 'reset', 'hang'] as const) {
      const routes = table(how);
      routes.update({ ...pair, state: 'failing-over', epoch: 2, windowEndsAt: 5000, failover: record });
      expect(routes.decide()).toEqual({
        kind: 'fail',
        how,
        state: 'failing-over',
        reason: 'The vault is failing over from westeurope to northeurope',
        until: 5000,
        epoch: 2,
      });
      routes.update({ ...pair, state: 'failing-back', epoch: 4, windowEndsAt: 9000, failover: record });
      expect(routes.decide()).toMatchObject({
        kind: 'fail',
        how,
        reason: 'The vault is failing back from northeurope to westeurope',
        until: 9000,
      });
    }
  });

  it("announces a new epoch with 'change', and ignores a state older than the one it has", () => {
    const routes = table();
    const changes: number[] = [];
    routes.on('change', (decision: { epoch: number }) => changes.push(decision.epoch));
    const normal: FailoverState = { ...pair, state: 'normal', epoch: 5, lastFailover: null };
    routes.update(normal);
    routes.update(normal);
    routes.update({ ...pair, state: 'failing-over', epoch: 4, windowEndsAt: 1, failover: record });
    expect(changes).toEqual([5]);
    expect(routes.decide()).toMatchObject({ kind: 'forward', epoch: 5 });
  });
});
