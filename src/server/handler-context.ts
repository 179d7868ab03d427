import type { Context } from 'hono';
import type { Principal } from '../access/rbac.js';
import { clientIp } from './audit-entries.js';
import type { AppEnv, Authenticator, CallerAccess } from './context.js';
import type { ParsedInput } from './input.js';
import type { AuditFacts, RequestContext } from './routes/registry.js';

/**
 * What a route's handler is given. The parts most handlers never use (the header setter, the audit
 * and header functions, the abort signal) are made when first read: a read of the stack list,
 * hundreds a second, then allocates one object instead of an object and four closures.
 * The functions work unbound (`const { setHeader } = ctx`): each getter returns a closure.
 */
export class HandlerContext implements RequestContext<unknown, unknown, unknown, Principal | undefined> {
  readonly params: unknown;
  readonly query: unknown;
  readonly body: unknown;
  /** Read at once: the socket's address is gone once it closes. */
  readonly ip: string;
  readonly #c: Context<AppEnv>;
  readonly #shutdown: AbortSignal | undefined;
  readonly #authenticator: Pick<Authenticator, 'current' | 'onChange'> | undefined;
  #headers: Array<[string, string]> | undefined;
  #facts: AuditFacts = {};
  #signal: AbortSignal | undefined;

  constructor(
    c: Context<AppEnv>,
    input: ParsedInput,
    readonly principal: Principal | undefined,
    readonly requestId: string,
    shutdown: AbortSignal | undefined,
    authenticator?: Pick<Authenticator, 'current' | 'onChange'>,
  ) {
    this.params = input.params;
    this.query = input.query;
    this.body = input.body;
    this.ip = clientIp(c);
    this.#c = c;
    this.#shutdown = shutdown;
    this.#authenticator = authenticator;
  }

  get setHeader(): (name: string, value: string) => void {
    return (name, value) => {
      this.#headers ??= [];
      this.#headers.push([name, value]);
    };
  }

  get audit(): (facts: AuditFacts) => void {
    return (more) => {
      const facts = this.#facts;
      this.#facts = { ...facts, ...more, detail: { ...facts.detail, ...more.detail } };
    };
  }

  /** Made only for the handlers that read it (streams, operations): AbortSignal.any costs ~20 µs. */
  get signal(): AbortSignal {
    const raw = this.#c.req.raw.signal;
    this.#signal ??= this.#shutdown ? AbortSignal.any([raw, this.#shutdown]) : raw;
    return this.#signal;
  }

  get header(): (name: string) => string | undefined {
    return (name) => this.#c.req.header(name);
  }

  /** The caller now: undefined on public routes; as authenticated when no authenticator was given. */
  get access(): CallerAccess {
    const { principal } = this;
    const authenticator = this.#authenticator;
    return {
      current: () =>
        principal === undefined || authenticator === undefined ? principal : authenticator.current(principal),
      onChange: (listener) => authenticator?.onChange(listener) ?? (() => {}),
    };
  }

  /** The headers the handler set, in order; empty when it set none. */
  headersSet(): readonly (readonly [string, string])[] {
    return this.#headers ?? [];
  }

  /** What the handler added to its audit entry. */
  auditFacts(): AuditFacts {
    return this.#facts;
  }
}
