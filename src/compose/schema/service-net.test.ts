import { describe, expect, it } from 'vitest';
import { extraHosts, serviceNetworks } from './service-net.js';

describe('extra_hosts', () => {
  it('normalizes the list form (host:ip and host=ip, IPv6) in order', () => {
    expect(extraHosts.parse(['db:10.0.0.5', 'v6=[::1]', 'v6b:::1', 'h=1.2.3.4'])).toEqual([
      { host: 'db', ip: '10.0.0.5' },
      { host: 'v6', ip: '::1' },
      { host: 'v6b', ip: '::1' },
      { host: 'h', ip: '1.2.3.4' },
    ]);
  });

  it('expands a map entry with several addresses', () => {
    expect(extraHosts.parse({ db: '10.0.0.5', dual: ['10.0.0.6', '::6'] })).toEqual([
      { host: 'db', ip: '10.0.0.5' },
      { host: 'dual', ip: '10.0.0.6' },
      { host: 'dual', ip: '::6' },
    ]);
  });

  it('rejects entries without a separator and duplicates', () => {
    expect(extraHosts.safeParse(['justahost']).success).toBe(false);
    expect(extraHosts.safeParse(['a:1.1.1.1', 'a:1.1.1.1']).success).toBe(false);
    expect(extraHosts.safeParse({ '': '1.1.1.1' }).success).toBe(false);
  });
});

describe('service networks', () => {
  it('turns the list form and null entries into attachments with no aliases', () => {
    expect(serviceNetworks.parse(['front', 'back'])).toEqual({
      front: { aliases: [] },
      back: { aliases: [] },
    });
    expect(
      serviceNetworks.parse({
        front: null,
        back: { aliases: ['db'], ipv4_address: '10.0.0.2', priority: 10 },
      }),
    ).toEqual({
      front: { aliases: [] },
      back: { aliases: ['db'], ipv4_address: '10.0.0.2', priority: 10 },
    });
  });

  it('keeps driver options as text and rejects unknown keys and bad names', () => {
    expect(serviceNetworks.parse({ n: { driver_opts: { mtu: 1400 } } })).toEqual({
      n: { aliases: [], driver_opts: { mtu: '1400' } },
    });
    expect(serviceNetworks.safeParse({ n: { alias: ['x'] } }).success).toBe(false);
    expect(serviceNetworks.safeParse({ 'bad name': null }).success).toBe(false);
    expect(serviceNetworks.safeParse({ n: { priority: '10' } }).success).toBe(false);
  });
});
