import { describe, expect, it } from 'vitest';
import { SpecCode } from '../diagnostics.js';
import { parseYaml } from './yaml.js';

function ok(text: string) {
  const r = parseYaml('f.yaml', text);
  if (!r.ok) throw new Error(`expected ok: ${JSON.stringify(r.diagnostics)}`);
  return r.doc;
}

function codes(text: string) {
  const r = parseYaml('f.yaml', text);
  return { ok: r.ok, codes: r.diagnostics.map((d) => d.code), diags: r.diagnostics };
}

describe('parseYaml', () => {
  it('locates keys and values with 1-based line and column', () => {
    const doc = ok('services:\n  web:\n    image: nginx\n    helthcheck:\n      test: x\n');
    expect(doc.locate(['services', 'web', 'helthcheck'], 'key')).toEqual({ line: 4, column: 5 });
    expect(doc.locate(['services', 'web', 'image'], 'value')).toEqual({ line: 3, column: 12 });
    expect(doc.locate(['services', 'web', 'helthcheck', 'test'])).toEqual({ line: 5, column: 13 });
  });

  it('locates sequence items', () => {
    const doc = ok('ports:\n  - "80:80"\n  - 443\n');
    expect(doc.locate(['ports', 1])).toEqual({ line: 3, column: 5 });
  });

  it('falls back to the deepest existing ancestor key', () => {
    const doc = ok('services:\n  web:\n    image: nginx\n');
    expect(doc.locate(['services', 'web', 'missing', 'deeper'])).toEqual({ line: 2, column: 3 });
    expect(doc.has(['services', 'web', 'image'])).toBe(true);
    expect(doc.has(['services', 'web', 'missing'])).toBe(false);
  });

  it('applies << merge keys and locates merged keys in the anchor', () => {
    const doc = ok(
      'x-base: &base\n  restart: always\n  image: a\nservices:\n  web:\n    <<: *base\n    image: b\n',
    );
    expect(doc.value).toEqual({
      'x-base': { restart: 'always', image: 'a' },
      services: { web: { restart: 'always', image: 'b' } },
    });
    expect(doc.locate(['services', 'web', 'restart'], 'key')).toEqual({ line: 2, column: 3 });
    expect(doc.locate(['services', 'web', 'image'], 'key')).toEqual({ line: 7, column: 5 });
  });

  it('supports a list of merge sources', () => {
    const doc = ok('a: &a {x: 1}\nb: &b {y: 2}\nc:\n  <<: [*a, *b]\n');
    expect((doc.value as { c: unknown }).c).toEqual({ x: 1, y: 2 });
  });

  it('removes !reset values and records both directives', () => {
    const doc = ok('services:\n  web:\n    ports: !reset []\n    environment: !override\n      A: 1\n');
    expect(doc.value).toEqual({ services: { web: { environment: { A: 1 } } } });
    expect(doc.directives.reset).toEqual([['services', 'web', 'ports']]);
    expect(doc.directives.override).toEqual([['services', 'web', 'environment']]);
  });

  it('rejects duplicate keys with their position', () => {
    const r = codes('services:\n  web:\n    image: a\n    image: b\n');
    expect(r.ok).toBe(false);
    expect(r.codes).toEqual([SpecCode.YamlDuplicateKey]);
    expect(r.diags[0]).toMatchObject({ line: 4, column: 5 });
  });

  it('rejects an alias bomb quickly with a clear message', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    const names = 'abcdefghi';
    for (let i = 1; i < names.length; i++) {
      const prev = names[i - 1];
      levels.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const r = codes(`${levels.join('\n')}\n`);
    expect(r.ok).toBe(false);
    expect(r.codes).toEqual([SpecCode.YamlAliasLimit]);
    expect(r.diags[0]?.message).toMatch(/alias bomb/);
  });

  it('rejects deeply nested documents', () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const r = codes(deep);
    expect(r.ok).toBe(false);
    expect(r.codes).toContain(SpecCode.YamlTooDeep);
  });

  it('rejects several documents in one file', () => {
    expect(codes('a: 1\n---\nb: 2\n').codes).toEqual([SpecCode.YamlMultiDocument]);
  });

  it('reports syntax errors with a hint', () => {
    const r = codes('services:\n  web:\n   image: a\n  - b\n');
    expect(r.ok).toBe(false);
    expect(r.codes[0]).toBe(SpecCode.YamlSyntax);
    expect(r.diags[0]?.hint).not.toBe('');
    expect(r.diags[0]?.line).toBeGreaterThan(0);
  });

  it('warns about unknown tags but accepts the document', () => {
    const r = parseYaml('f.yaml', 'a: !custom 1\n');
    expect(r.ok).toBe(true);
    expect(r.diagnostics.map((d) => d.severity)).toEqual(['warning']);
  });
});

describe('parseYaml merge keys', () => {
  it('rejects a merge of a list with its position and a fix', () => {
    const r = parseYaml('f.yaml', 'a:\n  volumes: &v\n    - x:/x\nb:\n  <<: *v\n');
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]).toMatchObject({ code: SpecCode.YamlSyntax, line: 5, column: 3 });
    expect(r.diagnostics[0]?.message).toContain('refers to a list');
    expect(r.diagnostics[0]?.hint).toContain('volumes: *volumes');
  });

  it('rejects a list of merge sources holding a scalar', () => {
    const r = parseYaml('f.yaml', 'a: &a {x: 1}\nb: &b 3\nc:\n  <<: [*a, *b]\n');
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]?.message).toContain('the scalar 3');
  });
});
