import { basename, dirname, relative } from 'node:path';
import type { Hit, Rule, Snapshot, StackFacts } from '../types.js';
import { stackHit } from './helpers.js';

/** A path shown relative to its stack folder, so evidence does not depend on where the estate lives. */
function inStack(stack: StackFacts, path: string): string {
  const rel = relative(stack.dir, path);
  return rel === '' || rel.startsWith('..') ? basename(path) : rel.split('\\').join('/');
}

function fileHit(stack: StackFacts, file: string, evidence: string, message: string, fix: string): Hit {
  return { stack: stack.name, file, line: 0, column: 0, evidence, message, fix };
}

const octal = (mode: number) => (mode & 0o777).toString(8).padStart(3, '0');

export const envFilePermissions: Rule = {
  id: 'env-file-permissions',
  title: '.env file readable by other users',
  severity: 'high',
  category: 'standards',
  rationale:
    'A stack’s .env files hold its passwords and tokens; with group or world read bits, every ' +
    'account on the host (and every process running as one) can read them.',
  fix: 'chmod 600 the .env file.',
  autofix: 'chmod-env',
  check(snapshot) {
    const hits: Hit[] = [];
    for (const stack of snapshot.stacks) {
      for (const env of stack.envFiles) {
        if ((env.mode & 0o077) === 0) continue;
        const name = inStack(stack, env.path);
        const who = env.mode & 0o007 ? 'every user on the host' : 'the owning group';
        hits.push(
          fileHit(
            stack,
            env.path,
            `env-file=${name}`,
            `${name} is mode ${octal(env.mode)}: ${who} can read the stack's settings and secrets`,
            `chmod 600 ${env.path}`,
          ),
        );
      }
    }
    return hits;
  },
};

export const stackNoReadme: Rule = {
  id: 'stack-no-readme',
  title: 'Stack without a README',
  severity: 'low',
  category: 'standards',
  rationale:
    'Whoever is on call needs to know what a stack is for, who owns it and how to restore it; ' +
    'a README (or RUNBOOK, or docs/) beside the compose file is where they look.',
  fix: 'Add a README.md beside the compose file: purpose, owner, dependencies, backup and restore.',
  check(snapshot) {
    return snapshot.stacks
      .filter((stack) => !stack.hasReadme)
      .map((stack) =>
        stackHit(
          stack,
          'no-readme',
          `stack \`${stack.name}\` has no README.md, RUNBOOK.md or docs/ in ${stack.dir}`,
          `add ${stack.dir}/README.md: what ${stack.name} does, who owns it, how to back it up and restore it`,
        ),
      );
  },
};

function catalogEntry(snapshot: Snapshot, stack: StackFacts): string {
  const root = snapshot.catalogFile ? dirname(snapshot.catalogFile) : snapshot.root;
  const path = relative(root, stack.dir).split('\\').join('/') || '.';
  return `stacks:\n  ${stack.name}:\n    path: ${path}`;
}

export const stackNotInCatalog: Rule = {
  id: 'stack-not-in-catalog',
  title: 'Stack missing from the catalog',
  severity: 'medium',
  category: 'standards',
  rationale:
    'The catalog (berth.yaml) is the inventory of the estate: a stack folder it does not list has no ' +
    'owner or group on record and is left out of every catalog-driven operation.',
  fix: 'Add the stack to berth.yaml under `stacks:`.',
  check(snapshot) {
    const catalog = snapshot.catalogFile;
    if (!catalog) return [];
    return snapshot.stacks
      .filter((stack) => !stack.inCatalog)
      .map((stack) =>
        stackHit(
          stack,
          'not-in-catalog',
          `stack \`${stack.name}\` (${stack.dir}) is not listed in ${catalog}`,
          `add to ${catalog}:\n${catalogEntry(snapshot, stack)}`,
        ),
      );
  },
};

export const catalogEntryMissing: Rule = {
  id: 'catalog-entry-missing',
  title: 'Catalog entry without a stack',
  severity: 'high',
  category: 'standards',
  rationale:
    'A catalog entry whose folder holds no compose file is a stack the inventory promises and the host ' +
    'does not have: deleted, moved, or never committed.',
  fix: 'Restore the stack folder, fix its `path`, or remove the entry from berth.yaml.',
  check(snapshot) {
    const catalog = snapshot.catalogFile;
    if (!catalog) return [];
    return snapshot.catalogOrphans.map((orphan) => ({
      stack: orphan.name,
      file: catalog,
      line: orphan.line,
      column: orphan.column,
      evidence: `entry=${orphan.name}`,
      message: `catalog entry \`${orphan.name}\` points at a folder with no compose file`,
      fix: `restore the stack's compose file, correct \`stacks.${orphan.name}.path\`, or remove \`${orphan.name}\` from ${catalog}`,
    }));
  },
};

export const staleFiles: Rule = {
  id: 'stale-files',
  title: 'Stale backup or editor files beside compose files',
  severity: 'low',
  category: 'standards',
  rationale:
    'Copies like docker-compose.yml.bak or .env.orig are old configuration nobody maintains; they often ' +
    'hold old secrets and confuse whoever reads the folder next.',
  fix: 'Delete the file, or move it out of the stack folder (history belongs in version control).',
  check(snapshot) {
    const hits: Hit[] = [];
    for (const stack of snapshot.stacks) {
      for (const path of stack.strayFiles) {
        const name = inStack(stack, path);
        hits.push(
          fileHit(
            stack,
            path,
            `file=${name}`,
            `${name} is a leftover copy beside the compose files`,
            `rm ${path} (keep history in version control)`,
          ),
        );
      }
    }
    return hits;
  },
};
