import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { addNoNewPrivileges, setImage, type YamlEdit } from './fix-yaml.js';

const COMMENTED = `# Shop stack — keep this header
name: shop   # trailing comment, three spaces

x-common: &common
  restart: unless-stopped

services:
  web:
    <<: *common
    image: "nginx:latest"   # the web server
    ports:
    - "8080:80"
    environment: { A: "1", B: 'two' }
    command: ["nginx", "-g", "daemon off;"]

  # the database, see RUNBOOK
  db:
    image: postgres
    security_opt:
      - seccomp:default   # keep


  cache:
    image: 'redis'
    security_opt: [apparmor:docker-default]
    volumes:
      - cache:/data
volumes:
  cache: {}
`;

function text(edit: YamlEdit): string {
  if (!edit.ok) throw new Error(edit.why);
  return edit.text;
}

/** Lines of `after` not in `before`, and lines of `before` no longer in `after`, in order. */
function changedLines(before: string, after: string) {
  const a = before.split('\n');
  const b = after.split('\n');
  return { removed: a.filter((l) => !b.includes(l)), added: b.filter((l) => !a.includes(l)) };
}

describe('setImage', () => {
  it('changes only the image value, in its quoting style, and keeps its comment', () => {
    const after = text(setImage(COMMENTED, 'web', 'nginx:1.27.3'));
    expect(changedLines(COMMENTED, after)).toEqual({
      removed: ['    image: "nginx:latest"   # the web server'],
      added: ['    image: "nginx:1.27.3"   # the web server'],
    });
    expect(text(setImage(COMMENTED, 'db', 'postgres:16.4'))).toContain('\n    image: postgres:16.4\n');
    expect(text(setImage(COMMENTED, 'cache', 'redis:7.4.1'))).toContain("\n    image: 'redis:7.4.1'\n");
  });

  it('refuses what it cannot edit safely', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: compose interpolation syntax, not a JS template
    const interpolated = 'services:\n  web:\n    image: ${WEB_IMAGE:-nginx}\n';
    expect(setImage(interpolated, 'web', 'nginx:1')).toMatchObject({
      ok: false,
      why: expect.stringContaining('interpolated'),
    });
    expect(setImage(COMMENTED, 'nope', 'x:1')).toMatchObject({ ok: false });
    const anchored = 'x-img: &img nginx\nservices:\n  web:\n    image: *img\n';
    expect(setImage(anchored, 'web', 'nginx:1')).toMatchObject({ ok: false });
  });
});

describe('addNoNewPrivileges', () => {
  it('appends to a block list at its indentation, keeping the blank lines after it', () => {
    const after = text(addNoNewPrivileges(COMMENTED, 'db'));
    expect(after).toContain('      - seccomp:default   # keep\n      - no-new-privileges:true\n\n\n  cache:');
    expect(changedLines(COMMENTED, after)).toEqual({
      removed: [],
      added: ['      - no-new-privileges:true'],
    });
    // Every other byte as it was.
    expect(after.replace('      - no-new-privileges:true\n', '')).toBe(COMMENTED);
  });

  it('appends to a flow list', () => {
    const after = text(addNoNewPrivileges(COMMENTED, 'cache'));
    expect(changedLines(COMMENTED, after)).toEqual({
      removed: ['    security_opt: [apparmor:docker-default]'],
      added: ['    security_opt: [apparmor:docker-default, no-new-privileges:true]'],
    });
  });

  it('adds the key after the last key of a service without security_opt', () => {
    const after = text(addNoNewPrivileges(COMMENTED, 'web'));
    expect(after).toContain(
      `    command: ["nginx", "-g", "daemon off;"]\n    security_opt: [no-new-privileges:true]\n\n  # the database`,
    );
    expect(parse(after).services.web.security_opt).toEqual(['no-new-privileges:true']);
    expect(after.replace('    security_opt: [no-new-privileges:true]\n', '')).toBe(COMMENTED);
  });

  it('refuses a service that takes keys from a << merge key, whose security_opt it would replace', () => {
    const merged =
      'x-common: &common\n  image: a\n  security_opt: [apparmor:unconfined]\nservices:\n  a:\n    <<: *common\n    command: [sh]\n';
    expect(addNoNewPrivileges(merged, 'a')).toMatchObject({
      ok: false,
      why: expect.stringContaining('merge key'),
    });
  });

  it('handles a file without a final newline and CRLF files', () => {
    expect(text(addNoNewPrivileges('services:\n  web:\n    image: a', 'web'))).toBe(
      'services:\n  web:\n    image: a\n    security_opt: [no-new-privileges:true]',
    );
    const crlf = 'services:\r\n  web:\r\n    image: a\r\n';
    expect(text(addNoNewPrivileges(crlf, 'web'))).toBe(
      `${crlf}    security_opt: [no-new-privileges:true]\r\n`,
    );
  });

  it('does nothing the second time', () => {
    for (const service of ['web', 'db', 'cache']) {
      const once = text(addNoNewPrivileges(COMMENTED, service));
      expect(addNoNewPrivileges(once, service)).toMatchObject({
        ok: false,
        why: expect.stringContaining('already'),
      });
    }
  });

  it('refuses a flow-mapping service', () => {
    expect(addNoNewPrivileges('services:\n  web: { image: a }\n', 'web')).toMatchObject({ ok: false });
  });
});
