import { formatBytes, imageNames, shortImageId } from '../../api/bytes-text.js';
import type { ImagePruneResult } from '../../api/images.js';
import type { AssetTable } from '../assets.js';
import { CsrfField, ErrorBox } from './components.js';
import { Layout, type PageUser } from './layout.js';
import type { Loaded } from './stack.js';

const versions = (n: number) => `${n} deployed version${n === 1 ? '' : 's'} per service`;

/** Each recorded image: kept (why), would go or went (why), with its tags, services and size. */
export function ImageList({ result }: { result: ImagePruneResult }) {
  if (result.decisions.length === 0)
    return <p data-images="none">Berth has pulled or built no images for this stack: nothing to prune.</p>;
  const gone = result.decisions.filter((d) => !d.keep).length;
  return (
    <>
      <ul class="plan" data-images="list">
        {result.decisions.map((d) => (
          <li data-image={shortImageId(d.image)} data-keep={String(d.keep)}>
            {`${d.keep ? 'keep' : d.removed ? 'removed' : 'remove'} ${shortImageId(d.image)} ${imageNames(d)} (${d.services.join(', ')}${d.size === undefined ? '' : `, ${formatBytes(d.size)}`}): ${d.reasons.join('; ')}`}
          </li>
        ))}
      </ul>
      <p data-images="total">
        {gone === 0
          ? `Nothing to remove, keeping ${versions(result.keep)}.`
          : `${result.dryRun ? 'Would remove' : 'Removed'} ${gone} image${gone === 1 ? '' : 's'}, ${formatBytes(result.freedBytes)}${result.dryRun ? ' to free' : ' freed'}, keeping ${versions(result.keep)}.`}
      </p>
    </>
  );
}

/**
 * GET /stacks/:stack/images: what a prune would remove and why each image stays, and the button that
 * prunes; after the prune (`done`), what it removed.
 */
export function ImagesPage(props: {
  assets: AssetTable;
  user: PageUser;
  stack: string;
  result: Loaded<ImagePruneResult> | undefined;
  done: boolean;
}) {
  const stackUrl = `/stacks/${encodeURIComponent(props.stack)}`;
  const title = props.done ? `Pruned images of ${props.stack}` : `Prune old images of ${props.stack}?`;
  const { result } = props;
  return (
    <Layout title={title} assets={props.assets} user={props.user}>
      <p class="crumbs">
        <a href="/">Stacks</a> / <a href={stackUrl}>{props.stack}</a> /
      </p>
      <h1>{title}</h1>
      <p>
        Only images Berth pulled or built for this stack are removed, and never one a container uses, the
        compose file names, or another tag also names.
      </p>
      <section aria-labelledby="images-title">
        <h2 id="images-title">Images</h2>
        {result === undefined ? (
          <ErrorBox message="This result has expired or belongs to another session: look at the stack's current state." />
        ) : result.ok ? (
          <ImageList result={result.value} />
        ) : (
          <ErrorBox message={result.error} />
        )}
      </section>
      {props.done ? (
        <p class="actions">
          <a href={stackUrl}>{`Back to ${props.stack}`}</a>
        </p>
      ) : (
        <form method="post" action={`${stackUrl}/images`} class="actions">
          <CsrfField token={props.user.csrf} />
          <button type="submit" class="danger">
            Confirm prune
          </button>
          <a href={stackUrl}>Cancel</a>
        </form>
      )}
    </Layout>
  );
}
