import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * Where backups go and how they are encrypted: the `backup:` section of the config file, read by
 * `berth serve` and by the CLI in-process. Only public keys (age recipients) are written here; the
 * identity that decrypts, for drills and restores, is a file kept outside every store.
 */

const AGE_RECIPIENT = /^age1[02-9ac-hj-np-z]{58}$/;
const STORE_NAME = /^[a-z0-9][a-z0-9_-]*$/;

const path = z
  .string()
  .trim()
  .min(1)
  .refine((p) => !/^~($|\/)/.test(p), {
    message: '`~` is not expanded in the config file',
    params: { hint: "write the full path, or a path relative to the config file's folder" },
  });

export const StoreSettingSchema = z.strictObject({
  /** A folder on this machine (or a mounted disk). */
  type: z.literal('dir'),
  path,
});

export const BackupSectionSchema = z.strictObject({
  stores: z
    .record(
      z.string().refine((name) => STORE_NAME.test(name), {
        message: 'a store name is made of lowercase letters, digits, - and _',
        params: { hint: 'e.g. `local` or `offsite`' },
      }),
      StoreSettingSchema,
    )
    .refine((stores) => Object.keys(stores).length > 0, {
      message: 'at least one store',
      params: { hint: 'e.g. `stores: { local: { type: dir, path: /var/backups/berth } }`' },
    }),
  recipients: z
    .array(
      z
        .string()
        .trim()
        .refine((r) => AGE_RECIPIENT.test(r), {
          message: 'a recipient is an age public key (age1 and 58 more characters)',
          params: { hint: 'run `age-keygen -o identity.txt` and copy the "public key" it prints' },
        }),
    )
    .min(1),
  /** The age identity (secret key) file used by drills and restores; keep it outside every store. */
  identity: path.optional(),
  /** The store of policies that name none; default: the only store, when there is one. */
  defaultStore: z.string().regex(STORE_NAME).optional(),
});
export type BackupSection = z.output<typeof BackupSectionSchema>;

export const BACKUP_KEYS = Object.keys(BackupSectionSchema.shape);
export const STORE_KEYS = Object.keys(StoreSettingSchema.shape);

/** The backup settings, paths absolute. */
export interface BackupSettings {
  readonly stores: Readonly<Record<string, { readonly type: 'dir'; readonly path: string }>>;
  readonly recipients: readonly string[];
  readonly identityFile?: string;
  readonly defaultStore?: string;
}

/** Paths of the section resolved against the config file's folder. */
export function resolveBackupSection(section: BackupSection, fileDir: string): BackupSettings {
  return {
    stores: Object.fromEntries(
      Object.entries(section.stores).map(([name, store]) => [
        name,
        { type: store.type, path: resolve(fileDir, store.path) },
      ]),
    ),
    recipients: [...section.recipients],
    ...(section.identity ? { identityFile: resolve(fileDir, section.identity) } : {}),
    ...(section.defaultStore ? { defaultStore: section.defaultStore } : {}),
  };
}
