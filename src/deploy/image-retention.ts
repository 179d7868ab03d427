import { MASK } from '../secrets/detect.js';
import type { StackImageRecord } from '../store/index.js';
import { listed, minute, normalTag, ordinal, plural, tagMatcher } from './image-references.js';

/*
 * Which of a stack's image versions stay on the engine. Pure: the executor (prune-images.ts) gathers
 * the facts and removes what this decides. Only versions Berth itself pulled or built for the stack
 * are ever candidates (the records); an image is removed only when every reason to keep it is absent.
 */

/** The engine's view of one recorded image, when it still has it. */
export interface PresentImage {
  /** Repository tags it carries now (empty: untagged, the tag moved on to a newer version). */
  readonly tags: readonly string[];
  /** Bytes it holds alone: its layers no other image shares. */
  readonly size?: number;
}

export interface ImageRetentionInput {
  /** How many deployed versions of each service stay (the one running now counts): at least 1. */
  readonly keep: number;
  /** The stack's records (store.stackImages.list). */
  readonly versions: readonly StackImageRecord[];
  /** Recorded images the engine still has, by id. */
  readonly present: ReadonlyMap<string, PresentImage>;
  /** Image id → the containers (any stack, any tool, running or not) created from it. */
  readonly usedBy: ReadonlyMap<string, readonly string[]>;
  /** The services the compose file has now: a service gone from it keeps no versions by retention. */
  readonly services: ReadonlySet<string>;
  /** Image id → the services whose compose reference names it now (what the next deploy runs). */
  readonly current: ReadonlyMap<string, readonly string[]>;
  /** Image ids another stack's services were last deployed with (its applied state). */
  readonly deployedElsewhere: ReadonlySet<string>;
  /** Image ids other stacks recorded too: they decide on it by their own retention. */
  readonly recordedElsewhere: ReadonlySet<string>;
  /**
   * The references other stacks of the workspace name in their compose files now, as the engine tags
   * them (`normalTag`): an image carrying such a tag is what their next deploy runs, deployed or not
   * (a stack that is down has no containers and no applied state to show it).
   */
  readonly namedElsewhere?: ReadonlySet<string>;
}

export interface ImageDecision {
  readonly imageId: string;
  /** Tags it carries now. */
  readonly tags: readonly string[];
  /** The references it was pulled or built as. */
  readonly recorded: readonly string[];
  readonly services: readonly string[];
  readonly keep: boolean;
  /**
   * Kept only because another stack recorded it too: this stack lets go of it (its records go), and
   * the last stack that holds it removes it by its own retention.
   */
  readonly release: boolean;
  readonly reasons: readonly string[];
  readonly size?: number;
}

export interface ImageRetentionPlan {
  /** Newest first. */
  readonly decisions: readonly ImageDecision[];
  /** Recorded images the engine no longer has: their records go. */
  readonly gone: readonly string[];
}

const versionKey = (v: Pick<StackImageRecord, 'service' | 'imageId'>) => `${v.service}\u0000${v.imageId}`;

/**
 * Per service still in the compose file, the rank of each deployed version the engine still has
 * (0: deployed last), by service and image id (a version recorded under several references is one):
 * a version already gone counts for nothing.
 */
function deployRanks(input: ImageRetentionInput): Map<string, number> {
  const latest = new Map<string, StackImageRecord>();
  for (const v of input.versions) {
    if (v.deployedAt === undefined || !input.present.has(v.imageId) || !input.services.has(v.service))
      continue;
    const seen = latest.get(versionKey(v));
    if (seen === undefined || (seen.deployedAt ?? '') < v.deployedAt) latest.set(versionKey(v), v);
  }
  const byService = new Map<string, StackImageRecord[]>();
  for (const v of latest.values()) byService.set(v.service, [...(byService.get(v.service) ?? []), v]);
  const ranks = new Map<string, number>();
  for (const list of byService.values()) {
    list.sort(
      (a, b) =>
        (b.deployedAt ?? '').localeCompare(a.deployedAt ?? '') || b.recordedAt.localeCompare(a.recordedAt),
    );
    list.forEach((v, i) => {
      ranks.set(versionKey(v), i);
    });
  }
  return ranks;
}

function retentionReason(v: StackImageRecord, rank: number, keep: number): string {
  const when = `deployed ${minute(v.deployedAt ?? '')}`;
  if (rank === 0) return `the version of ${v.service} deployed last (${when})`;
  return `the ${ordinal(rank + 1)} newest deployed version of ${v.service} (${when}; keeping ${keep})`;
}

function removalReason(v: StackImageRecord, input: ImageRetentionInput): string {
  if (!input.services.has(v.service)) return `${v.service}: no longer in the compose file`;
  if (v.deployedAt !== undefined)
    return `${v.service}: deployed ${minute(v.deployedAt)}, older than the ${plural(input.keep, 'newest deployed version')}`;
  return `${v.service}: ${v.origin === 'pull' ? 'pulled' : 'built'} ${minute(v.recordedAt)} and never deployed`;
}

/** Why one present image stays (none: it may go). */
function keepReasons(
  imageId: string,
  records: readonly StackImageRecord[],
  present: PresentImage,
  ranks: ReadonlyMap<string, number>,
  berths: (tag: string) => string | undefined,
  input: ImageRetentionInput,
): string[] {
  const reasons: string[] = [];
  const users = input.usedBy.get(imageId) ?? [];
  if (users.length > 0) reasons.push(`used by container${users.length === 1 ? '' : 's'} ${listed(users)}`);
  const current = input.current.get(imageId) ?? [];
  if (current.length > 0)
    reasons.push(
      `what ${listed(current)} run${current.length === 1 ? 's' : ''} as the compose file says now`,
    );
  const ranked = new Set<string>();
  for (const v of records) {
    const rank = ranks.get(versionKey(v));
    if (rank === undefined || rank >= input.keep || ranked.has(versionKey(v))) continue;
    ranked.add(versionKey(v));
    reasons.push(retentionReason(v, rank, input.keep));
  }
  const foreign = present.tags.filter((t) => berths(t) === undefined);
  if (foreign.length > 0)
    reasons.push(`also tagged ${listed(foreign)}, which Berth did not pull or build it as (\`docker tag\`?)`);
  if (input.deployedElsewhere.has(imageId))
    reasons.push("another stack's services were last deployed with it");
  // Neither the stack nor the tag is named: the reader may have no rights on that stack, and a tag
  // may hold another stack's secret value.
  if (present.tags.some((t) => input.namedElsewhere?.has(normalTag(t))))
    reasons.push("another stack's compose file names it: its next deploy runs it");
  return reasons;
}

/** Decides, for each recorded image the engine has, whether it stays and why. */
export function planImageRetention(input: ImageRetentionInput): ImageRetentionPlan {
  if (!Number.isInteger(input.keep) || input.keep < 1)
    throw new RangeError(`keep must be a whole number of at least 1, not ${input.keep}`);
  const ranks = deployRanks(input);
  const byImage = new Map<string, StackImageRecord[]>();
  for (const v of input.versions) byImage.set(v.imageId, [...(byImage.get(v.imageId) ?? []), v]);
  const gone: string[] = [];
  const decisions: Array<ImageDecision & { readonly newest: string }> = [];
  for (const [imageId, records] of byImage) {
    const present = input.present.get(imageId);
    if (!present) {
      gone.push(imageId);
      continue;
    }
    const berths = tagMatcher(
      records.map((r) => r.reference),
      MASK,
    );
    const own = keepReasons(imageId, records, present, ranks, berths, input);
    const release = own.length === 0 && input.recordedElsewhere.has(imageId);
    const reasons = release
      ? ['Berth pulled or built it for another stack too: it stays until that stack lets it go']
      : own.length > 0
        ? own
        : [...new Set(records.map((v) => removalReason(v, input)))];
    decisions.push({
      imageId,
      // A tag Berth made is shown as recorded (a secret it holds stays masked, even an old value).
      tags: present.tags.map((t) => berths(t) ?? t),
      recorded: [...new Set(records.map((r) => r.reference))],
      services: [...new Set(records.map((r) => r.service))].sort(),
      keep: own.length > 0 || release,
      release,
      reasons,
      ...(present.size === undefined ? {} : { size: present.size }),
      newest:
        records
          .map((r) => r.deployedAt ?? r.recordedAt)
          .sort()
          .at(-1) ?? '',
    });
  }
  decisions.sort((a, b) => b.newest.localeCompare(a.newest) || a.imageId.localeCompare(b.imageId));
  return { decisions: decisions.map(({ newest: _, ...d }) => d), gone };
}
