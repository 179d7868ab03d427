import type { DeployEvent } from '../deploy/events.js';
import { formatEvent } from './commands/render.js';
import { printable, printableLines } from './printable.js';

/** Where each service of a running deploy is, from its events: what a TTY progress line shows. */
export interface ProgressState {
  /** Services seen, in the order they first appeared, with their latest message. */
  readonly services: ReadonlyArray<{
    readonly service: string;
    readonly message: string;
    readonly done: boolean;
  }>;
}

export const EMPTY_PROGRESS: ProgressState = { services: [] };

const isDone = (e: DeployEvent): boolean =>
  (e.type === 'gate' && /^passed|ready:/.test(e.message)) || e.type === 'failure';

/** Pure: the state after one event. */
export function advance(state: ProgressState, e: DeployEvent): ProgressState {
  if (e.service === undefined) return state;
  const done = isDone(e);
  const known = state.services.some((s) => s.service === e.service);
  const services = known
    ? state.services.map((s) =>
        s.service === e.service ? { service: s.service, message: e.message, done: s.done || done } : s,
      )
    : [...state.services, { service: e.service, message: e.message, done }];
  return { services };
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Pure: the one status line under the event lines, cut to the terminal width. */
export function statusLine(state: ProgressState, frame: number, seconds: number, width: number): string {
  const busy = state.services.filter((s) => !s.done);
  const done = state.services.length - busy.length;
  const spinner = FRAMES[frame % FRAMES.length] ?? '';
  const now = busy.map((s) => `${s.service}: ${s.message}`).join(' · ') || 'working';
  const line = `${spinner} ${done}/${state.services.length} services ready · ${Math.floor(seconds)}s · ${now}`;
  return line.length > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line;
}

export interface ProgressOutput {
  readonly write: (text: string) => void;
  /** A terminal: event lines plus a live status line; otherwise plain event lines only. */
  readonly tty: boolean;
  readonly columns?: number;
}

/**
 * Shows deploy events: every event as a line (`[service] message`), and on a terminal a spinner
 * line below them with each service's state, redrawn in place. `stop()` clears it. `out` may be raw:
 * what comes from the server is made printable here, the only control characters are the redraws.
 */
export function progress(out: ProgressOutput, now: () => number = Date.now) {
  let state = EMPTY_PROGRESS;
  let frame = 0;
  const started = now();
  const clear = '\r\x1b[2K';
  const draw = () => {
    if (!out.tty) return;
    const line = statusLine(state, frame++, (now() - started) / 1000, (out.columns ?? 80) - 1);
    out.write(`${clear}${printable(line)}`);
  };
  const timer = out.tty ? setInterval(draw, 120) : undefined;
  timer?.unref();
  return {
    onEvent: (e: DeployEvent) => {
      state = advance(state, e);
      out.write(`${out.tty ? clear : ''}${printableLines(formatEvent(e))}`);
      draw();
    },
    stop: () => {
      if (timer) clearInterval(timer);
      if (out.tty) out.write(clear);
    },
  };
}
