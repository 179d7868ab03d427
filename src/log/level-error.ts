import { type LevelProblem, levelProblemWords } from './levels.js';

/** One level setting that cannot be used, as a coded error: the code, what is wrong, what is valid. */
export class LevelProblemError extends Error {
  readonly code: LevelProblem['code'];
  readonly hint: string;
  readonly problem: LevelProblem;

  constructor(problem: LevelProblem) {
    const { message, hint } = levelProblemWords(problem);
    super(message);
    this.name = 'LevelProblemError';
    this.code = problem.code;
    this.hint = hint;
    this.problem = problem;
  }
}

/**
 * The level settings of a run that cannot be used (`--log-level`, `BERTH_LOG_LEVEL`,
 * `BERTH_LOG_LEVEL_<COMPONENT>`): thrown before anything is built, so a command that logs in-process
 * refuses to start, as `berth serve` does. One coded error per problem in `errors`; its own code and
 * hint are the first one's.
 */
export class LogLevelError extends AggregateError {
  readonly code: LevelProblem['code'];
  readonly hint: string;
  declare errors: LevelProblemError[];

  constructor(problems: readonly [LevelProblem, ...LevelProblem[]]) {
    const errors = problems.map((p) => new LevelProblemError(p));
    const first = errors[0] as LevelProblemError;
    super(errors, first.message);
    this.name = 'LogLevelError';
    this.code = first.code;
    this.hint = first.hint;
  }
}

/** Throws a LogLevelError naming every setting that cannot be used, if there is one. */
export function refuseLevelProblems(problems: readonly LevelProblem[]): void {
  const [first, ...rest] = problems;
  if (first) throw new LogLevelError([first, ...rest]);
}
