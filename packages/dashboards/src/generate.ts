// Writes infra/grafana/dashboards/*.json from the dashboards' code: `scripts/dashboards`, or
// `node packages/dashboards/src/generate.ts`. Run it after changing a dashboard and commit both.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DASHBOARDS_DIR } from './paths.ts';
import { renderDashboards } from './render.ts';

await mkdir(DASHBOARDS_DIR, { recursive: true });
for (const [file, text] of renderDashboards()) {
  await writeFile(join(DASHBOARDS_DIR, file), text);
  console.log(`wrote ${join('infra/grafana/dashboards', file)}`);
}
