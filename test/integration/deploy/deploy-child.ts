// Runs one deployStack in its own process, for the kill -9 test: `node --import tsx deploy-child.ts <json>`
// with {dir, stack, env, statePath}. Prints the outcome as one JSON line (if it lives that long).
import { hostname } from 'node:os';
import { systemClock } from '../../../src/clock.js';
import { deployStack } from '../../../src/deploy/deploy.js';
import { connectEngine } from '../../../src/engine/index.js';
import { openStore } from '../../../src/store/index.js';
import { isAlive, loadStack } from './support.js';

interface ChildArgs {
  dir: string;
  stack: string;
  env: Record<string, string>;
  statePath: string;
}

const args = JSON.parse(process.argv[2] ?? '{}') as ChildArgs;
const clock = systemClock();
const store = openStore({ path: args.statePath, clock, isAlive });
const engine = await connectEngine({});
const loaded = await loadStack(args.dir, args.stack, args.env);
const owner = { pid: process.pid, host: hostname(), token: `child-${process.pid}` };
const result = await deployStack({ engine, store, clock, owner, pollMs: 250 }, loaded, {
  onEvent: (e) => process.stdout.write(`event ${e.type} ${e.service ?? ''} ${e.message}\n`),
});
process.stdout.write(`${JSON.stringify({ outcome: result.outcome })}\n`);
store.close();
