import { z } from 'zod';
import { closed, invalid, listOfStrings, namedMap, oneOf, show } from './common.js';
import { boolish, countish, duration } from './scalars.js';

const TEST_HINT =
  'start the list with CMD, CMD-SHELL or NONE, e.g. ["CMD", "curl", "-f", "http://localhost"]';

/**
 * `healthcheck` with durations in milliseconds. A string test is a shell command
 * (`['CMD-SHELL', s]`); `disable: true` or a test of `['NONE']` both mean disabled.
 */
export const healthcheck = closed({
  disable: boolish.optional(),
  interval: duration.optional(),
  retries: countish({ min: 0 }).optional(),
  // Checked on its own field, so a bad test is reported beside the healthcheck's other errors.
  test: z
    .union([z.string(), z.array(z.string())])
    .superRefine((test, ctx) => {
      const head = typeof test === 'string' ? 'CMD-SHELL' : test[0];
      if (head !== undefined && !['CMD', 'CMD-SHELL', 'NONE'].includes(head))
        invalid(ctx, `healthcheck test starts with ${show(head)}`, TEST_HINT);
    })
    .optional(),
  timeout: duration.optional(),
  start_period: duration.optional(),
  start_interval: duration.optional(),
}).transform(({ disable, test, ...rest }) => {
  const list = typeof test === 'string' ? ['CMD-SHELL', test] : test;
  const head = list?.[0];
  return {
    ...(list === undefined ? {} : { test: list }),
    ...rest,
    disable: disable === true || head === 'NONE',
  };
});

export const DEPENDENCY_CONDITIONS = [
  'service_started',
  'service_healthy',
  'service_completed_successfully',
] as const;

const longDependency = closed({
  restart: boolish.optional(),
  required: z.boolean().optional(),
  condition: oneOf(DEPENDENCY_CONDITIONS),
}).transform(({ condition, required, restart }) => ({
  condition,
  required: required ?? true,
  restart: restart ?? false,
}));

type Dependency = z.output<typeof longDependency>;

/** `depends_on` → map of service → condition; the list form means "started, required, no restart". */
export const dependsOn = z
  .union([listOfStrings, namedMap(longDependency, 'service')])
  .transform((value): Record<string, Dependency> => {
    if (!Array.isArray(value)) return value;
    const out: Record<string, Dependency> = {};
    for (const name of value) out[name] = { condition: 'service_started', required: true, restart: false };
    return out;
  });
