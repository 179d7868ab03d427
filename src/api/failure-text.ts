/**
 * A deploy failure's `reason: detail`, without saying the reason twice when the detail starts with
 * it (`unhealthy: last check exited 1`). Apart from the schemas (no zod): the CLI's start-up loads it.
 */
export function failureText(failure: { readonly reason: string; readonly detail: string }): string {
  const { reason, detail } = failure;
  return detail === reason || detail.startsWith(`${reason}:`) ? detail : `${reason}: ${detail}`;
}
