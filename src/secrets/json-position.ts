/*
 * Where a JSON text first goes wrong. JSON.parse's message quotes the text around the fault (which
 * in a docker config.json may be a password), and node 20 often names no position: this scanner
 * names only the place, so an error can point at it and quote nothing.
 */

/** The offset of the first syntax error of `text`, or undefined when it is valid JSON. */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text.charAt(i))) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const string = () => {
    i++;
    while (i < text.length) {
      const c = text.charAt(i);
      if (c === '"') {
        i++;
        return;
      }
      if (c < ' ') fail();
      if (c === '\\') {
        i++;
        const e = text.charAt(i);
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(e) || e === '') fail();
      }
      i++;
    }
    fail();
  };
  const value = (): void => {
    space();
    const c = text.charAt(i);
    if (c === '{') container('}', true);
    else if (c === '[') container(']', false);
    else if (c === '"') string();
    else literal();
  };
  const literal = () => {
    const match = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i));
    if (match === null) fail();
    i += match?.[0].length ?? 0;
  };
  const container = (close: string, object: boolean) => {
    i++;
    space();
    if (text.charAt(i) === close) {
      i++;
      return;
    }
    for (;;) {
      if (object) {
        space();
        if (text.charAt(i) !== '"') fail();
        string();
        space();
        if (text.charAt(i) !== ':') fail();
        i++;
      }
      value();
      space();
      const c = text.charAt(i);
      i++;
      if (c === close) return;
      if (c !== ',') {
        i--;
        fail();
      }
    }
  };
  try {
    value();
    space();
    if (i < text.length) fail();
    return undefined;
  } catch (offset) {
    if (typeof offset === 'number') return Math.min(offset, text.length);
    throw offset;
  }
}

/** ' (line 3, column 7)' for the first syntax error of `text`, or '' when it has none. */
export function jsonErrorPlace(text: string): string {
  const offset = jsonErrorOffset(text);
  if (offset === undefined) return '';
  const before = text.slice(0, offset).split('\n');
  return ` (line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1})`;
}
