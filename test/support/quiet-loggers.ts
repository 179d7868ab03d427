import { Writable } from 'node:stream';
import { createLoggers, type Level, type Loggers } from '../../src/log/index.js';

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

/** Loggers at `level` whose every line is kept: `text()` is what the process's log would hold. */
export function capturedLoggers(level: Level): { loggers: Loggers; text: () => string } {
  let text = '';
  const loggers = createLoggers(
    { base: level, components: {} },
    new Writable({
      write(chunk, _encoding, done) {
        text += String(chunk);
        done();
      },
    }),
  );
  return { loggers, text: () => text };
}
