/**
 * Compose profiles: a service with `profiles:` runs only when one of them is enabled; a service
 * without profiles always runs. `*` enables every profile.
 */
export function parseProfiles(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

export function isActive(
  serviceProfiles: readonly string[] | undefined,
  enabled: ReadonlySet<string>,
): boolean {
  if (!serviceProfiles || serviceProfiles.length === 0) return true;
  if (enabled.has('*')) return true;
  return serviceProfiles.some((p) => enabled.has(p));
}

export interface ProfileSplit {
  readonly active: string[];
  readonly disabled: string[];
}

export function splitByProfiles(
  services: Readonly<Record<string, { profiles?: readonly string[] | undefined }>>,
  enabled: ReadonlySet<string>,
): ProfileSplit {
  const active: string[] = [];
  const disabled: string[] = [];
  for (const [name, service] of Object.entries(services)) {
    (isActive(service.profiles, enabled) ? active : disabled).push(name);
  }
  return { active: active.sort(), disabled: disabled.sort() };
}
