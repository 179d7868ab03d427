import { afterEach, describe, expect, it } from 'vitest';
import { CONTAINERS, TableStacks } from '../../test/support/control.js';
import { type TestBrowser, webFixture } from '../../test/support/web-app.js';

// The stack page's Prune images: a confirmation with the dry run, then the prune through the API,
// its result shown by the page the POST redirects to (a reload shows it again, prunes nothing).

let f: Awaited<ReturnType<typeof webFixture>> | undefined;
afterEach(() => f?.close());

async function setUp(stacks: TableStacks, user = 'operator'): Promise<TestBrowser> {
  f = await webFixture({ stacks });
  const b = f.browser();
  await b.login(user);
  return b;
}

const items = (html: string) =>
  [...html.matchAll(/<li data-image="[0-9a-f]{12}" data-keep="(true|false)">([^<]*)<\/li>/g)].map((m) => [
    m[1],
    m[2],
  ]);

describe('pruning images from the dashboard', () => {
  it('confirms with the dry run, prunes on the button, shows what went; a reload prunes nothing again', async () => {
    const stacks = new TableStacks(CONTAINERS);
    const b = await setUp(stacks);
    expect((await b.get('/stacks/alpha')).text).toContain(
      '<form method="get" action="/stacks/alpha/images" class="inline"><button type="submit">Prune images</button></form>',
    );
    const confirm = await b.get('/stacks/alpha/images');
    expect(confirm.status).toBe(200);
    expect(items(confirm.text)).toEqual([
      ['true', 'keep bbbbbbbbbbbb alpha-web:latest (web, 5.0 MB): used by container alpha-web-1'],
      [
        'false',
        'remove aaaaaaaaaaaa alpha-web (untagged now) (web, 5.0 MB): web: deployed 2026-12-01 10:00, older than the 3 newest deployed versions',
      ],
    ]);
    expect(confirm.text).toContain(
      'Would remove 1 image, 5.0 MB to free, keeping 3 deployed versions per service.',
    );
    expect(confirm.text).toMatch(
      /<form method="post" action="\/stacks\/alpha\/images" class="actions"><input type="hidden" name="csrf" value="[^"]+"\/><button type="submit" class="danger">Confirm prune<\/button>/,
    );
    expect(stacks.calls.filter((c) => c.op === 'prune-images').map((c) => c.options)).toEqual([
      { dryRun: true },
    ]);

    const done = await b.post('/stacks/alpha/images', { csrf: b.csrf() });
    expect(done.location).toMatch(/^\/stacks\/alpha\/images\?done=/);
    const page = await b.get(done.location ?? '');
    expect(page.text).toContain('<h1>Pruned images of alpha</h1>');
    expect(items(page.text)[1]?.[1]).toMatch(/^removed aaaaaaaaaaaa/);
    expect(page.text).toContain('Removed 1 image, 5.0 MB freed, keeping 3 deployed versions per service.');
    expect(page.text).not.toContain('Confirm prune');
    // A reload shows the result again and prunes nothing; a notice the session does not have, says so.
    expect(items((await b.get(done.location ?? '')).text)).toEqual(items(page.text));
    const unknown = await b.get('/stacks/alpha/images?done=nope');
    expect(unknown.text).toContain('This result has expired or belongs to another session');
    expect(stacks.calls.filter((c) => c.op === 'prune-images').map((c) => c.options)).toEqual([
      { dryRun: true },
      { dryRun: false },
    ]);
  });

  it('shows a viewer no button and no form, and refuses a forged POST with the API’s 403', async () => {
    const stacks = new TableStacks(CONTAINERS);
    const b = await setUp(stacks, 'viewer');
    expect((await b.get('/stacks/alpha')).text).not.toContain('Prune images');
    const confirm = await b.get('/stacks/alpha/images');
    expect(confirm.status).toBe(403);
    expect(confirm.text).toContain('needs the operator role');
    const forged = await b.submit('/stacks/alpha/images', { csrf: b.csrf() });
    expect(forged.status).toBe(403);
    expect(stacks.calls.filter((c) => c.op === 'prune-images')).toEqual([]);
  });
});
