import type { DownResult, PlanView } from '../../api/deploy.js';
import type { AssetTable } from '../assets.js';
import { CsrfField, ErrorBox } from './components.js';
import { Layout, type PageUser } from './layout.js';
import { DownList, PlanList } from './plan.js';
import type { Loaded } from './stack.js';

export type StackAction = 'up' | 'restart' | 'down';

export const ACTION_WORDS: Readonly<Record<StackAction, { readonly verb: string; readonly title: string }>> =
  {
    up: { verb: 'deploy', title: 'Deploy' },
    restart: { verb: 'restart', title: 'Restart' },
    down: { verb: 'down', title: 'Take down' },
  };

export type ConfirmWhat =
  | { readonly action: 'up'; readonly plan: Loaded<PlanView> }
  | { readonly action: 'restart'; readonly services: readonly string[] }
  | { readonly action: 'down'; readonly removal: Loaded<DownResult> };

function What({ what }: { what: ConfirmWhat }) {
  switch (what.action) {
    case 'up':
      return what.plan.ok ? <PlanList plan={what.plan.value} /> : <ErrorBox message={what.plan.error} />;
    case 'restart':
      return (
        <p>
          {`Restarts every service in dependency order, each gated on its health: ${what.services.join(', ')}.`}
        </p>
      );
    case 'down':
      return what.removal.ok ? (
        <DownList removal={what.removal.value} />
      ) : (
        <ErrorBox message={what.removal.error} />
      );
  }
}

/** What the action would do, and the one button that does it. */
export function ConfirmPage(props: { assets: AssetTable; user: PageUser; stack: string; what: ConfirmWhat }) {
  const words = ACTION_WORDS[props.what.action];
  const stackUrl = `/stacks/${encodeURIComponent(props.stack)}`;
  return (
    <Layout title={`${words.title} ${props.stack}`} assets={props.assets} user={props.user}>
      <p class="crumbs">
        <a href="/">Stacks</a> / <a href={stackUrl}>{props.stack}</a> /
      </p>
      <h1>{`${words.title} ${props.stack}?`}</h1>
      <section aria-labelledby="plan-title">
        <h2 id="plan-title">Plan</h2>
        <What what={props.what} />
      </section>
      <form method="post" action={`${stackUrl}/${props.what.action}`} class="actions">
        <CsrfField token={props.user.csrf} />
        <button type="submit" class={props.what.action === 'down' ? 'danger' : undefined}>
          {`Confirm ${words.verb}`}
        </button>
        <a href={stackUrl}>Cancel</a>
      </form>
    </Layout>
  );
}
