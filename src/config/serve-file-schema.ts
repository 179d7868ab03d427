import { z } from 'zod';
import { parseEngineHost } from '../engine/model.js';
import { AlertSectionSchema } from './alert-settings.js';
import { BackupSectionSchema } from './backup-settings.js';

// The schema of the serve config file: what each key takes.

const text = z.string().trim().min(1);
const pathValue = text.refine((p) => !/^~($|\/)/.test(p), {
  message: '`~` is not expanded in the config file',
  params: { hint: "write the full path, or a path relative to the config file's folder" },
});
const engineHost = text.refine((h) => {
  try {
    parseEngineHost(h);
    return true;
  } catch {
    return false;
  }
});

/** A host name as `Host` carries it (no port), `.name` for a domain and its subdomains, or `*` for any. */
export const ALLOWED_HOST_PATTERN =
  /^(?:\*|\.?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.?)$/i;
const allowedHost = text.refine((h) => ALLOWED_HOST_PATTERN.test(h));

export const FileSchema = z
  .strictObject({
    host: text,
    port: z.number().int().min(0).max(65535),
    socket: pathValue,
    tls: z.strictObject({ cert: pathValue, key: pathValue }),
    workspace: pathValue,
    stateDir: pathValue,
    dockerHost: engineHost,
    shutdownGrace: z.number().min(0).max(3600),
    allowedHosts: z.array(allowedHost).max(100),
    streams: z
      .strictObject({
        perUser: z.number().int().min(1).max(1000),
        total: z.number().int().min(1).max(100_000),
      })
      .partial(),
    connections: z.strictObject({ perAddress: z.number().int().min(1).max(512) }).partial(),
    backup: BackupSectionSchema,
    alerts: AlertSectionSchema,
  })
  .partial();
export type FileConfig = z.infer<typeof FileSchema>;
