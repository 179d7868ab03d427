import type { CatalogStack } from '../compose/load/catalog.js';
import type { Path } from '../compose/load/yaml.js';
import type { LoadedStack } from '../compose/stack.js';
import type { MailFacts } from './mail/facts.js';

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
/** Most severe first. */
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export type Category = 'standards' | 'security';

/** What the audit knows about one stack: its model plus the files around it. */
export interface StackFacts {
  readonly name: string;
  readonly dir: string;
  readonly loaded: LoadedStack;
  /** In the workspace catalog (berth.yaml), when there is one. */
  readonly inCatalog: boolean;
  readonly catalog?: CatalogStack;
  /** README.md, RUNBOOK.md or docs/ beside the compose file. */
  readonly hasReadme: boolean;
  /** `.env` files of the stack (its folder and its services' env_file), with their permission bits. */
  readonly envFiles: readonly { readonly path: string; readonly mode: number }[];
  /** `*.bak`, `*.orig`, `*~`, `*.swp` files beside the compose files. */
  readonly strayFiles: readonly string[];
}

/** What runs on the engine, when a server or engine is reachable (`--live`). */
export interface LiveFacts {
  readonly containers: readonly {
    readonly stack: string;
    readonly service: string;
    readonly name: string;
    /** Made by Berth (its `dev.berth.managed` label), not by `docker compose`: fixes say `berth up`. */
    readonly berth: boolean;
    readonly state: string;
    readonly restartCount: number;
    readonly image: string;
    readonly imageId: string;
    /** Tags of the image the container runs (for pinning fixes). */
    readonly imageTags: readonly string[];
    readonly imageDigests: readonly string[];
  }[];
  /** Per service with backups in Berth's state: how its latest restore drill went. */
  readonly backups?: readonly {
    readonly stack: string;
    readonly service: string;
    readonly lastDrill: 'passed' | 'failed';
    readonly at: string;
  }[];
  /** Why Berth's state was not read (the drills are then unknown, not absent). */
  readonly backupsUnread?: string;
}

export interface Snapshot {
  readonly root: string;
  /** The estate's name from the catalog (`name:` in berth.yaml), when it has one. */
  readonly name?: string;
  readonly catalogFile?: string;
  /** Catalog entries whose folder holds no stack. */
  readonly catalogOrphans: readonly {
    readonly name: string;
    readonly line: number;
    readonly column: number;
  }[];
  readonly stacks: readonly StackFacts[];
  readonly live?: LiveFacts;
  /**
   * What DNS says about the mail domain of each stack with `x-berth.mail` (SPF, DMARC, DKIM): looked
   * up with `--dns` or `--live`; absent: not looked up.
   */
  readonly mail?: readonly MailFacts[];
}

/** One thing a rule found. The runner turns it into a located, fingerprinted finding. */
export interface Hit {
  readonly stack: string;
  readonly service?: string;
  /** Where in the stack's compose files (located through the stack); or `file` for other files. */
  readonly path?: Path;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  /** Stable facts that identify the finding (never message text): part of the fingerprint. */
  readonly evidence: string;
  readonly message: string;
  /** The exact change for this case, when the rule can say it (else the rule's fix text). */
  readonly fix?: string;
}

export type AutofixKind = 'pin-image' | 'chmod-env' | 'no-new-privileges';

export interface Rule {
  /** Stable id, kebab-case; users suppress by it. */
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly category: Category;
  readonly rationale: string;
  readonly fix: string;
  readonly autofix?: AutofixKind;
  /** Needs live facts from the engine; skipped (and said so) without them. */
  readonly live?: boolean;
  /** Needs the DNS lookups of the mail domains (`snapshot.mail`); skipped (and said so) without them. */
  readonly dns?: boolean;
  check(snapshot: Snapshot): Hit[];
}

export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly category: Category;
  readonly title: string;
  readonly message: string;
  readonly stack: string;
  readonly service?: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly fingerprint: string;
  readonly fix: string;
  readonly evidence: string;
  readonly autofix?: AutofixKind;
}

export interface Suppressed extends Finding {
  readonly reason: string;
}

/**
 * Every rule id, fixed so rules, reports, fixtures and suppressions agree. Standards first, then the
 * security baseline. A rule marked (live) needs a reachable engine, one marked (dns) the DNS lookups of `--dns`.
 */
export const RULE_IDS = [
  // standards
  'image-not-pinned', // medium: `latest` or no tag; suggest the digest
  'env-file-permissions', // high: a .env file not mode 600
  'healthcheck-missing', // medium
  'healthcheck-timing', // low: timeout >= interval, retries < 2, no start_period on a slow starter
  'depends-on-not-healthy', // medium: depends on a service with a healthcheck, condition not service_healthy
  'traefik-router-incomplete', // medium: router without rule/entrypoints/tls/service, or an undefined middleware
  'public-route-unprotected', // high: a public router without security-headers and rate-limit middlewares
  'proxy-dashboard-insecure', // critical: --api.insecure=true / TRAEFIK_API_INSECURE=true
  'default-credentials', // critical: a secret-named setting with a known default value
  'hardcoded-secret', // high: a secret-named setting written literally in the compose file
  'secret-reused', // high: the same secret value in several stacks
  'no-resource-limits', // low
  'stack-no-readme', // low
  'stack-not-in-catalog', // medium
  'catalog-entry-missing', // high: catalog entry without a stack folder
  'volume-no-backup', // medium: a stateful named volume that no backup service of the stack mounts
  'db-port-public', // high: a database port published on all interfaces
  'bind-mount-data-dir', // low: a database data directory on a bind mount
  'stale-files', // low: *.bak, *.orig, *~ beside compose files
  'declared-not-running', // medium (live)
  'running-not-declared', // medium (live)
  'duplicate-database', // info: the same database engine set up in several stacks
  'mail-spf-missing', // high (dns): x-berth.mail.domain has no SPF record, several, or one receivers fail
  'mail-spf-permissive', // high (dns): SPF ends in +all or ?all, or without an all
  'mail-dmarc-missing', // high (dns): no DMARC policy, several, or an invalid one
  'mail-dmarc-not-enforced', // medium (dns): p=none, or pct under 100
  'mail-dkim-missing', // high (dns): a selector without a usable key, or no selector (unsigned mail)
  'mail-dkim-weak-key', // medium (dns): an RSA key under 2048 bits
  'mail-not-checked', // medium (dns): a mail lookup got no answer, or x-berth.mail is invalid: not checked
  // security baseline
  'docker-socket-mounted', // critical
  'privileged', // critical
  'dangerous-capability', // high
  'no-cap-drop-all', // low
  'host-namespace', // high: network/pid/ipc/userns host
  'no-new-privileges-missing', // medium
  'unconfined-profile', // high: seccomp/apparmor unconfined
  'sensitive-host-path', // high: /, /etc, /proc, /sys, /root, /boot, /dev, /var/run… or devices
  'no-pids-limit', // low
  'logging-disabled', // medium: logging driver none
  'no-restart-policy', // low
  'default-bridge', // low: network_mode bridge
  'runs-as-root', // info
  'writable-root-fs', // info
] as const;
export type RuleId = (typeof RULE_IDS)[number];
