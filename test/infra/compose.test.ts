// infra/compose.yaml: Grafana and Prometheus in Docker beside a Vaultover on the host. Docker is not on
// the test machines, so this checks what can go wrong without it: the file parses, every path it mounts
// exists, and the pieces point at each other (Prometheus at the config vaultover up writes, Grafana's
// provider at the mounted dashboards, the data source at the uid the dashboards default to).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { VAULTOVER_DATASOURCE } from '@vaultover/dashboards';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMPOSE_FILE, INFRA, PROVISIONING } from '../support/infra-paths.ts';

interface Service {
  image: string;
  network_mode?: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes: string[];
}

const compose = parse(readFileSync(COMPOSE_FILE, 'utf8')) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};

/** A volume entry: `${VAR:-default}` replaced by its default, as Docker Compose does with VAR unset. */
function mountOf(entry: string): { source: string; target: string } {
  const [source = '', target = ''] = entry.replace(/\$\{\w+:-([^}]*)\}/g, '$1').split(':');
  return { source, target };
}

/** Host paths (not named volumes) of a service's mounts, by their path in the container. */
function bindMounts(service: Service): Map<string, string> {
  return new Map(
    service.volumes
      .map(mountOf)
      .filter(({ source }) => source.startsWith('.') || source.startsWith('/'))
      .map(({ source, target }) => [target, resolve(INFRA, source)]),
  );
}

/** Where Prometheus finds the data directory vaultover up writes: created at run time, not committed. */
const DATA_DIR_TARGET = '/vaultover';

describe('infra/compose.yaml', () => {
  it('runs pinned Grafana and Prometheus images on the host network', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['grafana', 'prometheus']);
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.image, name).toMatch(/^[\w./-]+:v?\d+\.\d+\.\d+$/);
      expect(service.network_mode, name).toBe('host');
    }
  });

  it('mounts only paths that exist, but the data directory vaultover up creates', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [target, source] of bindMounts(service)) {
        if (target === DATA_DIR_TARGET) continue;
        expect(existsSync(source), `${name} mounts ${source}, which does not exist`).toBe(true);
      }
      for (const { source } of service.volumes.map(mountOf)) {
        if (!source.startsWith('.') && !source.startsWith('/'))
          expect(compose.volumes).toHaveProperty(source);
      }
    }
  });

  it('gives Prometheus the config vaultover up renders into the default data directory', () => {
    const prometheus = compose.services.prometheus as Service;
    // The data directory defaults to .vaultover in the folder vaultover up runs in: the repository root.
    expect(bindMounts(prometheus).get(DATA_DIR_TARGET)).toBe(resolve(INFRA, '..', '.vaultover'));
    expect(prometheus.command).toContain(`--config.file=${DATA_DIR_TARGET}/prometheus/prometheus.yml`);
  });

  it('gives Grafana the provisioning, whose provider reads the mounted dashboards and whose data source the dashboards use', () => {
    const grafana = compose.services.grafana as Service;
    const mounts = bindMounts(grafana);
    expect(mounts.get('/etc/grafana/provisioning')).toBe(resolve(PROVISIONING));
    const provider = parse(readFileSync(join(PROVISIONING, 'dashboards/vaultover.yml'), 'utf8')) as {
      providers: { type: string; options: { path: string } }[];
    };
    const path = provider.providers[0]?.options.path ?? '';
    expect(mounts.get(path)).toBe(resolve(INFRA, 'grafana/dashboards'));
    expect(grafana.environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH).toMatch(
      new RegExp(`^${path}/.+\\.json$`),
    );
    expect(
      existsSync(
        join(
          INFRA,
          'grafana/dashboards',
          String(grafana.environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH).slice(path.length),
        ),
      ),
    ).toBe(true);

    const datasources = readFileSync(join(PROVISIONING, 'datasources/vaultover.yml'), 'utf8');
    const [source] = (parse(datasources) as { datasources: { uid: string; type: string }[] }).datasources;
    expect(source).toMatchObject({ uid: VAULTOVER_DATASOURCE.uid, type: 'prometheus' });
    // Every ${VARIABLE} the data source reads, Grafana's environment sets.
    for (const [, variable] of datasources.matchAll(/\$\{(\w+)\}/g)) {
      expect(grafana.environment, `${variable} is not set for Grafana`).toHaveProperty(variable as string);
    }
  });
});
