// The connection to the Docker Engine: the only module of Berth that loads dockerode. Types, labels
// and errors are in ./model.js, which never loads it.

export type { EngineCall, EngineLogger } from './call-log.js';
export {
  type ConnectConfig,
  compareApiVersions,
  connectEngine,
  createEngine,
  NEWEST_API_VERSION,
  negotiateApiVersion,
  OLDEST_API_VERSION,
} from './connect.js';
export type { EngineRequest, Transport } from './transport.js';
