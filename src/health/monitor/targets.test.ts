import { describe, expect, it } from 'vitest';
import { containerInfo } from '../../../test/support/health-fixtures.js';
import type { ContainerInfo } from '../../engine/model.js';
import { envRecord, portAddress } from './targets.js';

const info = (o: Partial<ContainerInfo>): ContainerInfo =>
  containerInfo({ name: 'shop-web-1', labels: {}, ...o });

describe('portAddress', () => {
  it('prefers a port published on this machine, at loopback', () => {
    const c = info({
      ports: [{ containerPort: 80, protocol: 'tcp', hostIp: '0.0.0.0', hostPort: 18080 }],
      networks: { n: { networkId: 'n', aliases: [], ipAddress: '172.18.0.5', ipv6Address: '' } },
    });
    expect(portAddress(c, 80)).toEqual({ host: '127.0.0.1', port: 18080 });
  });

  it('falls back to the container address for an unpublished port, or one bound elsewhere', () => {
    const c = info({
      ports: [{ containerPort: 80, protocol: 'tcp', hostIp: '10.0.0.9', hostPort: 18080 }],
      networks: { n: { networkId: 'n', aliases: [], ipAddress: '172.18.0.5', ipv6Address: '' } },
    });
    expect(portAddress(c, 80)).toEqual({ host: '172.18.0.5', port: 80 });
    expect(portAddress(c, 9000)).toEqual({ host: '172.18.0.5', port: 9000 });
    expect(portAddress(info({}), 80)).toBeUndefined();
  });
});

describe('envRecord', () => {
  it('splits at the first =', () => {
    expect(envRecord(['A=1', 'B=x=y', 'C=', 'bad'])).toEqual({ A: '1', B: 'x=y', C: '' });
  });
});
