import type { Rule } from '../types.js';
import { MAIL_RULES } from './mail.js';
import { defaultCredentials, hardcodedSecret, secretReused } from './standards-credentials.js';
import {
  bindMountDataDir,
  dbPortPublic,
  duplicateDatabase,
  noResourceLimits,
  volumeNoBackup,
} from './standards-data.js';
import {
  catalogEntryMissing,
  envFilePermissions,
  stackNoReadme,
  stackNotInCatalog,
  staleFiles,
} from './standards-files.js';
import { dependsOnNotHealthy, healthcheckMissing, healthcheckTiming } from './standards-health.js';
import { imageNotPinned } from './standards-images.js';
import { declaredNotRunning, runningNotDeclared } from './standards-live.js';
import { proxyDashboardInsecure } from './standards-proxy.js';
import { publicRouteUnprotected, traefikRouterIncomplete } from './standards-traefik.js';

/** The estate's operating standards, in RULE_IDS order. */
export const STANDARDS_RULES: readonly Rule[] = [
  imageNotPinned,
  envFilePermissions,
  healthcheckMissing,
  healthcheckTiming,
  dependsOnNotHealthy,
  traefikRouterIncomplete,
  publicRouteUnprotected,
  proxyDashboardInsecure,
  defaultCredentials,
  hardcodedSecret,
  secretReused,
  noResourceLimits,
  stackNoReadme,
  stackNotInCatalog,
  catalogEntryMissing,
  volumeNoBackup,
  dbPortPublic,
  bindMountDataDir,
  staleFiles,
  declaredNotRunning,
  runningNotDeclared,
  duplicateDatabase,
  ...MAIL_RULES,
];
