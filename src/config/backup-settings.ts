import { resolve } from 'node:path';
import { z } from 'zod';
import { resolveCredential } from './credential-ref.js';

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

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A credential is named, never written: `{ env: VARIABLE }` or `{ file: PATH }`. */
const credential = z
  .unknown()
  .superRefine((value, ctx) => {
    const ok =
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      Object.keys(value).length === 1 &&
      ((typeof (value as { env?: unknown }).env === 'string' &&
        ENV_NAME.test((value as { env: string }).env)) ||
        (typeof (value as { file?: unknown }).file === 'string' &&
          (value as { file: string }).file.trim() !== ''));
    if (!ok) {
      ctx.addIssue({
        code: 'custom',
        message: 'a credential is never written in the config file',
        // `secret`: the value is never repeated in the message (it may be the credential itself).
        params: {
          hint: 'name where it is: `{ env: S3_SECRET_KEY }` or `{ file: /etc/berth/s3-secret }`',
          secret: true,
        },
      });
    }
  })
  .transform((value) => value as { env: string } | { file: string });
export type CredentialRef = z.output<typeof credential>;

const DirStoreSchema = z.strictObject({
  /** A folder on this machine (or a mounted disk). */
  type: z.literal('dir'),
  path,
});

const S3StoreSchema = z.strictObject({
  /** An S3-compatible bucket (AWS, MinIO, Garage, Backblaze…). */
  type: z.literal('s3'),
  bucket: z.string().trim().min(3).max(63),
  /** Keys start with this (e.g. `berth/`). */
  prefix: z.string().trim().optional(),
  region: z.string().trim().min(1).optional(),
  /** For S3-compatible services; default AWS. */
  endpoint: z.url().optional(),
  /** Path-style addressing (MinIO and most self-hosted services need it). */
  forcePathStyle: z.boolean().optional(),
  /** Without both, the AWS SDK's default chain (AWS_ACCESS_KEY_ID…, instance roles) is used. */
  accessKeyId: credential.optional(),
  secretAccessKey: credential.optional(),
  /** Multipart part size; memory used is about four parts. Default 8 MiB. */
  partSizeMiB: z.number().int().min(5).max(512).optional(),
});

export const StoreSettingSchema = z.discriminatedUnion('type', [DirStoreSchema, S3StoreSchema]);

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
export const STORE_KEYS = [
  ...new Set([...Object.keys(DirStoreSchema.shape), ...Object.keys(S3StoreSchema.shape)]),
];

/** An S3-compatible store as Berth uses it: credentials resolved from the environment, or a file to read. */
export interface S3StoreSettings {
  readonly type: 's3';
  readonly bucket: string;
  readonly prefix: string;
  readonly region: string;
  readonly endpoint?: string;
  readonly forcePathStyle: boolean;
  readonly accessKeyId?: string | { readonly file: string };
  readonly secretAccessKey?: string | { readonly file: string };
  readonly partSizeBytes: number;
}

export type StoreSettings = { readonly type: 'dir'; readonly path: string } | S3StoreSettings;

/** The backup settings, paths absolute. */
export interface BackupSettings {
  readonly stores: Readonly<Record<string, StoreSettings>>;
  readonly recipients: readonly string[];
  readonly identityFile?: string;
  readonly defaultStore?: string;
}

/**
 * Paths of the section resolved against the config file's folder, environment references of
 * credentials against `env` (a missing variable is a problem). Pure: credential files are read
 * where they are used.
 */
export function resolveBackupSection(
  section: BackupSection,
  fileDir: string,
  env: Readonly<Record<string, string | undefined>>,
): { settings: BackupSettings; problems: Array<{ message: string; hint: string }> } {
  const problems: Array<{ message: string; hint: string }> = [];
  const secret = (ref: CredentialRef | undefined, where: string) =>
    ref === undefined ? undefined : resolveCredential(ref, where, { fileDir, env, problems });
  const stores: Record<string, StoreSettings> = {};
  for (const [name, store] of Object.entries(section.stores)) {
    if (store.type === 'dir') {
      stores[name] = { type: 'dir', path: resolve(fileDir, store.path) };
      continue;
    }
    if ((store.accessKeyId === undefined) !== (store.secretAccessKey === undefined)) {
      problems.push({
        message: `backup.stores.${name} names one of accessKeyId and secretAccessKey`,
        hint: 'give both, or neither to use the AWS default chain (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY…)',
      });
    }
    const keyId = secret(store.accessKeyId, `backup.stores.${name}.accessKeyId`);
    const key = secret(store.secretAccessKey, `backup.stores.${name}.secretAccessKey`);
    stores[name] = {
      type: 's3',
      bucket: store.bucket,
      prefix: store.prefix ?? '',
      region: store.region ?? 'us-east-1',
      ...(store.endpoint ? { endpoint: store.endpoint } : {}),
      forcePathStyle: store.forcePathStyle ?? store.endpoint !== undefined,
      ...(keyId !== undefined ? { accessKeyId: keyId } : {}),
      ...(key !== undefined ? { secretAccessKey: key } : {}),
      partSizeBytes: (store.partSizeMiB ?? 8) * 1024 * 1024,
    };
  }
  return {
    settings: {
      stores,
      recipients: [...section.recipients],
      ...(section.identity ? { identityFile: resolve(fileDir, section.identity) } : {}),
      ...(section.defaultStore ? { defaultStore: section.defaultStore } : {}),
    },
    problems,
  };
}
