import { AUDIT_XBERTH_SECTIONS } from '../audit/xberth.js';
import { createXBerthRegistry, type XBerthRegistry } from '../compose/xberth/registry.js';
import { DEPLOY_XBERTH_SECTIONS } from '../deploy/xberth.js';

/**
 * The one place where capabilities are wired together. Each capability owns its part of `x-berth`;
 * the stack model only knows the registry it is given.
 */
export function builtinXBerthRegistry(): XBerthRegistry {
  return createXBerthRegistry([...DEPLOY_XBERTH_SECTIONS, ...AUDIT_XBERTH_SECTIONS]);
}
