import { SecretClient } from '@azure/keyvault-secrets';
import { VaultoverCredential } from '@vaultover/auth';
import type { ControlEvent, ControlStatus } from '@vaultover/control';
import type { ControlClient } from '../control-client/control-client.ts';
import type { Endpoints } from '../topology/endpoints.ts';
import { AvailabilityProbe } from './availability-probe.ts';
import { DEMO_TIMINGS } from './demo-deployment.ts';
import { expectRestError } from './expect-rest-error.ts';
import type { Narrator } from './narrator.ts';
import { type Timeline, timelineOf } from './timeline.ts';

/** What the story runs against: the deployment's endpoints, its CA and its control API. */
export interface FailoverTarget {
  endpoints: Endpoints;
  ca: string;
  control: ControlClient;
}

const PRIMARY = 'westeurope';
const SECONDARY = 'northeurope';
const SECRETS = 20;
const READ_ONLY_REFUSAL =
  'Operation "SecretSet" is unavailable: the service is currently in a read-only state.';

/**
 * The failover story: writes through the global endpoint, a crash of the primary region, detection,
 * the failover window, read-only serving, the primary's return, failback, writes again. Every answer is
 * checked; a client probing every 50 ms records what it saw, for the timeline at the end.
 */
export async function runFailoverStory(narrator: Narrator, target: FailoverTarget): Promise<Timeline> {
  const officer = sdkClient(target, 'officer');
  const app = sdkClient(target, 'app');
  const names = Array.from({ length: SECRETS }, (_, i) => `order-service-${String(i).padStart(2, '0')}`);

  await narrator.step(
    `officer writes ${SECRETS} secrets through the global endpoint`,
    async () => {
      let region: string | null = null;
      for (const name of names)
        await officer.setSecret(name, `${name}-password`, {
          onResponse: (r) => (region = r.headers.get('x-ms-keyvault-region') ?? null),
        });
      return region;
    },
    (region) => `served by ${region} (read-write)`,
  );
  await narrator.step(
    `${SECONDARY} applies them (replication lag 0)`,
    (update) =>
      waitForStatus(
        target,
        update,
        (s) => caughtUp(s),
        (s) => `lag ${s.regions[SECONDARY]?.replication ? lagOf(s) : '?'} changes`,
      ),
    () => 'caught up',
  );

  const probe = new AvailabilityProbe({
    url: target.endpoints.gateway,
    ca: target.ca,
    credential: credential(target, 'officer'),
    secret: names[0] as string,
    intervalMs: 50,
  });
  await probe.start();
  try {
    const crashAt = Date.now();
    const crashPerf = performance.now();
    const pid = target.endpoints.regions[PRIMARY]?.pid;
    await narrator.step(`crash ${PRIMARY}: SIGKILL its region node${pid ? ` (pid ${pid})` : ''}`, async () =>
      expectOk(await target.control.post(`/api/regions/${PRIMARY}/crash`)),
    );
    const { monitor, failover } = DEMO_TIMINGS;
    const bound = monitor.probeIntervalMs * monitor.failureThreshold + monitor.probeTimeoutMs;
    await narrator.step(
      `the health monitor detects it (${monitor.failureThreshold} failed probes, ${monitor.probeIntervalMs} ms apart)`,
      (update) =>
        waitForStatus(
          target,
          update,
          (s) => s.state !== 'normal',
          (s) => `last probe: ${s.regions[PRIMARY]?.lastProbe?.reason ?? 'ok'}`,
        ),
      () => `failing over after ${seconds(Date.now() - crashAt)} (bound ${seconds(bound)})`,
    );
    await narrator.step(
      `failover window (${seconds(failover.failoverWindowMs)}): the global endpoint answers 503 with Retry-After`,
      async (update) => {
        const refusal = await expectRestError(() => app.getSecret(names[1] as string), 503);
        await waitForStatus(
          target,
          update,
          (s) => s.state === 'failed-over',
          (s) => `${s.state}, window ends ${s.windowEndsAt ?? ''}`,
        );
        return refusal;
      },
      (refusal) => `saw ${refusal.status} ${refusal.code}; ${SECONDARY} serves now`,
    );
    await narrator.step(
      `app reads a secret through the global endpoint`,
      async () => {
        let served: string | null = null;
        const secret = await app.getSecret(names[7] as string, {
          onResponse: (r) =>
            (served = `${r.headers.get('x-ms-keyvault-region')} (${r.headers.get('x-vaultover-mode')})`),
        });
        if (secret.value !== `${names[7]}-password`) throw new Error('the secondary served a wrong value');
        return served;
      },
      (served) => `served by ${served}`,
    );
    await narrator.step(
      'officer tries to write',
      async () => {
        const refusal = await expectRestError(() => officer.setSecret('during-failover', 'x'), 503);
        if (refusal.message !== READ_ONLY_REFUSAL) throw new Error(`unexpected refusal: ${refusal.message}`);
        return refusal;
      },
      (refusal) => `refused: ${refusal.status} ${refusal.code} "${refusal.message}"`,
    );
    await narrator.step(`restart ${PRIMARY}`, async () =>
      expectOk(await target.control.post(`/api/regions/${PRIMARY}/restart`)),
    );
    await narrator.step(
      `the monitor sees it healthy again; failback window (${seconds(failover.failbackWindowMs)})`,
      (update) =>
        waitForStatus(
          target,
          update,
          (s) => s.state === 'normal' && s.regions[PRIMARY]?.mode === 'read-write',
          (s) => `${s.state}, ${PRIMARY} ${s.regions[PRIMARY]?.healthy ? 'healthy' : 'not healthy yet'}`,
          60_000,
        ),
      () => `back to normal ${seconds(Date.now() - crashAt)} after the crash`,
    );
    await narrator.step(
      'officer writes again through the global endpoint',
      async () => {
        let region: string | null = null;
        await officer.setSecret('after-failback', 'written again', {
          onResponse: (r) => (region = r.headers.get('x-ms-keyvault-region') ?? null),
        });
        return region;
      },
      (region) => `served by ${region} (read-write)`,
    );
    await narrator.step(
      `every secret written before the crash is there, and ${SECONDARY} has them all`,
      async (update) => {
        for (const name of names) {
          if ((await app.getSecret(name)).value !== `${name}-password`)
            throw new Error(`${name} has a wrong value`);
        }
        return waitForStatus(target, update, caughtUp, (s) => `lag ${lagOf(s)} changes`);
      },
      () => `${SECRETS} of ${SECRETS}`,
    );
    probe.stop();
    const [status, events] = await Promise.all([statusOf(target), eventsOf(target)]);
    return timelineOf({ crashAt, crashPerf, probe: probe.samples, events, status, detectionBoundMs: bound });
  } finally {
    probe.stop();
  }
}

function sdkClient(target: FailoverTarget, principal: string): SecretClient {
  // No retries: the demo shows each answer as it comes (the SDK's default policy retries 503 three times).
  return new SecretClient(target.endpoints.gateway, credential(target, principal), {
    disableChallengeResourceVerification: true,
    tlsOptions: { ca: target.ca },
    retryOptions: { maxRetries: 0 },
  });
}

function credential(target: FailoverTarget, principal: string): VaultoverCredential {
  return new VaultoverCredential({ principal, dataDir: target.endpoints.dataDir });
}

async function statusOf(target: FailoverTarget): Promise<ControlStatus> {
  const reply = await target.control.get('/api/status');
  return expectOk(reply) as ControlStatus;
}

async function eventsOf(target: FailoverTarget): Promise<ControlEvent[]> {
  return (expectOk(await target.control.get('/api/events')) as { value: ControlEvent[] }).value;
}

function expectOk(reply: { status: number; body: unknown }): unknown {
  if (reply.status >= 300)
    throw new Error(`the control API answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply.body;
}

async function waitForStatus(
  target: FailoverTarget,
  update: (progress: string) => void,
  done: (status: ControlStatus) => boolean,
  progress: (status: ControlStatus) => string,
  timeoutMs = 30_000,
): Promise<ControlStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await statusOf(target);
    if (done(status)) return status;
    update(progress(status));
    if (Date.now() > deadline) throw new Error(`gave up after ${seconds(timeoutMs)}: ${progress(status)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function caughtUp(status: ControlStatus): boolean {
  return lagOf(status) === 0;
}

function lagOf(status: ControlStatus): number | null {
  const replication = status.regions[SECONDARY]?.replication as { lagEntries?: number | null } | null;
  return replication?.lagEntries ?? null;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
