import type { Store } from '../store/index.js';

/** The parts of the store that deploying, removing and restarting a stack use. */
export type DeployStores = Pick<
  Store,
  'deployments' | 'locks' | 'appliedSpecs' | 'installState' | 'imagePulls' | 'stackImages' | 'stackDowns'
>;
