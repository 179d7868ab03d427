/**
 * Engine names of what Berth creates, following compose v2's conventions so that `docker compose`
 * and Berth agree on which objects belong to which project.
 */
export function containerName(stack: string, service: string, replica: number, fixed?: string): string {
  return fixed ?? `${stack}-${service}-${replica}`;
}

/** `<stack>_<key>` unless the definition names the object (`name:`), as compose does. */
export function resourceName(
  stack: string,
  key: string,
  def: { name?: string | undefined; external?: unknown },
): string {
  if (def.name) return def.name;
  return def.external ? key : `${stack}_${key}`;
}

/** The image a `build:` produces when the service names no `image:` (compose: `<project>-<service>`). */
export function builtImageName(stack: string, service: string): string {
  return `${stack}-${service}`;
}
