import type { Path } from '../../compose/load/yaml.js';
import type { Service } from '../../compose/schema/model.js';
import type { Hit, Snapshot, StackFacts } from '../types.js';
import { envOf, serviceHit } from './helpers.js';

/*
 * What Traefik's Docker provider reads from an estate: routers, middlewares and services declared in
 * container labels, plus the static configuration passed to Traefik itself on its command line or in
 * its environment (entrypoint-wide middlewares and TLS). Option names are case-insensitive in Traefik
 * (`entryPoints` = `entrypoints`); router and middleware names are kept as written.
 */

export interface Router {
  readonly stack: StackFacts;
  readonly service: string;
  readonly name: string;
  /** Option (lower case, after the router name) → value. */
  readonly options: ReadonlyMap<string, string>;
  readonly rule?: string;
  readonly entrypoints: readonly string[];
  readonly middlewares: readonly string[];
  readonly tls: boolean;
  /** Where a given option of this router is written (or the labels when it is not). */
  readonly at: (option?: string) => Path;
}

export interface Middleware {
  readonly stack: StackFacts;
  readonly service: string;
  readonly name: string;
  /** Middleware types configured (`headers`, `ratelimit`, `chain`…), lower case. */
  readonly kinds: ReadonlySet<string>;
  /** For a chain: the middlewares it applies. */
  readonly chain: readonly string[];
  readonly at: Path;
}

export interface TraefikService {
  readonly stack: StackFacts;
  readonly name: string;
  readonly service: Service;
  /** `traefik.enable` as written; undefined when absent. */
  readonly enabled: boolean | undefined;
  readonly routers: readonly Router[];
  readonly serviceNames: readonly string[];
  readonly hasServerPort: boolean;
}

export interface Estate {
  readonly services: readonly TraefikService[];
  readonly middlewares: ReadonlyMap<string, Middleware>;
  /** Entry point (lower case) → middlewares Traefik applies to every router on it. */
  readonly entrypointMiddlewares: ReadonlyMap<string, readonly string[]>;
  /** Entry points (lower case) with TLS switched on in the static configuration. */
  readonly tlsEntrypoints: ReadonlySet<string>;
}

const ROUTER = /^traefik\.http\.routers\.([^.]+)\.(.+)$/i;
const MIDDLEWARE = /^traefik\.http\.middlewares\.([^.]+)\.([^.]+)(\.(.+))?$/i;
const SERVICE = /^traefik\.http\.services\.([^.]+)\.(.+)$/i;
const STATIC_MIDDLEWARES = /^entrypoints\.([^.]+)\.http\.middlewares$/i;
const STATIC_TLS = /^entrypoints\.([^.]+)\.http\.tls(\..+)?$/i;

export const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** Labels of the service with where each is written (`deploy.labels` is what Swarm-mode Traefik reads). */
function labelsOf(service: Service): { key: string; value: string; at: Path }[] {
  const out = Object.entries(service.labels ?? {}).map(([key, value]) => ({
    key,
    value,
    at: ['labels', key] as Path,
  }));
  for (const [key, value] of Object.entries(service.deploy?.labels ?? {}))
    out.push({ key, value, at: ['deploy', 'labels', key] });
  return out;
}

function parseService(stack: StackFacts, name: string, service: Service) {
  const routers = new Map<string, Map<string, { value: string; at: Path }>>();
  const middlewares: Middleware[] = [];
  const mws = new Map<string, { kinds: Set<string>; chain: string[]; at: Path }>();
  const serviceNames = new Set<string>();
  let hasServerPort = false;
  let enabled: boolean | undefined;
  for (const { key, value, at } of labelsOf(service)) {
    if (key.toLowerCase() === 'traefik.enable') enabled = value.trim().toLowerCase() === 'true';
    const router = ROUTER.exec(key);
    if (router?.[1] && router[2]) {
      const options = routers.get(router[1]) ?? new Map<string, { value: string; at: Path }>();
      options.set(router[2].toLowerCase(), { value, at });
      routers.set(router[1], options);
      continue;
    }
    const mw = MIDDLEWARE.exec(key);
    if (mw?.[1] && mw[2]) {
      const entry = mws.get(mw[1]) ?? { kinds: new Set<string>(), chain: [], at };
      const kind = mw[2].toLowerCase();
      entry.kinds.add(kind);
      if (kind === 'chain' && mw[4]?.toLowerCase() === 'middlewares') entry.chain.push(...list(value));
      mws.set(mw[1], entry);
      continue;
    }
    const svc = SERVICE.exec(key);
    if (svc?.[1] && svc[2]) {
      serviceNames.add(svc[1]);
      if (svc[2].toLowerCase() === 'loadbalancer.server.port') hasServerPort = true;
    }
  }
  for (const [mwName, entry] of mws) middlewares.push({ stack, service: name, name: mwName, ...entry });
  const parsed: Router[] = [...routers].map(([routerName, options]) => {
    const value = (option: string) => options.get(option)?.value;
    const rule = value('rule');
    return {
      stack,
      service: name,
      name: routerName,
      options: new Map([...options].map(([k, v]) => [k, v.value])),
      ...(rule !== undefined ? { rule } : {}),
      entrypoints: list(value('entrypoints')),
      middlewares: list(value('middlewares')),
      tls: [...options.keys()].some((k) =>
        k === 'tls' ? value('tls')?.toLowerCase() !== 'false' : k.startsWith('tls.'),
      ),
      at: (option?: string) => (option ? options.get(option)?.at : undefined) ?? ['labels'],
    };
  });
  return {
    traefik: {
      stack,
      name,
      service,
      enabled,
      routers: parsed,
      serviceNames: [...serviceNames],
      hasServerPort,
    },
    middlewares,
  };
}

/** `--entrypoints.web.http.middlewares=a,b` (command) and `TRAEFIK_ENTRYPOINTS_WEB_HTTP_MIDDLEWARES` (env). */
function staticSettings(service: Service): [string, string][] {
  const out: [string, string][] = [];
  for (const arg of [...(service.entrypoint ?? []), ...(service.command ?? [])]) {
    const m = /^--([^=]+)(=(.*))?$/.exec(arg);
    if (m?.[1]) out.push([m[1], m[3] ?? 'true']);
  }
  for (const [key, value] of Object.entries(envOf(service))) {
    const m = /^TRAEFIK_ENTRYPOINTS_([A-Z0-9-]+)_HTTP_(MIDDLEWARES|TLS(_.+)?)$/i.exec(key);
    if (m?.[1] && m[2])
      out.push([`entrypoints.${m[1]}.http.${m[2].toLowerCase().replace(/_/g, '.')}`, value]);
  }
  return out;
}

export function readEstate(snapshot: Snapshot): Estate {
  const services: TraefikService[] = [];
  const middlewares = new Map<string, Middleware>();
  const entrypointMiddlewares = new Map<string, string[]>();
  const tlsEntrypoints = new Set<string>();
  for (const stack of snapshot.stacks) {
    for (const [name, service] of Object.entries(stack.loaded.model.services ?? {})) {
      const parsed = parseService(stack, name, service);
      services.push(parsed.traefik);
      // Docker-provider middlewares are global to the Traefik instance, whichever container declares them.
      for (const mw of parsed.middlewares) if (!middlewares.has(mw.name)) middlewares.set(mw.name, mw);
      for (const [key, value] of staticSettings(service)) {
        const mws = STATIC_MIDDLEWARES.exec(key);
        if (mws?.[1]) entrypointMiddlewares.set(mws[1].toLowerCase(), list(value));
        const tls = STATIC_TLS.exec(key);
        if (tls?.[1] && value.toLowerCase() !== 'false') tlsEntrypoints.add(tls[1].toLowerCase());
      }
    }
  }
  return { services, middlewares, entrypointMiddlewares, tlsEntrypoints };
}

/** `name@provider` → its parts; a reference to this provider (`@docker`, `@swarm`) or none is local. */
export function middlewareRef(ref: string): { name: string; external: boolean } {
  const at = ref.lastIndexOf('@');
  if (at === -1) return { name: ref, external: false };
  const provider = ref.slice(at + 1).toLowerCase();
  return { name: ref.slice(0, at), external: provider !== 'docker' && provider !== 'swarm' };
}

/** Routers Traefik considers: those of services not switched off with `traefik.enable=false`. */
export function activeRouters(estate: Estate): Router[] {
  return estate.services.filter((s) => s.enabled !== false).flatMap((s) => s.routers);
}

/**
 * Every middleware applied to a router (its own, its entry points', and what chains expand to),
 * with the kinds known for each; external ones (`@file`…) are guessed from their name.
 */
export function appliedKinds(estate: Estate, router: Router): { refs: string[]; kinds: Set<string> } {
  const refs = [...router.middlewares];
  for (const ep of router.entrypoints)
    refs.push(...(estate.entrypointMiddlewares.get(ep.toLowerCase()) ?? []));
  const kinds = new Set<string>();
  const seen = new Set<string>();
  const visit = (ref: string) => {
    const { name, external } = middlewareRef(ref);
    if (seen.has(ref)) return;
    seen.add(ref);
    if (external) {
      if (/header|secur/i.test(name)) kinds.add('headers');
      if (/rate|limit/i.test(name)) kinds.add('ratelimit');
      return;
    }
    const def = estate.middlewares.get(name);
    for (const kind of def?.kinds ?? []) kinds.add(kind);
    for (const inner of def?.chain ?? []) visit(inner);
  };
  for (const ref of refs) visit(ref);
  return { refs, kinds };
}

/** Names of every middleware some router, chain or entry point refers to. */
export function referencedMiddlewares(estate: Estate): Set<string> {
  const out = new Set<string>();
  const add = (ref: string) => out.add(middlewareRef(ref).name);
  for (const s of estate.services) for (const r of s.routers) r.middlewares.forEach(add);
  for (const mw of estate.middlewares.values()) mw.chain.forEach(add);
  for (const refs of estate.entrypointMiddlewares.values()) refs.forEach(add);
  return out;
}

/** A hit on a router, located at one of its options; evidence names the router and the problem. */
export const routerHit = (
  r: Router,
  option: string | undefined,
  problem: string,
  message: string,
  fix: string,
): Hit => serviceHit(r.stack, r.service, r.at(option), `router=${r.name},${problem}`, message, fix);

/** The label that sets a router option, as a fix shows it. */
export const label = (r: Router, option: string, value: string) =>
  `traefik.http.routers.${r.name}.${option}=${value}`;
