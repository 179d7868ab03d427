import type { ApiFailure } from './api-client.js';

// The API names a refused field by its place in the JSON body (`body.grants[0].role`); a form's user
// knows it by its label. A form's refusal says which field, in the form's words, and what is wrong.

/** A form's labels by body path (`username`, `grants[0].role`); a path's first segment also matches. */
export type FieldLabels = Readonly<Record<string, string>>;

function labelOf(path: string, labels: FieldLabels): string {
  const head = path.split(/[.[]/, 1)[0] ?? path;
  return labels[path] ?? labels[head] ?? (path || 'the form');
}

/**
 * What to show above a form the API refused: each refused field of the body by its label and the
 * API's reason (a VALIDATION problem), else the API's message as it is.
 */
export function formMessage(error: ApiFailure, labels: FieldLabels): string {
  const fields = error.fields.filter((f) => f.in === 'body');
  if (error.code !== 'VALIDATION' || fields.length === 0) return error.message;
  return fields.map((f) => `${labelOf(f.path, labels)}: ${f.message}`).join('; ');
}
