import { OPERATIONS, type OperationName } from '@vaultover/vault';
import { describe, expect, it } from 'vitest';
import { ModeRefusalError } from './mode-errors.ts';
import { ModeGate } from './mode-gate.ts';
import type { ModeState } from './mode-state.ts';

const REGION = 'northeurope';

function gate(role: 'primary' | 'secondary' = 'primary', rejected: OperationName[] = []) {
  return new ModeGate({ region: REGION, role, onReadOnlyRejection: (op) => rejected.push(op) });
}

/** The error admit() throws, as `{status, code, message}` (what the wire carries), or undefined when it admits. */
function refusal(g: ModeGate, operation: OperationName, epoch?: number) {
  const error = refusalError(g, operation, epoch);
  return error && { status: error.status, code: error.code, message: error.message };
}

/** The ModeRefusalError admit() throws, or undefined when it admits. */
function refusalError(g: ModeGate, operation: OperationName, epoch?: number) {
  try {
    g.admit(operation, epoch);
    return undefined;
  } catch (error) {
    if (!(error instanceof ModeRefusalError)) throw error;
    return error;
  }
}

describe('ModeGate', () => {
  it('starts read-write at epoch 0 on a primary and standby on a secondary, with the 2016 profile', () => {
    expect(gate('primary').state).toEqual({ mode: 'read-write', epoch: 0, readOnlyProfile: '2016' });
    expect(gate('secondary').state).toEqual({ mode: 'standby', epoch: 0, readOnlyProfile: '2016' });
    const current = new ModeGate({ region: REGION, role: 'primary', readOnlyProfile: 'current' });
    expect(current.state.readOnlyProfile).toBe('current');
  });

  it('admits every operation in read-write mode', () => {
    const g = gate();
    for (const op of OPERATIONS) expect(refusal(g, op.name), op.name).toBeUndefined();
  });

  it('refuses everything in standby with the standby text and in offline with its own', () => {
    const standby = gate('secondary');
    const offline = gate();
    offline.set({ mode: 'offline', epoch: 0 });
    for (const op of OPERATIONS) {
      expect(refusal(standby, op.name)).toEqual({
        status: 503,
        code: 'ServiceUnavailable',
        message: `Region ${REGION} is a standby secondary: it serves replication only. Send requests to the primary region (or the global endpoint).`,
      });
      expect(refusal(offline, op.name)).toMatchObject({ status: 503, code: 'ServiceUnavailable' });
      expect(refusal(offline, op.name)?.message).toMatch(/^Region northeurope is offline/);
    }
  });

  it('tells a request routed under another epoch to a standby that the route is stale, reads included', () => {
    const g = gate('secondary');
    g.set({ mode: 'standby', epoch: 4 });
    expect(refusal(g, 'SecretGet', 3)).toEqual({
      status: 503,
      code: 'ServiceUnavailable',
      message:
        'The request was routed under epoch 3 but region northeurope is at epoch 4; it was not applied. Retry.',
    });
    expect(refusal(g, 'SecretGet')?.message).toMatch(/is a standby secondary/);
    expect(refusal(g, 'SecretGet', 4)?.message).toMatch(/is a standby secondary/);
  });

  it('serves the allowlist in read-only mode and refuses the rest with the exact text, counting each', () => {
    const rejected: OperationName[] = [];
    const g = gate('secondary', rejected);
    g.set({ mode: 'read-only', epoch: 1 });
    expect(refusal(g, 'SecretGet')).toBeUndefined();
    expect(refusal(g, 'VaultList')).toBeUndefined();
    expect(refusal(g, 'SecretSet')).toEqual({
      status: 503,
      code: 'ServiceUnavailable',
      message: 'Operation "SecretSet" is unavailable: the service is currently in a read-only state.',
    });
    // A read outside the allowlist is refused too: the allowlist decides, not the class.
    expect(refusal(g, 'SecretListVersions')?.message).toBe(
      'Operation "SecretListVersions" is unavailable: the service is currently in a read-only state.',
    );
    expect(rejected).toEqual(['SecretSet', 'SecretListVersions']);
    g.set({ mode: 'read-only', epoch: 1, readOnlyProfile: 'current' });
    expect(refusal(g, 'VaultList')?.status).toBe(503);
    expect(refusal(g, 'CertificateGet')).toBeUndefined();
  });

  it('refuses writes stamped with another epoch, lets reads through, and judges unstamped ones by mode', () => {
    const g = gate();
    g.set({ mode: 'read-write', epoch: 3 });
    expect(refusal(g, 'SecretSet', 2)).toEqual({
      status: 503,
      code: 'ServiceUnavailable',
      message: `The request was routed under epoch 2 but region ${REGION} is at epoch 3; it was not applied. Retry.`,
    });
    expect(refusal(g, 'SecretSet', 4)?.status).toBe(503);
    expect(refusal(g, 'SecretGet', 2)).toBeUndefined();
    expect(refusal(g, 'SecretSet', 3)).toBeUndefined();
    expect(refusal(g, 'SecretSet')).toBeUndefined();
  });

  it('holds writes off behind the write fence without showing its reason, and lifts it', () => {
    const g = gate();
    g.setWriteFence({ kind: 'not-writer', epoch: 7 });
    expect(g.writeFence).toEqual({ kind: 'not-writer', epoch: 7 });
    const refused = refusal(g, 'KeyCreate');
    expect(refused).toMatchObject({ status: 503, code: 'ServiceUnavailable' });
    expect(refused?.message).toBe(
      `Region ${REGION} does not hold the write lease, so it accepts no writes right now. Retry.`,
    );
    expect(refusal(g, 'KeyGet')).toBeUndefined();
    g.setWriteFence(null);
    expect(g.writeFence).toBeNull();
    expect(refusal(g, 'KeyCreate')).toBeUndefined();
  });

  it('names each refusal by a typed reason', () => {
    const reasonOf = (g: ModeGate, operation: OperationName, epoch?: number) =>
      refusalError(g, operation, epoch)?.reason;
    const g = gate('secondary');
    expect(reasonOf(g, 'SecretGet')).toBe('standby');
    g.set({ mode: 'standby', epoch: 2 });
    expect(reasonOf(g, 'SecretGet', 1)).toBe('epoch-mismatch');
    g.set({ mode: 'offline', epoch: 2 });
    expect(reasonOf(g, 'SecretGet')).toBe('offline');
    g.set({ mode: 'read-only', epoch: 2 });
    expect(reasonOf(g, 'SecretSet')).toBe('read-only');
    g.set({ mode: 'read-write', epoch: 2 });
    expect(reasonOf(g, 'SecretSet', 1)).toBe('epoch-mismatch');
    g.setWriteFence({ kind: 'lease-expired' });
    expect(reasonOf(g, 'SecretSet')).toBe('write-fenced');
    expect(reasonOf(g, 'SecretGet')).toBeUndefined();
  });

  it('refuses a lower epoch with 409, accepts an equal or higher one, and emits each change', () => {
    const g = gate();
    const changes: [ModeState, ModeState][] = [];
    g.on('change', (state, previous) => changes.push([state, previous]));
    expect(g.set({ mode: 'read-only', epoch: 2, readOnlyProfile: 'current' })).toEqual({
      mode: 'read-only',
      epoch: 2,
      readOnlyProfile: 'current',
    });
    let stale: unknown;
    try {
      g.set({ mode: 'read-write', epoch: 1 });
    } catch (error) {
      stale = error;
    }
    expect(stale).toMatchObject({ status: 409, code: 'Conflict', requestedEpoch: 1, currentEpoch: 2 });
    expect(g.state.mode).toBe('read-only');
    // Same epoch: an operator may still switch the mode; the profile is kept when not given.
    g.set({ mode: 'read-write', epoch: 2 });
    expect(g.state).toEqual({ mode: 'read-write', epoch: 2, readOnlyProfile: 'current' });
    expect(changes.map(([state, previous]) => [previous.mode, state.mode])).toEqual([
      ['read-write', 'read-only'],
      ['read-only', 'read-write'],
    ]);
  });

  it('refuses an epoch that is not a non-negative integer with 400', () => {
    const g = gate();
    for (const epoch of [-1, 1.5, Number.NaN]) {
      expect(() => g.set({ mode: 'read-write', epoch })).toThrow(expect.objectContaining({ status: 400 }));
    }
    expect(g.state.epoch).toBe(0);
  });
});
