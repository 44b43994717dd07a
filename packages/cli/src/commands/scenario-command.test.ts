import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listShippedScenarios } from '@vaultover/scenario';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliProcess } from '../test-support/cli-process.ts';

let cwd: string;

const VALID = `duration: 30s
load:
  clients:
    app: { kind: secrets, operations: { get: 1 }, rate: 5 }
steps:
  - { at: 5s, crash: westeurope }
  - { after: failed-over + 2s, restart: westeurope }
expect:
  - rto < 8s
`;

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'vaultover-scenario-'));
  await writeFile(join(cwd, 'outage.yaml'), VALID);
  await writeFile(
    join(cwd, 'broken.yaml'),
    VALID.replace('30s', '30 seconds').replace('westeurope }', 'eastus }'),
  );
  await writeFile(
    join(cwd, 'probes.yaml'),
    VALID.replace('duration: 30s', 'duration: 30s\ndeployment:\n  monitor: { probeIntervalMs: 500 }'),
  );
  await writeFile(
    join(cwd, 'pair.yaml'),
    'regions:\n  - { name: eastus, role: primary }\n  - { name: westus, role: secondary }\n',
  );
  await writeFile(
    join(cwd, 'kernel.yaml'),
    'links:\n  kernel:\n    westeurope-net: { netns: vo-west, device: eth0, peer: westeurope }\n',
  );
  await writeFile(
    join(cwd, 'partition.yaml'),
    VALID.replace(
      '{ at: 5s, crash: westeurope }',
      '{ at: 5s, toxic: { link: westeurope-net, add: { type: blackhole, stream: both } } }',
    ),
  );
});

afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

describe('vaultover scenario', () => {
  it('validate: exit 0 with one ok line for a valid file', async () => {
    const { code, stdout, stderr } = await runCliProcess(['scenario', 'validate', 'outage.yaml'], cwd);
    expect({ code, stdout, stderr }).toEqual({
      code: 0,
      stdout: 'ok: outage (1 client, 2 steps, 1 expectation)\n',
      stderr: '',
    });
  });

  it('validate: exit 2 with every problem as file:line:col: field: message', async () => {
    const { code, stdout, stderr } = await runCliProcess(['scenario', 'validate', 'broken.yaml'], cwd);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toBe(
      'broken.yaml:1:11: duration: expected a duration such as 500ms, 10s, 2m or 1m30s, got "30 seconds"\n' +
        'broken.yaml:6:22: steps.0.crash: unknown region "eastus": the deployment has westeurope, northeurope\n',
    );
  });

  it('validate: takes the regions of a config, and exits 2 for a file it cannot read', async () => {
    const other = await runCliProcess(['scenario', 'validate', 'outage.yaml', '--config', 'pair.yaml'], cwd);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('unknown region "westeurope": the deployment has eastus, westus');
    const missing = await runCliProcess(['scenario', 'validate', 'nothing.yaml'], cwd);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^nothing\.yaml: cannot read the scenario file/);
  });

  it("validate: takes a config's kernel links as links its steps may name", async () => {
    const { code, stdout } = await runCliProcess(
      ['scenario', 'validate', 'partition.yaml', '--config', 'kernel.yaml'],
      cwd,
    );
    expect({ code, stdout }).toEqual({
      code: 0,
      stdout: 'ok: partition (1 client, 2 steps, 1 expectation)\n',
    });
  });

  it("validate: exit 2 for overrides the config's cross-field rules refuse", async () => {
    const { code, stdout, stderr } = await runCliProcess(['scenario', 'validate', 'probes.yaml'], cwd);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    // The default probe timeout (500 ms) is not under an interval of 500 ms.
    expect(stderr).toContain('probes.yaml: deployment: ');
    expect(stderr).toContain('monitor.probeTimeoutMs');
  });

  it('list: the shipped scenarios with their descriptions, from any directory', async () => {
    const { code, stdout } = await runCliProcess(['scenario', 'list'], cwd);
    expect(code).toBe(0);
    const names = stdout
      .trimEnd()
      .split('\n')
      .map((line) => line.split(/\s+/, 1)[0]);
    // the test of the scenario package holds the six names; here: the command shows every one
    expect(names).toEqual((await listShippedScenarios()).map((scenario) => scenario.name));
    expect(stdout).toMatch(/^region-outage\s{2,}The primary crashes/m);
  });
});
