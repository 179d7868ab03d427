// Option parsers the command definitions share. Light on purpose: main loads every definition.

/** A repeatable option (`--profile a --profile b`): the values in order. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
