import { graphChecks, type Locate, referenceChecks } from './checks.js';
import { type Diagnostic, hasErrors, SpecCode, specError } from './diagnostics.js';
import { fileRefChecks } from './file-ref-checks.js';
import type { DependencyGraph } from './graph.js';
import { type Assembled, assemble, locateAcross } from './load/assemble.js';
import { mapLimit, projectNameFrom } from './load/discover.js';
import { projectEnv } from './load/env.js';
import { resolveServiceEnvironment } from './load/env-files.js';
import { fileSourceChecks } from './load/file-sources.js';
import { type Inputs, recordInputs } from './load/inputs.js';
import { nameClashes } from './load/name-clash.js';
import { parseProfiles, splitByProfiles } from './load/profiles.js';
import type { SourceLimits } from './load/source.js';
import { resolveWorkspace, type StackRef, type Workspace } from './load/workspace.js';
import { maskDiagnostics } from './mask-diagnostics.js';
import { schemaFindings } from './schema/issues.js';
import { type ComposeFile, checkComposeFile } from './schema/model.js';
import { type SensitiveValues, secretsTracker, sensitiveValues } from './sensitive.js';
import type { XBerthRegistry } from './xberth/registry.js';
import { type StackXBerth, xberthOf, xberthOfFiles } from './xberth/stack-sections.js';

export interface LoadOptions {
  /** The caller's environment: it takes precedence over the stack's `.env`, as in compose. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly registry: XBerthRegistry;
  /** Profiles to enable in addition to COMPOSE_PROFILES and the catalog's. */
  readonly profiles?: readonly string[];
  /** Env files to use instead of the stack's `.env`. */
  readonly envFiles?: readonly string[];
  readonly limits?: SourceLimits;
  /**
   * Return the stack even when cross-references fail (undefined volumes, unknown services, a
   * dependency cycle, bad x-berth), for tools that report on files as they are (audit). Syntax and
   * schema errors still yield no stack.
   */
  readonly lenient?: boolean;
}

/** A stack, ready for the planner: merged, normalized, interpolated, with its dependency graph. */
export interface LoadedStack {
  readonly name: string;
  readonly dir: string;
  /** Compose files merged, in order. */
  readonly files: string[];
  /** Every file read: compose files, included and extended files, env files. */
  readonly sources: string[];
  /** The model with only the services enabled by the active profiles. */
  readonly model: ComposeFile;
  /** Services left out because none of their profiles is enabled. */
  readonly disabled: string[];
  readonly xberth: StackXBerth;
  readonly graph: DependencyGraph;
  readonly ref: StackRef;
  /** Where a path of the merged model is written (the last file that writes it wins). */
  readonly locate: Locate;
  /** The value at a path as written in the files, before interpolation (`${DB_PASSWORD}` stays that). */
  readonly written: (path: readonly (string | number)[]) => unknown;
  /**
   * Values never to show, wherever they appear (output, logs, errors): what the project's `.env`
   * (or env files) holds, what each service's env files hold, and secret-looking variables and
   * build arguments.
   */
  readonly sensitive: SensitiveValues;
}

export interface StackLoad {
  readonly stack?: LoadedStack;
  readonly files: string[];
  readonly diagnostics: Diagnostic[];
}

function writtenValue(sources: Assembled['sources'], path: readonly (string | number)[]): unknown {
  for (let i = sources.length - 1; i >= 0; i--) {
    const source = sources[i];
    if (!source?.doc.has(path)) continue;
    let value: unknown = source.doc.value;
    for (const key of path)
      value =
        value !== null && typeof value === 'object'
          ? (value as Record<string | number, unknown>)[key]
          : undefined;
    return value;
  }
  return undefined;
}

function onlyActive(model: ComposeFile, active: ReadonlySet<string>): ComposeFile {
  const services = Object.fromEntries(
    Object.entries(model.services ?? {}).filter(([name]) => active.has(name)),
  );
  return { ...model, services } as ComposeFile;
}

/** Loads one stack: every error and warning located, or a model the deploy engine can trust. */
export async function loadStack(ref: StackRef, options: LoadOptions): Promise<StackLoad> {
  const env = await projectEnv(ref.dir, options.env, options.envFiles);
  // The variables the files interpolate: a secret-looking one's value is masked wherever it lands.
  const tracked = secretsTracker(env);
  const assembled = await assemble({
    files: ref.files,
    dir: ref.dir,
    lookup: tracked.lookup,
    env: options.env,
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const files = [...ref.files, ...env.files, ...assembled.envFiles, ...assembled.sources.map((s) => s.file)];
  const diagnostics = [...env.diagnostics, ...assembled.diagnostics];
  // Findings may quote interpolated values: masked with every secret value known when they are made.
  const done = (extra: Diagnostic[] = [], secrets = tracked.values()): StackLoad => ({
    files: [...new Set(files)],
    diagnostics: maskDiagnostics([...diagnostics, ...extra], secrets),
  });
  // A file with errors is not merged: its x-berth blocks are still checked, as the file writes them.
  if (hasErrors(diagnostics)) return done(xberthOfFiles(assembled.sources, ref.files, options.registry));

  const locate: Locate = (path, at) => locateAcross(assembled.sources, path, at);
  const parsed = checkComposeFile(assembled.raw);
  if (!parsed.success) {
    // Each file was valid on its own: what fails now comes from merging them.
    return done([
      ...schemaFindings(parsed.error, assembled.raw).map((f) => {
        const { file, pos } = locate(f.path, f.at);
        return specError(f.code, file, pos, `after merging files: ${f.message}`, f.hint);
      }),
      ...xberthOf(assembled.raw, new Set(), options.registry, locate).diagnostics,
    ]);
  }
  const model = parsed.data;
  if (Object.keys(model.services ?? {}).length === 0) {
    const first = assembled.sources[0];
    return done([
      specError(
        SpecCode.NoServices,
        first?.file ?? ref.dir,
        first ? first.doc.locate([]) : { line: 0, column: 0 },
        'the stack defines no services',
        'add a `services:` section with at least one service',
      ),
    ]);
  }
  const enabled = new Set([
    ...(options.profiles ?? []),
    ...(ref.catalog?.profiles ?? []),
    ...parseProfiles(options.env.COMPOSE_PROFILES),
  ]);
  const { active: activeList, disabled } = splitByProfiles(model.services ?? {}, enabled);
  const active = new Set(activeList);
  const checks = [
    ...referenceChecks(model, active, locate),
    ...fileRefChecks(model, active, locate),
    ...(await fileSourceChecks(model, active, locate)),
  ];
  const graph = graphChecks(model, active, locate);
  checks.push(...graph.diagnostics);
  const xberth = xberthOf(assembled.raw, active, options.registry, locate);
  checks.push(...xberth.diagnostics);
  const withEnv = await resolveServiceEnvironment(onlyActive(model, active), tracked.lookup, locate);
  files.push(...withEnv.files);
  checks.push(...withEnv.diagnostics);
  const sensitive = sensitiveValues(tracked.values(), withEnv.model, withEnv.fromFiles);
  const secrets = [...sensitive.project, ...Object.values(sensitive.services).flat()];
  if ((hasErrors(checks) || !graph.graph) && !options.lenient) return done(checks, secrets);

  const name = ref.nameFixed
    ? ref.name
    : (model.name ??
      (options.env.COMPOSE_PROJECT_NAME ? projectNameFrom(options.env.COMPOSE_PROJECT_NAME) : ref.name));
  return {
    stack: {
      name,
      dir: ref.dir,
      files: ref.files,
      sources: [...new Set(files)],
      model: withEnv.model,
      disabled,
      xberth: xberth.values,
      graph: graph.graph ?? { services: activeList, edges: [], levels: [activeList] },
      ref,
      locate,
      written: (path) => writtenValue(assembled.sources, path),
      sensitive,
    },
    ...done(checks, secrets),
  };
}

export interface WorkspaceLoad {
  readonly workspace?: Workspace;
  readonly stacks: LoadedStack[];
  readonly files: string[];
  readonly diagnostics: Diagnostic[];
  /**
   * Every path the load depended on and what it saw there: files read, folders listed, paths probed
   * and found missing. The load's result changes only if one of them does (for the same options).
   */
  readonly inputs: Inputs;
}

/** Loads every stack at a path (catalog, estate folder, stack folder or compose file). */
export async function loadWorkspace(path: string, options: LoadOptions): Promise<WorkspaceLoad> {
  const { result, inputs } = await recordInputs(() => loadWorkspaceFiles(path, options));
  return { ...result, inputs };
}

async function loadWorkspaceFiles(
  path: string,
  options: LoadOptions,
): Promise<Omit<WorkspaceLoad, 'inputs'>> {
  const resolved = await resolveWorkspace(path);
  const diagnostics = [...resolved.diagnostics];
  const files: string[] = resolved.workspace?.catalog ? [resolved.workspace.catalog.file] : [];
  const stacks: LoadedStack[] = [];
  const refs = resolved.workspace?.stacks ?? [];
  // Stacks load concurrently (file reads overlap); results keep the workspace's order.
  const results = await mapLimit(refs, 8, (ref) => loadStack(ref, options));
  for (const result of results) {
    files.push(...result.files);
    diagnostics.push(...result.diagnostics);
    if (result.stack) stacks.push(result.stack);
  }
  // Stacks that share a name are errors, and none of them is offered to act on.
  const clashes = nameClashes(
    resolved.workspace?.root ?? path,
    refs.map((ref, i) => ({ name: results[i]?.stack?.name ?? ref.name, ref })),
  );
  diagnostics.push(...clashes.diagnostics);
  return {
    ...(resolved.workspace ? { workspace: resolved.workspace } : {}),
    stacks: stacks.filter((s) => !clashes.names.has(s.name)),
    files: [...new Set(files)],
    diagnostics,
  };
}
