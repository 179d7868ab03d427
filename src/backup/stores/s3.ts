import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3StoreSettings } from '../../config/backup-settings.js';
import { attributeWrite } from './attribution.js';
import { type ArtifactStore, checkKey } from './types.js';

/** A credential as configured: its value, or a file holding it (read when the store is first used). */
async function credential(value: string | { readonly file: string }): Promise<string> {
  return typeof value === 'string' ? value : (await readFile(value.file, 'utf8')).trim();
}

const notFound = (error: unknown) => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
};

/**
 * An S3-compatible bucket. The SDK is loaded on first use only (a server without an S3 store never
 * loads it). Writes are multipart uploads of `partSizeBytes` (about four parts in memory): an
 * object exists only once its upload completed, and a failed upload is aborted; uploads a killed
 * process left open are aborted by `cleanPartials`.
 */
export function s3Store(name: string, settings: S3StoreSettings): ArtifactStore {
  const prefix =
    settings.prefix === '' || settings.prefix.endsWith('/') ? settings.prefix : `${settings.prefix}/`;
  const keyOf = (key: string) => `${prefix}${checkKey(key)}`;
  let client: Promise<{ s3: S3Client; sdk: typeof import('@aws-sdk/client-s3') }> | undefined;
  const connect = () => {
    client ??= (async () => {
      const sdk = await import('@aws-sdk/client-s3');
      const credentials =
        settings.accessKeyId !== undefined && settings.secretAccessKey !== undefined
          ? {
              accessKeyId: await credential(settings.accessKeyId),
              secretAccessKey: await credential(settings.secretAccessKey),
            }
          : undefined;
      const s3 = new sdk.S3Client({
        region: settings.region,
        forcePathStyle: settings.forcePathStyle,
        ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
        ...(credentials ? { credentials } : {}),
      });
      return { s3, sdk };
    })();
    return client;
  };
  const where = `s3://${settings.bucket}/${prefix}`;
  return {
    name,
    where,
    async write(key, body, signal) {
      const { s3 } = await connect();
      const { Upload } = await import('@aws-sdk/lib-storage');
      const upload = new Upload({
        client: s3,
        params: { Bucket: settings.bucket, Key: keyOf(key), Body: body },
        partSize: settings.partSizeBytes,
        queueSize: 4,
        leavePartsOnError: false,
      });
      const abort = () => void upload.abort().catch(() => undefined);
      signal?.addEventListener('abort', abort, { once: true });
      // A failing source must fail the upload, not leave it waiting for more bytes.
      const failed = new Promise<never>((_, reject) => body.once('error', reject));
      failed.catch(() => undefined);
      // The upload has no error event: a rejection the body did not cause first is the bucket's.
      await attributeWrite({ name, where }, body, signal, async () => {
        try {
          await Promise.race([upload.done(), failed]);
        } catch (error: unknown) {
          await upload.abort().catch(() => undefined);
          throw error;
        } finally {
          signal?.removeEventListener('abort', abort);
        }
      });
    },
    async read(key, signal) {
      const { s3, sdk } = await connect();
      const answer = await s3.send(
        new sdk.GetObjectCommand({ Bucket: settings.bucket, Key: keyOf(key) }),
        signal ? { abortSignal: signal } : {},
      );
      if (!(answer.Body instanceof Readable))
        throw new Error(`s3://${settings.bucket}/${keyOf(key)}: no body`);
      return answer.Body;
    },
    async size(key) {
      const { s3, sdk } = await connect();
      try {
        const head = await s3.send(new sdk.HeadObjectCommand({ Bucket: settings.bucket, Key: keyOf(key) }));
        return head.ContentLength ?? 0;
      } catch (error: unknown) {
        if (notFound(error)) return undefined;
        throw error;
      }
    },
    async remove(key) {
      const { s3, sdk } = await connect();
      await s3.send(new sdk.DeleteObjectCommand({ Bucket: settings.bucket, Key: keyOf(key) }));
    },
    async list(under) {
      const { s3, sdk } = await connect();
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(
          new sdk.ListObjectsV2Command({
            Bucket: settings.bucket,
            Prefix: `${keyOf(under)}/`,
            ...(token ? { ContinuationToken: token } : {}),
          }),
        );
        for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key.slice(prefix.length));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return keys.sort();
    },
    async cleanPartials(keep) {
      const { s3, sdk } = await connect();
      let aborted = 0;
      try {
        const open = await s3.send(
          new sdk.ListMultipartUploadsCommand({ Bucket: settings.bucket, Prefix: prefix }),
        );
        for (const u of open.Uploads ?? []) {
          if (!u.Key || !u.UploadId || keep?.(u.Key.slice(prefix.length))) continue;
          await s3.send(
            new sdk.AbortMultipartUploadCommand({
              Bucket: settings.bucket,
              Key: u.Key,
              UploadId: u.UploadId,
            }),
          );
          aborted++;
        }
      } catch (error: unknown) {
        // Services without the listing (some S3-compatible ones) expire open uploads themselves.
        if ((error as { name?: string }).name !== 'NotImplemented') throw error;
      }
      return aborted;
    },
  };
}
