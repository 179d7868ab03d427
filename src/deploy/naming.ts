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

/** The image reference a service runs: its `image:`, else the one its `build:` produces. */
export function serviceImage(stack: string, service: string, def: { image?: string | undefined }): string {
  return def.image ?? builtImageName(stack, service);
}

/** Each service's image reference (service → reference), as the stack's compose files say now. */
export function serviceImages(loaded: {
  readonly name: string;
  readonly model: {
    readonly services?: Readonly<Record<string, { image?: string | undefined }>> | undefined;
  };
}): Map<string, string> {
  return new Map(
    Object.entries(loaded.model.services ?? {}).map(([name, def]) => [
      name,
      serviceImage(loaded.name, name, def),
    ]),
  );
}
