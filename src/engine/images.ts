import { buildImage } from './build.js';
import type { ImageClient } from './clients.js';
import { isEngineError } from './errors.js';
import { toLabelFilters } from './labels.js';
import { pullImage } from './pull.js';
import { asArray, seg, type Transport } from './transport.js';
import type { ImageInfo } from './types.js';

export interface RawImageInspect {
  Id?: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  Created?: string;
  Size?: number;
  Config?: { Labels?: Record<string, string> | null } | null;
  Os?: string;
  Architecture?: string;
  Variant?: string;
}

export interface RawImageSummary {
  Id?: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  Created?: number;
  Size?: number;
  Labels?: Record<string, string> | null;
}

/** Older engines list untagged images with the placeholder tag `<none>:<none>`. */
function realTags(tags: readonly string[] | null | undefined): string[] {
  return (tags ?? []).filter((tag) => tag !== '<none>:<none>');
}

/** `repo@sha256:…` references; images built locally and never pushed or pulled have none. */
function realDigests(digests: readonly string[] | null | undefined): string[] {
  return (digests ?? []).filter((d) => d.includes('@') && !d.startsWith('<none>'));
}

export function toImageInfo(raw: RawImageInspect): ImageInfo {
  return {
    id: raw.Id ?? '',
    tags: realTags(raw.RepoTags),
    digests: realDigests(raw.RepoDigests),
    labels: { ...(raw.Config?.Labels ?? {}) },
    created: raw.Created ?? '',
    ...(typeof raw.Size === 'number' ? { size: raw.Size } : {}),
    ...(raw.Os ? { os: raw.Os } : {}),
    ...(raw.Architecture ? { architecture: raw.Architecture } : {}),
    ...(raw.Variant ? { variant: raw.Variant } : {}),
  };
}

export function toImageSummary(raw: RawImageSummary): ImageInfo {
  return {
    id: raw.Id ?? '',
    tags: realTags(raw.RepoTags),
    digests: realDigests(raw.RepoDigests),
    labels: { ...(raw.Labels ?? {}) },
    created: raw.Created === undefined ? '' : new Date(raw.Created * 1000).toISOString(),
    ...(typeof raw.Size === 'number' ? { size: raw.Size } : {}),
  };
}

export function imageClient(transport: Transport): ImageClient {
  const inspect: ImageClient['inspect'] = async (reference) => {
    const raw = await transport.json({
      method: 'GET',
      path: `/images/${seg(reference)}/json`,
      action: 'inspect',
      resource: `image ${reference}`,
    });
    return toImageInfo(raw as RawImageInspect);
  };

  return {
    inspect,

    async exists(reference) {
      try {
        await inspect(reference);
        return true;
      } catch (err) {
        if (isEngineError(err, 'ENGINE_NOT_FOUND')) return false;
        throw err;
      }
    },

    async list(selector) {
      const raw = await transport.json({
        method: 'GET',
        path: '/images/json',
        query: { filters: JSON.stringify({ label: toLabelFilters(selector) }) },
        action: 'list images',
      });
      return asArray<RawImageSummary>(raw, 'list images').map(toImageSummary);
    },

    async remove(reference, options = {}) {
      const raw = await transport.json({
        method: 'DELETE',
        path: `/images/${seg(reference)}`,
        query: { force: options.force === true, noprune: options.noPrune === true },
        action: 'remove',
        resource: `image ${reference}`,
      });
      const items = asArray<{ Untagged?: string; Deleted?: string }>(raw, `remove image ${reference}`);
      return {
        untagged: items.flatMap((item) => (item.Untagged ? [item.Untagged] : [])),
        deleted: items.flatMap((item) => (item.Deleted ? [item.Deleted] : [])),
      };
    },

    build(options) {
      return buildImage(transport, options);
    },

    pull(options) {
      return pullImage(transport, options);
    },
  };
}
