import type { HealthList, ProbeDetail } from '../api/health.js';

/** What the CLI asks of health, in-process (`--local`: what `berth serve` recorded) or through the API. */
export interface HealthOperations {
  healthList(stack?: string): Promise<HealthList>;
  probeDetail(key: { stack: string; service: string; probe: string }): Promise<ProbeDetail>;
}
