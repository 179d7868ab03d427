import { describe, expect, it } from 'vitest';
import { ServiceSchema } from '../compose/schema/model.js';
import { containerSpec, type ResourceNames } from './container-spec.js';
import { fileSourcesOf, linkAliases } from './file-mounts.js';

const service = (raw: Record<string, unknown>) => ServiceSchema.parse({ image: 'busybox', ...raw });
// As the loader hands them over: `file:` made absolute, `external` resolved to a boolean.
const secretDefs = {
  db_password: { file: '/srv/shop/db-password.txt' },
  from_env: { environment: 'X', external: false },
};
const configDefs = { nginx_conf: { file: '/srv/shop/nginx.conf' }, gone: { file: '/x', external: true } };
const names: ResourceNames = {
  stack: 'shop',
  networks: { default: 'shop_default', back: 'shop_back' },
  volumes: {},
  image: 'busybox',
  files: fileSourcesOf(secretDefs, configDefs),
};
const specOf = (raw: Record<string, unknown>, over: Partial<ResourceNames> = {}) =>
  containerSpec('web', service(raw), 1, { ...names, ...over });
const ro = (source: string, target: string) => ({
  type: 'bind',
  source,
  target,
  readOnly: true,
  createHostPath: false,
});

describe('containerSpec: secrets and configs', () => {
  it('mounts a file secret read-only at /run/secrets/<name>, or <target>, as compose does', () => {
    expect(specOf({ secrets: ['db_password'] }).mounts).toEqual([
      ro('/srv/shop/db-password.txt', '/run/secrets/db_password'),
    ]);
    expect(specOf({ secrets: [{ source: 'db_password', target: 'pw' }] }).mounts).toEqual([
      ro('/srv/shop/db-password.txt', '/run/secrets/pw'),
    ]);
    expect(specOf({ secrets: [{ source: 'db_password', target: '/etc/pw' }] }).mounts).toEqual([
      ro('/srv/shop/db-password.txt', '/etc/pw'),
    ]);
  });

  it('mounts a file config read-only at its target, else /<name>', () => {
    expect(specOf({ configs: ['nginx_conf'] }).mounts).toEqual([ro('/srv/shop/nginx.conf', '/nginx_conf')]);
    expect(
      specOf({ configs: [{ source: 'nginx_conf', target: '/etc/nginx/nginx.conf', mode: '0440' }] }).mounts,
    ).toEqual([ro('/srv/shop/nginx.conf', '/etc/nginx/nginx.conf')]);
  });

  it('mounts nothing for sources that are not files (the loader reports them)', () => {
    expect(specOf({ secrets: ['from_env'], configs: ['gone'] }).mounts).toEqual([]);
  });

  it('keeps volumes first, then secrets, then configs', () => {
    const spec = specOf({ volumes: ['/a:/a'], secrets: ['db_password'], configs: ['nginx_conf'] });
    expect(spec.mounts.map((m) => m.target)).toEqual(['/a', '/run/secrets/db_password', '/nginx_conf']);
  });
});

describe('containerSpec: devices', () => {
  it('maps the short syntax: host path, target, permissions', () => {
    expect(
      specOf({ devices: ['/dev/null:/dev/xnull', '/dev/zero', '/dev/fuse:r', '/dev/a:/dev/b:rw'] }).devices,
    ).toEqual([
      { pathOnHost: '/dev/null', pathInContainer: '/dev/xnull' },
      { pathOnHost: '/dev/zero', pathInContainer: '/dev/zero' },
      { pathOnHost: '/dev/fuse', pathInContainer: '/dev/fuse', cgroupPermissions: 'r' },
      { pathOnHost: '/dev/a', pathInContainer: '/dev/b', cgroupPermissions: 'rw' },
    ]);
  });

  it('maps the long syntax and leaves CDI names out (the loader reports them)', () => {
    expect(
      specOf({
        devices: [{ source: '/dev/null', target: '/dev/xnull', permissions: 'r' }, 'nvidia.com/gpu=all'],
      }).devices,
    ).toEqual([{ pathOnHost: '/dev/null', pathInContainer: '/dev/xnull', cgroupPermissions: 'r' }]);
  });

  it('sets no devices field without devices', () => {
    expect(specOf({})).not.toHaveProperty('devices');
  });
});

describe('linkAliases', () => {
  const services = {
    web: service({ links: ['db:database', 'cache'], networks: ['back'] }),
    db: service({ networks: ['back', 'default'] }),
    cache: service({}),
    api: service({ links: ['db:database'], networks: ['back'] }),
    side: service({ links: ['cache:c'], network_mode: 'host' }),
  };

  it('gives the linked service its alias on the networks it shares with the linking one', () => {
    expect(linkAliases(services)).toEqual({ db: { back: ['database'] }, cache: {} });
  });

  it('adds the alias to the linked service container attachments', () => {
    const spec = containerSpec('db', services.db, 1, { ...names, linkAliases: { back: ['database'] } });
    expect(spec.networks).toEqual([
      { name: 'shop_back', aliases: ['db', 'database'] },
      { name: 'shop_default', aliases: ['db'] },
    ]);
  });
});
