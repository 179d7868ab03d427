import { z } from 'zod';
import type { XBerthSection, XBerthValues } from '../compose/xberth/registry.js';
import { mailSection } from './mail/settings.js';
import { RULE_IDS, type RuleId } from './types.js';

const IgnoreEntrySchema = z.strictObject({
  rule: z.enum(RULE_IDS),
  /** Required: a suppression nobody can explain later is a finding nobody fixed. */
  reason: z.string().trim().min(1, 'give a reason: why this finding does not apply here'),
});

/** `x-berth.audit`: findings this stack (or service) accepts, each with the reason why. */
export const AuditSettingsSchema = z.strictObject({
  ignore: z.array(IgnoreEntrySchema).default([]),
});
export type AuditSettings = z.output<typeof AuditSettingsSchema>;

export interface AuditIgnore {
  readonly rule: RuleId;
  readonly reason: string;
}

export const auditSection: XBerthSection = {
  key: 'audit',
  stack: AuditSettingsSchema,
  service: AuditSettingsSchema,
  summary:
    '`berth audit` suppressions: ignore: [{ rule: <rule id>, reason: <why> }] (stack level: every service)',
};

/** The x-berth sections of the audit capability. */
export const AUDIT_XBERTH_SECTIONS: readonly XBerthSection[] = [auditSection, mailSection];

/** The ignores of one parsed x-berth mapping (none when the section is absent or was invalid). */
export function auditIgnores(values: XBerthValues | undefined): readonly AuditIgnore[] {
  const parsed = AuditSettingsSchema.safeParse(values?.audit);
  return parsed.success ? parsed.data.ignore : [];
}
