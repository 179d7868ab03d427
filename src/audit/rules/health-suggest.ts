import type { Service } from '../../compose/schema/model.js';
import { databaseEngine, imageBase, parseImage } from './helpers.js';

/**
 * A healthcheck test suited to the service's image, so the fix can be pasted: the database's own
 * client where the image is known to ship it, curl or wget only in images known to have it (nginx's
 * Debian images have curl; Alpine and BusyBox images have BusyBox's wget), and otherwise a test that
 * names no program, with a note to use one the image has. `test` is a compose `test:` entry; `note`
 * says what the operator must fill in. Pure.
 */
export interface SuggestedTest {
  readonly test: string;
  readonly note?: string;
}

const cmd = (...argv: string[]) => `test: [${['CMD', ...argv].map((a) => JSON.stringify(a)).join(', ')}]`;

/** The major version of a tag (`10.6-focal` → 10), or undefined (`latest`, `lts`, no tag). */
function majorOf(tag: string | undefined): number | undefined {
  const match = tag === undefined ? null : /^v?(\d+)(?:\.(\d+))?/.exec(tag);
  return match ? Number(match[1]) + Number(match[2] ?? 0) / 100 : undefined;
}

/** The first port the service answers on inside its container, if it says. */
function portOf(service: Service): string | undefined {
  const published = service.ports?.[0]?.target;
  if (published !== undefined) return String(published);
  return service.expose?.[0]?.split(/[-/]/)[0];
}

/** Images whose HTTP check tool is known: `curl` (nginx on Debian) or BusyBox `wget` (Alpine, BusyBox). */
function httpTool(image: string): 'curl' | 'wget' | undefined {
  const { name, tag } = parseImage(image);
  const base = imageBase(image);
  if (/alpine/.test(tag ?? '') || base === 'busybox' || base === 'alpine') return 'wget';
  // The official image only (`nginx`, `library/nginx`, `docker.io/library/nginx`): others are built differently.
  if (/^((docker\.io\/)?library\/)?nginx$/.test(name.toLowerCase())) return 'curl';
  return undefined;
}

function keyValueTest(image: string): SuggestedTest {
  const base = imageBase(image);
  const cli = base === 'valkey' ? 'valkey-cli' : base === 'keydb' ? 'keydb-cli' : 'redis-cli';
  return {
    test: cmd(cli, 'ping'),
    note: `with a password (requirepass), add "-a", "$$PASSWORD" before "ping"`,
  };
}

export function suggestedTest(service: Service): SuggestedTest {
  const image = service.image ?? '';
  const { name, tag } = parseImage(image);
  const base = image ? imageBase(image) : '';
  switch (databaseEngine(image || undefined)) {
    case 'postgres':
      return { test: 'test: ["CMD-SHELL", "pg_isready -U $${POSTGRES_USER:-postgres}"]' };
    case 'mysql': {
      // The official mariadb image ships healthcheck.sh (10.4 and later); other MySQL-family images do not.
      const official = /^((docker\.io\/)?library\/)?mariadb$/.test(name.toLowerCase());
      const version = majorOf(tag);
      if (official && (version === undefined || version >= 10.04))
        return { test: cmd('healthcheck.sh', '--connect', '--innodb_initialized') };
      return {
        test: cmd('mysqladmin', 'ping', '-h', 'localhost'),
        note: 'with a root password, add "--password=$$MYSQL_ROOT_PASSWORD" (or the variable the image reads)',
      };
    }
    case 'redis':
      return keyValueTest(image);
    case 'mongo': {
      // mongosh replaced the mongo shell: images before 5 have only `mongo`, from 6 only `mongosh`.
      const version = majorOf(tag);
      const shell = version !== undefined && version < 5 ? 'mongo' : 'mongosh';
      return { test: cmd(shell, '--quiet', '--eval', "db.adminCommand('ping')") };
    }
    case undefined:
      break;
  }
  if (base === 'redismod') return keyValueTest(image);
  const port = portOf(service);
  const tool = image ? httpTool(image) : undefined;
  const url = `http://localhost:${port ?? '<port>'}/`;
  if (tool === 'curl') return { test: cmd('curl', '-fsS', '-o', '/dev/null', url) };
  if (tool === 'wget') return { test: cmd('wget', '-q', '--spider', url) };
  return {
    test: cmd('<program>', '<args>'),
    note: `${image ? `the image ${image} is not known to have curl or wget` : 'the image is built here'}: use a program it has that fails when the service does not answer${port ? ` (on port ${port})` : ''}, such as its own health command`,
  };
}
