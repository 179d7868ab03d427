import type { StackImageRecord } from '../store/index.js';

/*
 * Which of a stack's image versions stay on the engine. Pure: the executor (prune-images.ts) gathers
 * the facts and removes what this decides. Only versions Berth itself pulled or built for the stack
 * are ever candidates (the records); an image is removed only when every reason to keep it is absent.
 */

/** The engine's view of one recorded image, when it still has it. */
export interface PresentImage {
  /** Repository tags it carries now (empty: untagged, the tag moved on to a newer version). */
  readonly tags: readonly string[];
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
  /** Image id → the services whose compose reference names it now (what the next deploy runs). */
  readonly current: ReadonlyMap<string, readonly string[]>;
  /** Image id → other stacks that recorded it too. */
  readonly otherStacks: ReadonlyMap<string, readonly string[]>;
}

export interface ImageDecision {
  readonly imageId: string;
  /** Tags it carries now. */
  readonly tags: readonly string[];
  /** The references it was pulled or built as. */
  readonly recorded: readonly string[];
  readonly services: readonly string[];
  readonly keep: boolean;
  readonly reasons: readonly string[];
  readonly size?: number;
}

export interface ImageRetentionPlan {
  /** Newest first. */
  readonly decisions: readonly ImageDecision[];
  /** Recorded images the engine no longer has: their records go. */
  readonly gone: readonly string[];
}

const ORDINALS = ['', '2nd', '3rd'];
const ordinal = (n: number) => ORDINALS[n - 1] ?? `${n}th`;
const day = (iso: string) => iso.slice(0, 16).replace('T', ' ');

function listed(names: readonly string[], max = 3): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/** A reference as the engine lists its tags: `redis` is `redis:latest`, `docker.io/library/` is implied. */
export function normalTag(reference: string): string {
  const plain = reference.replace(/^docker\.io\//, '').replace(/^library\//, '');
  const [name = plain, digest] = plain.split('@');
  if (name.slice(name.lastIndexOf('/') + 1).includes(':')) return name;
  // Pinned by digest alone: the pull tagged nothing.
  return digest === undefined ? `${name}:latest` : plain;
}

/** Per service, the rank of each deployed version (0: deployed last). */
function deployRanks(versions: readonly StackImageRecord[]): Map<StackImageRecord, number> {
  const ranks = new Map<StackImageRecord, number>();
  const byService = new Map<string, StackImageRecord[]>();
  for (const v of versions) {
    if (v.deployedAt === undefined) continue;
    byService.set(v.service, [...(byService.get(v.service) ?? []), v]);
  }
  for (const list of byService.values()) {
    list
      .sort(
        (a, b) =>
          (b.deployedAt ?? '').localeCompare(a.deployedAt ?? '') || b.recordedAt.localeCompare(a.recordedAt),
      )
      .forEach((v, i) => {
        ranks.set(v, i);
      });
  }
  return ranks;
}

function retentionReason(v: StackImageRecord, rank: number, keep: number): string {
  const when = `deployed ${day(v.deployedAt ?? '')}`;
  if (rank === 0) return `the version of ${v.service} deployed last (${when})`;
  return `the ${ordinal(rank + 1)} newest deployed version of ${v.service} (${when}; keeping ${keep})`;
}

function removalReason(v: StackImageRecord, keep: number): string {
  if (v.deployedAt !== undefined)
    return `${v.service}: deployed ${day(v.deployedAt)}, older than the ${keep} newest deployed version${keep === 1 ? '' : 's'}`;
  return `${v.service}: ${v.origin === 'pull' ? 'pulled' : 'built'} ${day(v.recordedAt)} and never deployed`;
}

/** Decides, for each recorded image the engine has, whether it stays and why. */
export function planImageRetention(input: ImageRetentionInput): ImageRetentionPlan {
  if (!Number.isInteger(input.keep) || input.keep < 1)
    throw new RangeError(`keep must be a whole number of at least 1, not ${input.keep}`);
  const ranks = deployRanks(input.versions);
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
    const keepReasons: string[] = [];
    const users = input.usedBy.get(imageId) ?? [];
    if (users.length > 0)
      keepReasons.push(`used by container${users.length === 1 ? '' : 's'} ${listed(users)}`);
    const current = input.current.get(imageId) ?? [];
    if (current.length > 0)
      keepReasons.push(
        `what ${listed(current)} run${current.length === 1 ? 's' : ''} as the compose file says now`,
      );
    for (const v of records) {
      const rank = ranks.get(v);
      if (rank !== undefined && rank < input.keep) keepReasons.push(retentionReason(v, rank, input.keep));
    }
    const recorded = new Set(records.map((r) => normalTag(r.reference)));
    const foreign = present.tags.filter((t) => !recorded.has(normalTag(t)));
    if (foreign.length > 0)
      keepReasons.push(
        `also tagged ${listed(foreign)}, which Berth did not pull or build as (\`docker tag\`?)`,
      );
    const others = input.otherStacks.get(imageId) ?? [];
    if (others.length > 0)
      keepReasons.push(
        `Berth also put it there for stack${others.length === 1 ? '' : 's'} ${listed(others)}`,
      );
    const keep = keepReasons.length > 0;
    decisions.push({
      imageId,
      tags: [...present.tags],
      recorded: [...new Set(records.map((r) => r.reference))],
      services: [...new Set(records.map((r) => r.service))].sort(),
      keep,
      reasons: keep ? keepReasons : records.map((v) => removalReason(v, input.keep)),
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
