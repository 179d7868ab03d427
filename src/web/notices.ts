import { createHash, randomBytes } from 'node:crypto';
import type { TokenCreated } from '../api/auth.js';
import type { ImagePruneResult } from '../api/images.js';

// Post/Redirect/Get: a form POST that changed something (or was refused) does not answer with a page
// of its own, which a reload would send again (a second token, a second job run once the first has
// ended). It leaves a notice here and sends the browser to a GET page that shows it. A notice belongs
// to the browser session that made it, lives a few minutes, and is held in memory only: a restart
// forgets it, and the page then says the notice is gone.

/** What a POST leaves for the page it redirects to. */
export type Notice =
  | {
      /** The API refused or failed the action: shown as the error page, with the API's status. */
      readonly kind: 'problem';
      readonly status: number;
      readonly message: string;
      readonly hint?: string | undefined;
    }
  | {
      /** An image prune ran: what it removed, shown by the stack's images page it redirects to. */
      readonly kind: 'images';
      readonly result: ImagePruneResult;
    }
  | {
      /** A token was created: its value is shown on the next /account page, and never again. */
      readonly kind: 'token';
      readonly created: TokenCreated & { readonly name: string };
    };

export interface NoticeBoard {
  /** Keeps `notice` for the session `owner` (its cookie value); returns the notice's id. */
  put(owner: string, notice: Notice): string;
  /** The notice `id` when `owner` made it and it has not expired; a token notice only the first time. */
  take(owner: string, id: string): Notice | undefined;
}

interface Held {
  readonly owner: string;
  readonly notice: Notice;
  readonly until: number;
}

export interface NoticeBoardOptions {
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  /** How long a notice is kept (default 10 minutes). */
  readonly ttlMs?: number;
  /** The most notices kept; the oldest go first (default 1,000). */
  readonly max?: number;
}

/** Session cookies are not kept in memory longer than the request: notices hold their digest. */
const ownerKey = (owner: string) => createHash('sha256').update(`notice-owner:${owner}`).digest('base64url');

/** An in-memory board of notices, bounded in count and age. */
export function noticeBoard(options: NoticeBoardOptions): NoticeBoard {
  const ttl = options.ttlMs ?? 10 * 60_000;
  const max = options.max ?? 1000;
  const held = new Map<string, Held>();
  const sweep = (now: number) => {
    // Insertion order is age order: the expired are at the front.
    for (const [id, entry] of held) {
      if (entry.until > now && held.size <= max) break;
      held.delete(id);
    }
  };
  return {
    put(owner, notice) {
      const now = options.now();
      const id = randomBytes(16).toString('base64url');
      held.set(id, { owner: ownerKey(owner), notice, until: now + ttl });
      sweep(now);
      return id;
    },
    take(owner, id) {
      const now = options.now();
      sweep(now);
      const entry = held.get(id);
      if (entry === undefined || entry.until <= now || entry.owner !== ownerKey(owner)) return undefined;
      if (entry.notice.kind === 'token') held.delete(id);
      return entry.notice;
    },
  };
}
