import { ManualClock, regionHealth } from '@vaultover/testkit';
import { describe, expect, it } from 'vitest';
import { HealthMonitor } from './health-monitor.ts';
import type { Probe, ProbeResult } from './health-probe.ts';

type Answer = 'ok' | 'fail' | 'hang';

/** A probe whose answer per region the test sets; `hang` never answers (until aborted). */
function scriptedProbe(answers: Map<string, Answer>): Probe {
  return (url, signal) =>
    new Promise<ProbeResult>((resolve) => {
      const answer = answers.get(url) ?? 'ok';
      if (answer === 'ok') resolve({ ok: true, health: regionHealth({ region: url }) });
      else if (answer === 'fail') resolve({ ok: false, reason: 'HTTP 503 (unhealthy)' });
      else signal.addEventListener('abort', () => resolve({ ok: false, reason: 'aborted' }));
    });
}

function setup(settings = { failureThreshold: 3, recoveryThreshold: 5 }) {
  const clock = new ManualClock();
  const answers = new Map<string, Answer>();
  const monitor = new HealthMonitor({
    regions: [
      { name: 'westeurope', url: 'w' },
      { name: 'northeurope', url: 'n' },
    ],
    probe: scriptedProbe(answers),
    clock,
    settings: { probeIntervalMs: 1000, probeTimeoutMs: 400, ...settings },
  });
  const flips: string[] = [];
  monitor.on('flip', (region: string, healthy: boolean) =>
    flips.push(`${region}:${healthy ? 'up' : 'down'}`),
  );
  return { clock, answers, monitor, flips };
}

describe('HealthMonitor', () => {
  it('goes down after exactly failureThreshold failures in a row, and up after recoveryThreshold successes', async () => {
    const { answers, monitor, flips } = setup();
    answers.set('w', 'fail');
    await monitor.probeAll();
    await monitor.probeAll();
    expect(monitor.view('westeurope')?.healthy).toBe(true);
    expect(flips).toEqual([]);
    await monitor.probeAll();
    expect(flips).toEqual(['westeurope:down']);
    expect(monitor.view('westeurope')).toMatchObject({ healthy: false, consecutiveFailures: 3 });

    answers.set('w', 'ok');
    for (let i = 0; i < 4; i++) await monitor.probeAll();
    expect(monitor.view('westeurope')?.healthy).toBe(false);
    await monitor.probeAll();
    expect(flips).toEqual(['westeurope:down', 'westeurope:up']);
    expect(monitor.view('northeurope')?.healthy).toBe(true);
  });

  it('remembers when the current run of failures began, and forgets it at the next success', async () => {
    const { clock, answers, monitor } = setup();
    await monitor.probeAll();
    expect(monitor.view('westeurope')?.failingSince).toBeNull();
    answers.set('w', 'fail');
    const first = clock.now();
    await monitor.probeAll();
    await clock.advance(1000);
    await monitor.probeAll();
    expect(monitor.view('westeurope')).toMatchObject({ consecutiveFailures: 2, failingSince: first });
    answers.set('w', 'ok');
    await monitor.probeAll();
    expect(monitor.view('westeurope')?.failingSince).toBeNull();
  });

  it('a success in between resets the count: flapping below the threshold never flips', async () => {
    const { answers, monitor, flips } = setup();
    for (let i = 0; i < 6; i++) {
      answers.set('w', i % 3 === 2 ? 'ok' : 'fail');
      await monitor.probeAll();
    }
    expect(flips).toEqual([]);
    expect(monitor.view('westeurope')?.lastProbe).toMatchObject({ ok: true, reason: null });
  });

  it('counts a probe that does not answer within probeTimeoutMs (injected clock) as a failure', async () => {
    const { clock, answers, monitor, flips } = setup({ failureThreshold: 1, recoveryThreshold: 1 });
    answers.set('n', 'hang');
    const round = monitor.probeAll();
    await clock.advance(399);
    expect(monitor.view('northeurope')?.lastProbe).toBeNull();
    await clock.advance(1);
    await round;
    expect(flips).toEqual(['northeurope:down']);
    expect(monitor.view('northeurope')?.lastProbe?.reason).toBe('no answer within 400 ms');
  });

  it('keeps the last good health body (mode, replication positions) through failures', async () => {
    const { answers, monitor } = setup();
    await monitor.probeAll();
    answers.set('w', 'fail');
    await monitor.probeAll();
    expect(monitor.view('westeurope')?.lastGood).toMatchObject({ status: 'ok', mode: 'read-write' });
    expect(monitor.view('westeurope')?.lastProbe?.ok).toBe(false);
  });

  it('probes every probeIntervalMs of the clock once started', async () => {
    const { clock, monitor } = setup();
    let probes = 0;
    monitor.on('probe', () => probes++);
    monitor.start();
    await new Promise((resolve) => setImmediate(resolve));
    expect(probes).toBe(2);
    await clock.advance(999);
    expect(probes).toBe(2);
    await clock.advance(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(probes).toBe(4);
    await monitor.stop();
  });
});
