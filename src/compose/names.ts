/** A compose project name, which is also a Berth stack name: what `docker compose -p` accepts. */
export const PROJECT_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;

/** A stack argument that names a folder or file rather than a stack (`./shop`, `stacks/shop`). */
export const isPathLike = (stack: string): boolean => stack.includes('/') || stack.startsWith('.');
