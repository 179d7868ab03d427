// Reading what /proc says about a process, and what a shell argv may turn into (pure).

/** A container id as the engine reports it in full: the only form a cgroup path is matched on. */
export const FULL_ID = /^[0-9a-f]{64}$/;

/** True when a cgroup (or cpuset) text names the container `id` (64 hex digits) as a whole token. */
export function inContainerCgroup(text: string, id: string): boolean {
  if (!FULL_ID.test(id)) return false;
  let at = text.indexOf(id);
  while (at >= 0) {
    const before = text[at - 1];
    const after = text[at + id.length];
    if (
      (before === undefined || !/[0-9a-f]/.test(before)) &&
      (after === undefined || !/[0-9a-f]/.test(after))
    ) {
      return true;
    }
    at = text.indexOf(id, at + 1);
  }
  return false;
}

/** The arguments of a `/proc/<pid>/cmdline` text (NUL-separated, NUL-ended). */
export function parseCmdline(text: string): string[] {
  if (text === '') return [];
  const parts = text.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** The process ids listed in `children` files (whitespace-separated), without duplicates. */
export function parseChildren(text: string): number[] {
  const pids = text
    .split(/\s+/)
    .filter((word) => /^[1-9]\d*$/.test(word))
    .map(Number);
  return [...new Set(pids)];
}

const SHELLS = new Set(['sh', 'ash', 'bash', 'dash', 'ksh', 'mksh', 'zsh']);
const RESERVED = new Set(['!', '{', '}', 'if', 'then', 'else', 'elif', 'fi', 'case', 'esac', 'for', 'while']);
const WORD_PART = /^(?:[A-Za-z0-9_./:=@%+,-]+|'[^']*'|"[^"$`\\]*")/;

/**
 * The words of a script that is one plain command (no expansion, quoting only '…' and "…" without
 * `$`, backquote or backslash, no operator, redirection or assignment), optionally after `exec`;
 * `undefined` for anything else. A shell may replace itself with such a command (`exec`).
 */
export function simpleCommandWords(script: string): string[] | undefined {
  const words: string[] = [];
  let rest = script.replace(/^[ \t]+/, '');
  while (rest !== '') {
    let word = '';
    let part = WORD_PART.exec(rest);
    if (part === null) return undefined;
    while (part !== null) {
      const text = part[0];
      word += text.startsWith("'") || text.startsWith('"') ? text.slice(1, -1) : text;
      rest = rest.slice(text.length);
      part = WORD_PART.exec(rest);
    }
    if (rest !== '' && !/^[ \t]/.test(rest)) return undefined;
    words.push(word);
    rest = rest.replace(/^[ \t]+/, '');
  }
  if (words[0] === 'exec') words.shift();
  const first = words[0];
  if (first === undefined || RESERVED.has(first) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(first)) return undefined;
  return words;
}

/**
 * The command a shell argv (`[sh, …, -c, script, …]`) may have become by replacing itself with its
 * script's one command, e.g. `['sh', '-c', 'sleep 300']` → `['sleep', '300']`; else `undefined`.
 */
export function shellExecArgv(argv: readonly string[]): string[] | undefined {
  const shell = argv[0]?.split('/').pop() ?? '';
  if (!SHELLS.has(shell)) return undefined;
  const flag = argv.indexOf('-c', 1);
  const script = flag < 0 ? undefined : argv[flag + 1];
  return script === undefined ? undefined : simpleCommandWords(script);
}
