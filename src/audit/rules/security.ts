import type { Rule } from '../types.js';
import { defaultBridge, hostNamespace, runsAsRoot, writableRootFs } from './security-isolation.js';
import { dockerSocketMounted, sensitiveHostPathRule } from './security-mounts.js';
import { loggingDisabled, noPidsLimit, noRestartPolicy } from './security-operations.js';
import {
  dangerousCapability,
  noCapDropAll,
  noNewPrivilegesMissing,
  privileged,
  unconfinedProfile,
} from './security-privileges.js';

/** The security baseline, in RULE_IDS order. */
export const SECURITY_RULES: readonly Rule[] = [
  dockerSocketMounted,
  privileged,
  dangerousCapability,
  noCapDropAll,
  hostNamespace,
  noNewPrivilegesMissing,
  unconfinedProfile,
  sensitiveHostPathRule,
  noPidsLimit,
  loggingDisabled,
  noRestartPolicy,
  defaultBridge,
  runsAsRoot,
  writableRootFs,
];
