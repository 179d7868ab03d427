// What every benchmark receives: configuration is passed in, never read from
// the environment by the benchmark itself.
export interface BenchContext {
  repoRoot: string;
  env: Readonly<Record<string, string | undefined>>;
  out: (line: string) => void;
}

export interface BenchModule {
  // Returns the process exit code: 0 ran, 2 bad usage, 1 could not measure.
  run(args: readonly string[], context: BenchContext): Promise<number>;
}
