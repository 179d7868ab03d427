export interface ParsedArgs {
  flags: Set<string>;
  values: Map<string, string>;
  positional: string[];
  unknown: string[];
}

// Tiny parser: benchmarks take a handful of options, commander would be
// heavier than the code it parses for.
export function parseArgs(
  args: readonly string[],
  spec: { flags: readonly string[]; values: readonly string[] },
): ParsedArgs {
  const parsed: ParsedArgs = { flags: new Set(), values: new Map(), positional: [], unknown: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const [name, inline] = arg.startsWith('--') ? splitOnce(arg, '=') : [arg, undefined];
    if (spec.flags.includes(name) && inline === undefined) parsed.flags.add(name);
    else if (spec.values.includes(name)) {
      const value = inline ?? args[++i];
      if (value === undefined) parsed.unknown.push(arg);
      else parsed.values.set(name, value);
    } else if (arg.startsWith('-')) parsed.unknown.push(arg);
    else parsed.positional.push(arg);
  }
  return parsed;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

export function positiveInt(text: string | undefined, fallback: number): number | undefined {
  if (text === undefined) return fallback;
  const value = Number(text);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}
