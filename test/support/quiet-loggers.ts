import { Writable } from 'node:stream';
import { createLoggers, type Loggers } from '../../src/log/index.js';

/** Loggers that write nothing: for servers started by tests whose log is not under test. */
export function quietLoggers(): Loggers {
  return createLoggers(
    { base: 'silent', components: {} },
    new Writable({
      write(_c, _e, done) {
        done();
      },
    }),
  );
}
