import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The parts of a V8 `.cpuprofile` (what `node --cpu-prof` writes) this summary reads. */
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** One row of a summary: a function or a module, and its share of the busy samples. */
export interface ProfileEntry {
  name: string;
  percent: number;
}

/** The busiest frames of one profile. Idle samples are left out, so shares are of busy time. */
export interface ProfileSummary {
  file: string;
  busySamples: number;
  /** Time spent in the function itself. */
  selfByFunction: ProfileEntry[];
  /** Self time summed per package or source area (`express`, `node:internal/tls`, `@vaultover/region`…). */
  selfByModule: ProfileEntry[];
  /** Time spent in the function or anything it called: where whole request phases go. */
  inclusiveByFunction: ProfileEntry[];
}

const IDLE = '(idle)';

/** Summarizes every `.cpuprofile` in `dir`. */
export async function summarizeProfiles(dir: string, top: number): Promise<ProfileSummary[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile')).sort();
  const summaries: ProfileSummary[] = [];
  for (const file of files) {
    const path = join(dir, file);
    summaries.push(summarizeProfile(path, JSON.parse(await readFile(path, 'utf8')) as CpuProfile, top));
  }
  return summaries;
}

function summarizeProfile(file: string, profile: CpuProfile, top: number): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = parentMap(profile.nodes);
  const self = new Map<string, number>();
  const modules = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let busy = 0;
  for (const id of profile.samples) {
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === IDLE) continue;
    busy++;
    add(self, frameName(node), 1);
    add(modules, moduleOf(node.callFrame.url, node.callFrame.functionName), 1);
    for (const name of stackNames(node, byId, parents)) add(inclusive, name, 1);
  }
  return {
    file,
    busySamples: busy,
    selfByFunction: topEntries(self, busy, top),
    selfByModule: topEntries(modules, busy, top),
    inclusiveByFunction: topEntries(inclusive, busy, top),
  };
}

function parentMap(nodes: readonly ProfileNode[]): Map<number, number> {
  const parents = new Map<number, number>();
  for (const node of nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  return parents;
}

/** Distinct frame names from the sampled frame up to the root (a recursive frame counts once). */
function stackNames(
  node: ProfileNode,
  byId: Map<number, ProfileNode>,
  parents: Map<number, number>,
): Set<string> {
  const names = new Set<string>();
  for (let current: ProfileNode | undefined = node; current; ) {
    names.add(frameName(current));
    const parent = parents.get(current.id);
    current = parent === undefined ? undefined : byId.get(parent);
  }
  return names;
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName || '(anonymous)';
  if (!url) return name;
  return `${name} ${shortUrl(url)}:${lineNumber + 1}`;
}

function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const inModules = path.lastIndexOf('/node_modules/');
  if (inModules >= 0) return path.slice(inModules + '/node_modules/'.length);
  const inPackages = path.indexOf('/packages/');
  if (inPackages >= 0) return path.slice(inPackages + 1);
  return path;
}

/** Which package or area a frame belongs to. */
function moduleOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const path = shortUrl(url);
  if (path !== url.replace(/^file:\/\//, '')) {
    if (path.startsWith('packages/')) return `@vaultover/${path.split('/')[1]}`;
    const parts = path.split('/');
    return path.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? path);
  }
  return path;
}

function add(map: Map<string, number>, key: string, count: number): void {
  map.set(key, (map.get(key) ?? 0) + count);
}

function topEntries(map: Map<string, number>, total: number, top: number): ProfileEntry[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, count]) => ({ name, percent: total > 0 ? (count / total) * 100 : 0 }));
}
