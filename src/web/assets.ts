import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

// The dashboard's static files: htmx and its SSE extension from their npm packages, and Berth's own
// style sheet and resume script (assets/resume.js: a hard reconnect resumes after the last line). Each is served at a URL holding a hash of its content, so it may be cached forever.

export interface Asset {
  /** `/assets/htmx.1a2b3c4d.js` */
  readonly url: string;
  readonly contentType: string;
  readonly body: Uint8Array;
  readonly gzip: Uint8Array;
}

export interface AssetTable {
  readonly htmx: Asset;
  readonly sse: Asset;
  /** Keeps a live page's `sse-connect` URL at the last event shown (assets/resume.js). */
  readonly resume: Asset;
  readonly css: Asset;
  /** By URL path. */
  readonly byPath: ReadonlyMap<string, Asset>;
}

export const IMMUTABLE = 'public, max-age=31536000, immutable';

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/** An asset named `<name>.<first 8 hex of sha256>.<ext>`. */
export function asset(name: string, ext: string, contentType: string, body: Uint8Array): Asset {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 8);
  return { url: `/assets/${name}.${hash}.${ext}`, contentType, body, gzip: gzipSync(body, { level: 9 }) };
}

/**
 * Reads the files once: htmx from node_modules (resolved like an import, so it is found from src/
 * under tsx and from dist/ when built), the style sheet and resume script from `assets/` next to
 * this module (the build copies it into dist/web/assets).
 */
export function loadAssets(): AssetTable {
  const require = createRequire(import.meta.url);
  const read = (path: string) => new Uint8Array(readFileSync(path));
  const htmx = asset('htmx', 'js', JS, read(require.resolve('htmx.org/dist/htmx.min.js')));
  const sse = asset('sse', 'js', JS, read(require.resolve('htmx-ext-sse/dist/sse.min.js')));
  const own = (file: string) => read(fileURLToPath(new URL(`./assets/${file}`, import.meta.url)));
  const css = asset('berth', 'css', CSS, own('berth.css'));
  const resume = asset('resume', 'js', JS, own('resume.js'));
  return { htmx, sse, resume, css, byPath: new Map([htmx, sse, resume, css].map((a) => [a.url, a])) };
}
