/** The container runtime's words when an exec's argv[0] is not in the image. */
const NOT_FOUND = /executable file not found|not found in \$PATH/;

/** Whether the runtime said, in an exec's output, that its program is not in the image. Pure. */
export function runtimeSaysMissing(output: string): boolean {
  return NOT_FOUND.test(output);
}

/**
 * Whether an exec's result says its program is not in the image: exit 126 (not executable) or 127
 * (not found), or the runtime's own message in what it printed. Pure.
 */
export function isMissingProgram(exitCode: number, output: string): boolean {
  return exitCode === 126 || exitCode === 127 || runtimeSaysMissing(output);
}
