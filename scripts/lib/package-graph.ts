// The package graph as docs/architecture.md draws it, checked against every package.json and every import.
// The table in the docs is the rule; package.json files must declare exactly what it allows, and source
// files may import only what their package.json declares. Run by scripts/test (scripts/check-packages.ts).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** One row of the table: what a package may depend on, in its code and in its tests. */
export interface PackageRule {
  name: string;
  /** Its layer in the diagram (higher may import lower); undefined for test-only packages. */
  layer: number | undefined;
  dependsOn: string[];
  testsAlsoUse: string[];
}

interface Manifest {
  name?: string;
  exports?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const SCOPE = '@vaultover/';
/** Packages only tests may use. */
const TEST_ONLY = new Set(['testkit']);
/** The composition root: the one package that may put regions and the control process together. */
const COMPOSITION_ROOT = 'cli';
/** Neither may import the other: what they share is in `contract`. */
const NEVER_TOGETHER = ['control', 'region'] as const;
/** Top-level folders whose code composes packages by name (the root package.json declares their imports). */
const ROOT_CODE = ['test', 'bench', 'scripts'];

/** Reads the "Packages" table: rows whose first cell is a package name in backquotes. */
export function readRules(architectureMd: string): PackageRule[] {
  const section = architectureMd.split(/^## /m).find((part) => part.startsWith('Packages'));
  if (!section) throw new Error('docs/architecture.md has no "## Packages" section');
  const names = (cell: string | undefined) =>
    [...(cell ?? '').matchAll(/`([a-z-]+)`/g)].map((m) => m[1] as string);
  const layers = readLayers(section);
  const rules: PackageRule[] = [];
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const name = /^`([a-z-]+)`$/.exec(cells[1] ?? '')?.[1];
    if (!name) continue;
    rules.push({ name, layer: layers.get(name), dependsOn: names(cells[3]), testsAlsoUse: names(cells[4]) });
  }
  return rules;
}

/**
 * The layer diagram: lines `  <n>    a · b · c    description` in the section's first code block, and
 * ` test  testkit …` for test-only packages (no layer).
 */
function readLayers(section: string): Map<string, number | undefined> {
  const block = /```\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  const layers = new Map<string, number | undefined>();
  for (const line of block.split('\n')) {
    const match = /^\s*(\d+|test)\s{2,}([a-z-]+(?: · [a-z-]+)*)/.exec(line);
    if (!match) continue;
    const layer = match[1] === 'test' ? undefined : Number(match[1]);
    for (const name of (match[2] as string).split(' · ')) layers.set(name, layer);
  }
  return layers;
}

/** Every problem found in the repository at `root`; empty when the graph holds. */
export function checkPackageGraph(root: string): string[] {
  const problems: string[] = [];
  const rules = readRules(readFileSync(join(root, 'docs/architecture.md'), 'utf8'));
  const byName = new Map(rules.map((rule) => [rule.name, rule]));
  const dirs = readdirSync(join(root, 'packages')).filter((d) =>
    existsSync(join(root, 'packages', d, 'package.json')),
  );
  for (const dir of dirs)
    if (!byName.has(dir)) problems.push(`packages/${dir} is not in the table of docs/architecture.md`);
  for (const rule of rules)
    if (!dirs.includes(rule.name))
      problems.push(`the table names ${rule.name}, which is not under packages/`);
  problems.push(...ruleProblems(rules));
  for (const rule of rules) {
    if (dirs.includes(rule.name)) problems.push(...packageProblems(root, rule, byName));
  }
  problems.push(...rootCodeProblems(root));
  return problems;
}

/** The rules themselves: no cycles, test-only packages only in tests, regions and control apart. */
function ruleProblems(rules: PackageRule[]): string[] {
  const problems: string[] = [];
  const byName = new Map(rules.map((rule) => [rule.name, rule]));
  for (const rule of rules) {
    for (const dep of [...rule.dependsOn, ...rule.testsAlsoUse]) {
      if (!byName.has(dep)) problems.push(`${rule.name} depends on ${dep}, which is not a package`);
    }
    for (const dep of rule.dependsOn) {
      if (TEST_ONLY.has(dep) && !TEST_ONLY.has(rule.name))
        problems.push(`${rule.name}'s code depends on ${dep}, which is for tests only`);
    }
    if (!TEST_ONLY.has(rule.name) && rule.layer === undefined) {
      problems.push(`${rule.name} is in no layer of the diagram in docs/architecture.md`);
    }
    for (const dep of rule.dependsOn) {
      const below = byName.get(dep)?.layer;
      if (rule.layer !== undefined && below !== undefined && below >= rule.layer) {
        problems.push(
          `${rule.name} (layer ${rule.layer}) depends on ${dep} (layer ${below}): dependencies point down`,
        );
      }
    }
    const [a, b] = NEVER_TOGETHER;
    const uses = [...rule.dependsOn, ...rule.testsAlsoUse];
    if ((rule.name === a && uses.includes(b)) || (rule.name === b && uses.includes(a))) {
      problems.push(`${a} and ${b} must never import each other (what they share belongs in contract)`);
    }
    if (rule.name !== COMPOSITION_ROOT && NEVER_TOGETHER.every((n) => rule.dependsOn.includes(n))) {
      problems.push(
        `${rule.name} depends on both ${NEVER_TOGETHER.join(' and ')}: only ${COMPOSITION_ROOT} composes them`,
      );
    }
  }
  const cycle = findCycle(rules);
  if (cycle) problems.push(`the packages depend on each other in a cycle: ${cycle.join(' → ')}`);
  return problems;
}

function findCycle(rules: PackageRule[]): string[] | undefined {
  const deps = new Map(rules.map((rule) => [rule.name, rule.dependsOn]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...path.slice(path.indexOf(name)), name];
    state.set(name, 'visiting');
    path.push(name);
    for (const dep of deps.get(name) ?? []) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const rule of rules) {
    const cycle = visit(rule.name);
    if (cycle) return cycle;
  }
  return undefined;
}

/** One package: its package.json against its row, and each import of its files against its package.json. */
function packageProblems(root: string, rule: PackageRule, rules: Map<string, PackageRule>): string[] {
  const problems: string[] = [];
  const dir = join(root, 'packages', rule.name);
  const manifest = readManifest(join(dir, 'package.json'));
  const where = `packages/${rule.name}/package.json`;
  if (manifest.name !== `${SCOPE}${rule.name}`)
    problems.push(`${where} is named ${manifest.name}, not ${SCOPE}${rule.name}`);
  const declared = internal(manifest.dependencies);
  const declaredDev = internal(manifest.devDependencies);
  problems.push(...sameSet(`${where} dependencies`, declared, rule.dependsOn));
  problems.push(...sameSet(`${where} devDependencies`, declaredDev, rule.testsAlsoUse));
  const used = new Set<string>();
  for (const file of sourceFiles(join(dir, 'src'))) {
    const shown = relative(root, file);
    const test = isTestCode(file);
    const allowed = { ...manifest.dependencies, ...(test ? manifest.devDependencies : {}) };
    for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) {
        const target = resolve(dirname(file), specifier);
        if (!target.startsWith(dir + sep))
          problems.push(`${shown} imports ${specifier}, outside its package: import it by package name`);
        else if (!test && isTestCode(target)) problems.push(`${shown} imports test code ${specifier}`);
        continue;
      }
      if (isBuiltin(specifier)) continue;
      const pkg = packageOf(specifier);
      if (!(pkg in allowed)) {
        problems.push(
          `${shown} imports ${specifier}, but ${where} does not declare ${pkg}${test ? '' : ' in its dependencies'}`,
        );
        continue;
      }
      if (pkg.startsWith(SCOPE)) {
        const target = pkg.slice(SCOPE.length);
        used.add(target);
        const sub = `.${specifier.slice(pkg.length)}`;
        const exports = rules.has(target)
          ? (readManifest(join(root, 'packages', target, 'package.json')).exports ?? {})
          : {};
        if (!(sub in exports)) problems.push(`${shown} imports ${specifier}, which ${pkg} does not export`);
      }
    }
  }
  for (const dep of [...declared, ...declaredDev]) {
    if (!used.has(dep))
      problems.push(`${where} declares ${SCOPE}${dep}, which no file of ${rule.name} imports`);
  }
  return problems;
}

/** test/, bench/ and scripts/: imports by package name only, external ones declared by the root package.json. */
function rootCodeProblems(root: string): string[] {
  const problems: string[] = [];
  const manifest = readManifest(join(root, 'package.json'));
  const allowed = { ...manifest.dependencies, ...manifest.devDependencies };
  const packagesDir = join(root, 'packages') + sep;
  for (const top of ROOT_CODE) {
    for (const file of sourceFiles(join(root, top))) {
      const shown = relative(root, file);
      for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
        if (specifier.startsWith('.')) {
          if (resolve(dirname(file), specifier).startsWith(packagesDir)) {
            problems.push(`${shown} imports ${specifier} by path: import the package by name`);
          }
          continue;
        }
        const pkg = packageOf(specifier);
        if (isBuiltin(specifier) || pkg.startsWith(SCOPE)) continue;
        if (!(pkg in allowed))
          problems.push(`${shown} imports ${specifier}, which the root package.json does not declare`);
      }
    }
  }
  return problems;
}

/** The module specifiers of static imports and re-exports, side-effect imports and dynamic imports. */
export function importsOf(source: string): string[] {
  const found = [
    ...source.matchAll(/^\s*(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/gm),
    ...source.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm),
    ...source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ];
  return found.map((match) => match[1] as string);
}

/** Tests, and the helpers and fixtures only they use. */
function isTestCode(file: string): boolean {
  const parts = file.split(sep);
  const base = parts.at(-1) ?? '';
  return (
    base.endsWith('.test.ts') ||
    base.startsWith('test-') ||
    parts.includes('test-support') ||
    parts.includes('test-fixtures')
  );
}

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || builtinModules.includes(specifier);
}

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

function internal(deps: Record<string, string> | undefined): string[] {
  return Object.keys(deps ?? {})
    .filter((name) => name.startsWith(SCOPE))
    .map((name) => name.slice(SCOPE.length));
}

function sameSet(what: string, actual: string[], expected: string[]): string[] {
  const missing = expected.filter((name) => !actual.includes(name));
  const extra = actual.filter((name) => !expected.includes(name));
  return [
    ...(missing.length ? [`${what} lack ${missing.join(', ')} (docs/architecture.md allows them)`] : []),
    ...(extra.length ? [`${what} name ${extra.join(', ')}, which docs/architecture.md does not allow`] : []),
  ];
}

function readManifest(path: string): Manifest {
  return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((entry) => {
    if (entry === 'node_modules') return [];
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|js|mjs)$/.test(entry) ? [path] : [];
  });
}
