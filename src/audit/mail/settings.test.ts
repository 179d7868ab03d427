import { describe, expect, it } from 'vitest';
import { writeTree } from '../../../test/support/tree.js';
import { builtinXBerthRegistry } from '../../app/registry.js';
import { SpecCode } from '../../compose/diagnostics.js';
import { loadWorkspace } from '../../compose/stack.js';
import { validateXBerth } from '../../compose/xberth/registry.js';
import { isResolverAddress, mailSettings } from './settings.js';

const registry = builtinXBerthRegistry();
const validate = (mail: unknown) => validateXBerth(registry, 'stack', { mail }, ['x-berth']);

describe('x-berth.mail', () => {
  it('takes a domain (lower-cased, final dot dropped), the DKIM selectors and an optional resolver', () => {
    const r = validate({
      domain: 'Mail.Example.COM.',
      dkim_selectors: ['mautic', 's1.mail'],
      resolver: '9.9.9.9',
    });
    expect(r.findings).toEqual([]);
    expect(mailSettings(r.values)).toEqual({
      domain: 'mail.example.com',
      dkim_selectors: ['mautic', 's1.mail'],
      resolver: '9.9.9.9',
    });
    expect(mailSettings(validate({ domain: 'example.com', dkim_selectors: [] }).values)).toEqual({
      domain: 'example.com',
      dkim_selectors: [],
    });
  });

  it('refuses what cannot be looked up, at the key that is wrong', () => {
    const cases: [unknown, (string | number)[]][] = [
      [{ domain: 'localhost', dkim_selectors: [] }, ['domain']],
      [{ domain: 'exa mple.com', dkim_selectors: [] }, ['domain']],
      [{ domain: 'example.com' }, ['dkim_selectors']],
      [{ domain: 'example.com', dkim_selectors: ['bad selector'] }, ['dkim_selectors', 0]],
      [{ domain: 'example.com', dkim_selectors: [], resolver: 'dns.google' }, ['resolver']],
      [{ domain: 'example.com', dkim_selectors: [], dmarc: true }, ['dmarc']],
    ];
    for (const [mail, at] of cases) {
      const r = validate(mail);
      expect(
        r.findings.map((f) => [f.code, f.path]),
        JSON.stringify(mail),
      ).toEqual([[expect.stringMatching(/XBERTH/), ['x-berth', 'mail', ...at]]]);
      expect(mailSettings(r.values)).toBeUndefined();
    }
  });

  it('is a stack setting only', () => {
    const r = validateXBerth(registry, 'service', { mail: { domain: 'example.com', dkim_selectors: [] } }, [
      'services',
      'web',
      'x-berth',
    ]);
    expect(r.findings).toHaveLength(1);
  });

  it('is located in the compose file by the stack loader', async () => {
    const root = await writeTree({
      'compose.yaml':
        'services:\n  web:\n    image: nginx:1\nx-berth:\n  mail:\n    domain: example.com\n    dkim_selectors: [mautic]\n    resolver: "1.1.1.1:99999"\n',
    });
    const load = await loadWorkspace(root, { env: {}, registry });
    expect(load.diagnostics).toEqual([
      expect.objectContaining({ code: SpecCode.XBerthInvalid, line: 8, file: `${root}/compose.yaml` }),
    ]);
  });
});

describe('isResolverAddress', () => {
  it('takes an IP address, ip:port and [ipv6]:port', () => {
    for (const ok of ['1.1.1.1', '127.0.0.1:5353', '2001:db8::1', '[2001:db8::1]:53'])
      expect(isResolverAddress(ok), ok).toBe(true);
    for (const bad of [
      '',
      'dns.google',
      '1.1.1.1:0',
      '1.1.1.1:65536',
      '2001:db8::1:53x',
      '[1.1.1.1]:53',
      '1.1.1',
    ])
      expect(isResolverAddress(bad), bad).toBe(false);
  });
});
