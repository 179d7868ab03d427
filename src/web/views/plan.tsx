import type { DownResult, PlanView } from '../../api/deploy.js';
import { planBackupText } from '../../api/plan-backup-text.js';
import { ErrorBox } from './components.js';

// What an operation would change, as the API gives it (redacted there): the stack page's "Plan"
// section and the confirmation pages.

type Step = PlanView['services'][number]['steps'][number];

const reasons = (list: readonly string[]): string => (list.length > 0 ? ` — ${list.join('; ')}` : '');

function stepText(step: Step): string {
  const replica = `${step.service} #${step.replica}`;
  switch (step.kind) {
    case 'create':
      return `create ${replica}${reasons(step.reasons)}`;
    case 'recreate':
      return `recreate ${replica} (${step.strategy})${reasons(step.reasons)}`;
    case 'start':
      return `start ${replica} (${step.current.name})${reasons(step.reasons)}`;
  }
}

/** Whether applying the plan would change nothing. */
export function planIsEmpty(plan: PlanView): boolean {
  return (
    plan.resources.length === 0 &&
    plan.pulls.length === 0 &&
    plan.builds.length === 0 &&
    plan.removals.length === 0 &&
    plan.services.every((s) => s.steps.length === 0)
  );
}

/**
 * What `up` would do about the services' backup policies before it changes anything (taken first,
 * failing there and deploying nothing, or not taken, and why); nothing when no service has a policy.
 */
function PlanBackups({ backups }: { backups: PlanView['backups'] }) {
  if (!backups || backups.length === 0) return null;
  return (
    <div class="plan-backups">
      <p>Backups before the deploy (x-berth.backup):</p>
      <ul>
        {backups.map((b) => {
          const { mark, text, hint } = planBackupText(b);
          return (
            <li
              data-service={b.service}
              data-backup={mark}
              class={mark === 'fails' ? 'outcome-failed' : undefined}
            >
              {text}
              {hint ? <span class="hint">{` (hint: ${hint})`}</span> : null}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** The plan of `up` as a list of steps, or a sentence saying nothing would change. */
export function PlanList({ plan }: { plan: PlanView }) {
  const problems = plan.problems.map((p) => (
    <ErrorBox message={`${p.code}: ${p.where ? `${p.where}: ` : ''}${p.message}`} hint={p.hint} />
  ));
  if (planIsEmpty(plan)) {
    return (
      <div class="plan" data-plan="empty">
        {problems}
        <p>Nothing to change: the stack runs as its files say.</p>
      </div>
    );
  }
  return (
    <div class="plan" data-plan="changes">
      {problems}
      <ul>
        {plan.resources.map((r) => (
          <li>{`${r.kind.replace('-', ' ')} ${r.name}`}</li>
        ))}
        {plan.pulls.map((p) => (
          <li
            data-service={p.services.join(' ')}
          >{`pull ${p.image}${p.platform ? ` (${p.platform})` : ''} for ${p.services.join(', ')}${reasons(p.reasons)}${p.required ? '' : ' (if it fails, the image the engine has is deployed)'}`}</li>
        ))}
        {plan.builds.map((b) => (
          <li
            data-service={b.service}
          >{`build ${b.request.tag}${b.request.platform ? ` (${b.request.platform})` : ''} for ${b.service}${reasons(b.reasons)}${b.request.noCache ? ' (without the build cache)' : ''}`}</li>
        ))}
        {plan.services.flatMap((s) =>
          s.steps.map((step) => <li data-service={s.service}>{stepText(step)}</li>),
        )}
        {plan.removals.map((r) => (
          <li data-service={r.service}>{`remove ${r.current.name}${reasons(r.reasons)}`}</li>
        ))}
      </ul>
      <PlanBackups backups={plan.backups} />
    </div>
  );
}

/** What `down` would remove. */
export function DownList({ removal }: { removal: DownResult }) {
  const items = [
    ...removal.containers.map((n) => `remove container ${n}`),
    ...removal.networks.map((n) => `remove network ${n}`),
    ...removal.volumes.map((n) => `remove volume ${n} and its data`),
    ...(removal.kept ?? []).map(
      (k) => `keep ${k.kind} ${k.name}: ${k.holders.join(', ')} (not this stack's) still use it`,
    ),
  ];
  if (items.length === 0) return <p data-plan="empty">Nothing to remove: the stack is not running.</p>;
  return (
    <ul class="plan" data-plan="changes">
      {items.map((t) => (
        <li>{t}</li>
      ))}
    </ul>
  );
}
