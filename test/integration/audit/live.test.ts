import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinXBerthRegistry } from '../../../src/app/registry.js';
import { collectLive } from '../../../src/audit/live.js';
import { SECURITY_RULES } from '../../../src/audit/rules/security.js';
import { STANDARDS_RULES } from '../../../src/audit/rules/standards.js';
import { runAudit } from '../../../src/audit/run.js';
import { takeSnapshot } from '../../../src/audit/snapshot.js';
import type { Finding } from '../../../src/audit/types.js';
import { BerthLabel, containerLabels } from '../../../src/engine/model.js';
import { SPEC_DEFAULTS } from '../../../src/engine/spec-defaults.js';
import { type DeployHarness, startHarness } from '../deploy/support.js';
import { BUSYBOX } from '../engine/support.js';

// The live rules against the real engine: a stack deployed by Berth, one of its services stopped
// afterwards, and a container carrying the stack's labels for a service the file does not declare.
// The stack has a unique name (`bt-<hex>`); cleanup removes only what carries that name's label.

const COMPOSE = `services:
  web:
    image: ${BUSYBOX}
    command: ["sleep", "600"]
    stop_signal: SIGKILL
  worker:
    image: ${BUSYBOX}
    command: ["sleep", "600"]
    stop_signal: SIGKILL
`;

let h: DeployHarness;
let stack: string;
let dir: string;

beforeAll(async () => {
  h = await startHarness();
  stack = h.stackName();
  dir = h.writeStack(COMPOSE);
  const result = await h.deploy(await h.load(dir, stack));
  if (result.outcome !== 'succeeded') throw new Error(`deploy of ${stack} ended ${result.outcome}`);
});

afterAll(async () => {
  await h?.cleanup();
});

const LIVE = ['declared-not-running', 'running-not-declared'];

async function liveFindings(): Promise<{ findings: Finding[]; running?: number; declared?: number }> {
  const live = await collectLive(h.engine);
  const { snapshot } = await takeSnapshot(
    dir,
    { env: { COMPOSE_PROJECT_NAME: stack }, registry: builtinXBerthRegistry() },
    live,
  );
  expect(snapshot.stacks.map((s) => s.name)).toEqual([stack]);
  const rules = [...STANDARDS_RULES, ...SECURITY_RULES];
  const result = runAudit(snapshot, rules, { failOn: 'critical' });
  // Every rule ran but the mail ones, which need the DNS lookups of `--dns` (no mail domain here).
  expect(result.skipped.map((s) => s.rule)).toEqual(rules.filter((r) => r.dns).map((r) => r.id));
  return {
    findings: result.findings.filter((f) => LIVE.includes(f.rule)),
    ...(result.summary.running !== undefined ? { running: result.summary.running } : {}),
    ...(result.summary.declared !== undefined ? { declared: result.summary.declared } : {}),
  };
}

describe.sequential('berth audit --live on a stack deployed by Berth', () => {
  it('finds nothing live to report while every declared service runs', async () => {
    const { findings, running, declared } = await liveFindings();
    expect(findings).toEqual([]);
    expect({ running, declared }).toEqual({ running: 2, declared: 2 });
  });

  it('reports a declared service whose container was stopped', async () => {
    const [worker] = await h.engine.containers.list({
      [BerthLabel.Stack]: stack,
      [BerthLabel.Service]: 'worker',
    });
    if (!worker) throw new Error(`no worker container in ${stack}`);
    await h.engine.containers.stop(worker.id, 0);

    const { findings, running } = await liveFindings();
    expect(findings.map((f) => [f.rule, f.stack, f.service])).toEqual([
      ['declared-not-running', stack, 'worker'],
    ]);
    expect(findings[0]?.message).toContain('worker');
    expect(findings[0]?.message).toMatch(/exited/);
    expect(running).toBe(1);
  });

  it('reports a running container labelled for the stack whose service is not declared', async () => {
    const labels = containerLabels({
      stack,
      service: 'ghost',
      replica: 1,
      configHash: '0'.repeat(32),
      role: 'current',
    });
    const { id } = await h.engine.containers.create({
      name: `${stack}-ghost-1`,
      image: BUSYBOX,
      command: ['sleep', '600'],
      ...SPEC_DEFAULTS,
      labels,
      networks: [],
      stopSignal: 'SIGKILL',
    });
    await h.engine.containers.start(id);

    const { findings } = await liveFindings();
    expect(findings.map((f) => [f.rule, f.stack, f.service]).sort()).toEqual([
      ['declared-not-running', stack, 'worker'],
      ['running-not-declared', stack, 'ghost'],
    ]);
    const ghost = findings.find((f) => f.rule === 'running-not-declared');
    expect(ghost?.message).toContain(`${stack}-ghost-1`);
    expect(ghost?.severity).toBe('medium');
  });
});
