import { afterEach, describe, expect, it } from 'vitest';
import { beginAlphaDbBackup, completeAlphaDbBackup } from '../../test/support/backup-fixtures.js';
import { type TestBrowser, webFixture } from '../../test/support/web-app.js';

// The stack page's task buttons (run a job, back up, drill) over the real jobs and backups API.
// The engine is down in this fixture: runs start as operations and end failed, saying why.

let f: Awaited<ReturnType<typeof webFixture>> | undefined;
afterEach(() => f?.close());

async function setUp(user = 'operator'): Promise<TestBrowser> {
  f = await webFixture({ tasks: true });
  const b = f.browser();
  await b.login(user);
  return b;
}

/** A backup of alpha/db in the store: completed (with its manifest) or failed. */
function seed(id: string, status: 'completed' | 'failed'): void {
  const store = f?.store;
  if (!store) throw new Error('no fixture');
  if (status === 'completed') {
    completeAlphaDbBackup(store, id, '2026-06-09T03:00:00.000Z');
    return;
  }
  beginAlphaDbBackup(store, id);
  store.backups.fail(id, 'the dump stopped');
}

const GOOD = '20260609T030000Z-00aa';
const BAD = '20260609T040000Z-00bb';

/** The one-button form posting to `action`, with its CSRF field and its button. */
const form = (action: string, label: string, name: string) =>
  new RegExp(
    `<form method="post" action="${action}" class="inline"><input type="hidden" name="csrf" value="[^"]+"/><button type="submit" aria-label="${name}">${label}</button></form>`,
  );
const outcomeOf = (html: string) => /<div id="outcome" data-outcome="([a-z-]+)"/.exec(html)?.[1];

describe('the stack page’s task buttons', () => {
  it('shows an operator Run now per job, Back up now per policy and Drill per completed backup', async () => {
    const b = await setUp();
    seed(GOOD, 'completed');
    seed(BAD, 'failed');
    const page = await b.get('/stacks/alpha');
    expect(page.status).toBe(200);
    expect(page.text).toMatch(
      form('/stacks/alpha/jobs/worker/cleanup/run', 'Run now', 'Run now: worker/cleanup'),
    );
    expect(page.text).toMatch(form('/stacks/alpha/backups/db/run', 'Back up now', 'Back up now: db'));
    expect(page.text).toMatch(form('/stacks/alpha/backups/cache/run', 'Back up now', 'Back up now: cache'));
    expect(page.text).toMatch(form(`/stacks/alpha/backups/${GOOD}/drill`, 'Drill', `Drill ${GOOD}`));
    expect(page.text).not.toContain(`/backups/${BAD}/drill`);
    expect(page.text).toContain(`value="${b.csrf()}"`);
    expect(page.text).toContain('<code>berth backup restore alpha ID</code>');
  });

  it('shows a viewer no buttons, and refuses a viewer’s forged POST with the API’s 403', async () => {
    const b = await setUp('viewer');
    seed(GOOD, 'completed');
    const page = await b.get('/stacks/alpha');
    expect(page.text).toContain('worker/cleanup');
    expect(page.text).toContain(`<tr data-backup="${GOOD}">`);
    expect(page.text).not.toMatch(/Run now|Back up now|aria-label="Drill/);
    expect(page.text).not.toContain('method="post" action="/stacks/alpha/');
    expect(page.text).toContain('<code>berth backup restore alpha ID</code>');
    for (const path of [
      '/stacks/alpha/jobs/worker/cleanup/run',
      '/stacks/alpha/backups/db/run',
      `/stacks/alpha/backups/${GOOD}/drill`,
    ]) {
      const forged = await b.submit(path, { csrf: b.csrf() });
      expect(forged.status, path).toBe(403);
      expect(forged.text).toContain('role="alert"');
      expect(forged.text).toMatch(/operator/);
    }
    // Nothing ran: an operator's run is the first operation.
    const operator = f?.browser();
    await operator?.login('operator');
    const started = await operator?.post('/stacks/alpha/jobs/worker/cleanup/run', { csrf: operator.csrf() });
    expect(started?.location).toBe('/stacks/alpha/operations/op-1');
    await f?.control.runner.idle();
  });

  it('runs a job now: 303 to its operation page, which ends failed with the engine’s message', async () => {
    const b = await setUp();
    const started = await b.post('/stacks/alpha/jobs/worker/cleanup/run', { csrf: b.csrf() });
    expect(started.status).toBe(303);
    expect(started.location).toMatch(/^\/stacks\/alpha\/operations\/op-\d+$/);
    await f?.control.runner.idle();
    const page = await b.get(started.location ?? '');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>Job run on alpha</h1>');
    expect(outcomeOf(page.text)).toBe('failed');
    expect(page.text).toMatch(/<span class="text">failed: [^<]*no engine in web tests/);
  });

  it('backs up now: the operation page says the backup failed and why', async () => {
    const b = await setUp();
    const started = await b.post('/stacks/alpha/backups/db/run', { csrf: b.csrf() });
    expect(started.status).toBe(303);
    await f?.control.runner.idle();
    const page = await b.get(started.location ?? '');
    expect(page.text).toContain('<h1>Backup of alpha</h1>');
    expect(outcomeOf(page.text)).toBe('failed');
    expect(page.text).toMatch(/<span class="text">failed: [^<]*no engine in web tests/);
  });

  it('shows the API’s refusal with its hint and starts nothing: unknown backup, no kind, no CSRF', async () => {
    const b = await setUp();
    const unknown = await b.submit('/stacks/alpha/backups/20260101T000000Z-0000/drill', { csrf: b.csrf() });
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('role="alert"');
    expect(unknown.text).toContain('20260101T000000Z-0000');
    const noKind = await b.submit('/stacks/alpha/backups/cache/run', { csrf: b.csrf() });
    expect(noKind.status).toBe(422);
    expect(noKind.text).toMatch(/<p class="hint">[^<]*kind/);
    const noCsrf = await b.post('/stacks/alpha/jobs/worker/cleanup/run', {});
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.text).toContain('this form is out of date');
    const wrongStack = await b.submit('/stacks/Not_A_Stack/jobs/worker/cleanup/run', { csrf: b.csrf() });
    expect(wrongStack.status).toBe(404);
    // Nothing ran: the first operation that does start is op-1.
    const started = await b.post('/stacks/alpha/jobs/worker/cleanup/run', { csrf: b.csrf() });
    expect(started.location).toBe('/stacks/alpha/operations/op-1');
    await f?.control.runner.idle();
  });
});
