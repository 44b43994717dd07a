import type { IncomingMessage } from 'node:http';
import { isRegionMode, REGION_ADMIN_PATHS, REGION_MODES } from '@vaultover/contract';
import { BadParameterError, READ_ONLY_PROFILES, type ReadOnlyProfile } from '@vaultover/vault';
import type { InfraRoute } from '../http/app.ts';
import { readJsonBody } from '../http/json-body.ts';
import { sendJson } from '../http/send-json.ts';
import type { ModeGate } from './mode-gate.ts';
import type { ModeChange, ModeState } from './mode-state.ts';

export interface ModeAdminDeps {
  gate: ModeGate;
  /** Throws 401/403 unless the request carries an administrator's token. */
  requireAdministrator(req: IncomingMessage): Promise<void>;
  /** Runs after an accepted POST, before the answer. */
  afterChange?: () => Promise<void> | undefined;
}

/** `GET /admin/mode` and `POST /admin/mode`: an operator's (or a test's) hand on the gate. */
export function modeAdminRoutes(deps: ModeAdminDeps): InfraRoute[] {
  return [
    {
      method: 'GET',
      path: REGION_ADMIN_PATHS.mode,
      handle: async (req, res) => {
        await deps.requireAdministrator(req);
        sendJson(res, 200, stateJson(deps.gate.state));
      },
    },
    {
      method: 'POST',
      path: REGION_ADMIN_PATHS.mode,
      handle: async (req, res) => {
        await deps.requireAdministrator(req);
        const change = parseModeChange(await readJsonBody(req), deps.gate.state.epoch);
        const state = deps.gate.set(change);
        await deps.afterChange?.();
        sendJson(res, 200, stateJson(state));
      },
    },
  ];
}

function stateJson(state: ModeState) {
  return { mode: state.mode, epoch: state.epoch, readOnlyProfile: state.readOnlyProfile };
}

/** `{ mode, epoch?, readOnlyProfile? }`; an omitted epoch keeps the current one. */
export function parseModeChange(body: unknown, currentEpoch: number): ModeChange {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new BadParameterError('The body must be a JSON object: {"mode", "epoch"?, "readOnlyProfile"?}.');
  const { mode, epoch, readOnlyProfile, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0)
    throw new BadParameterError(
      `Unknown field "${unknown[0]?.slice(0, 40)}"; expected mode, epoch, readOnlyProfile.`,
    );
  if (!isRegionMode(mode)) throw new BadParameterError(`"mode" must be one of ${REGION_MODES.join(', ')}.`);
  if (epoch !== undefined && !(Number.isSafeInteger(epoch) && (epoch as number) >= 0))
    throw new BadParameterError('"epoch" must be a non-negative integer.');
  if (readOnlyProfile !== undefined && !isProfile(readOnlyProfile))
    throw new BadParameterError(`"readOnlyProfile" must be one of ${READ_ONLY_PROFILES.join(', ')}.`);
  return {
    mode,
    epoch: (epoch as number | undefined) ?? currentEpoch,
    ...(readOnlyProfile === undefined ? {} : { readOnlyProfile }),
  };
}

function isProfile(value: unknown): value is ReadOnlyProfile {
  return (READ_ONLY_PROFILES as readonly unknown[]).includes(value);
}
