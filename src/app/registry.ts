import { AUDIT_XBERTH_SECTIONS } from '../audit/xberth.js';
import { BACKUP_XBERTH_SECTIONS } from '../backup/xberth.js';
import { createXBerthRegistry, type XBerthRegistry } from '../compose/xberth/registry.js';
import { DEPLOY_XBERTH_SECTIONS } from '../deploy/xberth.js';
import { HEALTH_XBERTH_SECTIONS } from '../health/xberth.js';
import { JOBS_XBERTH_SECTIONS } from '../jobs/xberth.js';

/**
 * Every capability's part of `x-berth`, registered here by the composition root. Each capability
 * owns its sections; the stack model only knows the registry it is given.
 */
export function builtinXBerthRegistry(): XBerthRegistry {
  return createXBerthRegistry([
    ...DEPLOY_XBERTH_SECTIONS,
    ...AUDIT_XBERTH_SECTIONS,
    ...JOBS_XBERTH_SECTIONS,
    ...BACKUP_XBERTH_SECTIONS,
    ...HEALTH_XBERTH_SECTIONS,
  ]);
}
