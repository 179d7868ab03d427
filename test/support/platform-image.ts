import { pack } from 'tar-stream';
import { engineRequest } from './registry.js';

// An image the engine records as built for another platform (`FROM scratch` with the legacy
// builder's `platform=`): nothing in it runs, but its Os/Architecture are what a pulled image of
// that platform would carry. Berth's engine client builds only for the engine's own platform.

/** The build context buildForPlatform sends: a folder with these files builds from its cache. */
export const PLATFORM_CONTEXT: Readonly<Record<string, string>> = {
  Dockerfile: 'FROM scratch\nCOPY hello /hello\n',
  hello: 'not a program\n',
};

/** Builds `reference` for `platform` (e.g. `linux/arm64`) through the Engine API; resolves with the build's output. */
export async function buildForPlatform(reference: string, platform: string): Promise<string> {
  const tar = pack();
  for (const [name, text] of Object.entries(PLATFORM_CONTEXT)) tar.entry({ name }, text);
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const query = new URLSearchParams({ t: reference, platform, rm: '1' });
  const output = await engineRequest(
    'POST',
    `/build?${query}`,
    { 'Content-Type': 'application/x-tar', 'Content-Length': body.length },
    body,
  );
  if (output.status !== 200 || !output.body.includes('Successfully tagged'))
    throw new Error(`building ${reference} for ${platform}: ${output.status} ${output.body}`);
  return output.body;
}
