import { describe, expect, it } from 'vitest';
import type { JobRun } from '../api/jobs.js';
import { recordJobRun } from './jobs.js';
import { createMetrics } from './registry.js';

const run = (extra: Partial<JobRun>): JobRun => ({
  id: 1,
  stack: 'force1',
  service: 'web',
  job: 'send',
  trigger: 'schedule',
  status: 'succeeded',
  attempt: 1,
  startedAt: '2026-06-10T10:00:00.000Z',
  finishedAt: '2026-06-10T10:00:02.000Z',
  exitCode: 0,
  ...extra,
});

describe('job metrics', () => {
  it('keeps the last success time and the last exit code per job', async () => {
    const metrics = createMetrics();
    const record = recordJobRun(metrics);
    record(run({}));
    record(run({ status: 'failed', exitCode: 3, finishedAt: '2026-06-10T11:00:00.000Z' }));
    record(run({ status: 'skipped', exitCode: undefined }));
    const text = await metrics.registry.metrics();
    const labels = '{stack="force1",service="web",job="send"}';
    expect(text).toContain(
      `berth_job_last_success_timestamp_seconds${labels} ${Date.parse('2026-06-10T10:00:02Z') / 1000}`,
    );
    expect(text).toContain(`berth_job_last_exit_code${labels} 3`);
  });
});
