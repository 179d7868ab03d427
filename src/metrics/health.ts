import type { HealthService } from '../health/service.js';
import type { AppMetrics } from './registry.js';

/** Keeps the probe and container series current from the health service's results and looks. */
export function recordHealth(metrics: AppMetrics, health: HealthService): void {
  health.onResult((key, result, state) => {
    const labels = { stack: key.stack, service: key.service, probe: key.probe };
    if (state.status === 'unknown') metrics.probeUp.remove(labels);
    else metrics.probeUp.set(labels, state.status === 'up' ? 1 : 0);
    if (result.latencyMs !== undefined) {
      metrics.probeLastDuration.set(labels, result.latencyMs / 1000);
      metrics.probeDuration.observe({ stack: key.stack, type: health.typeOf(key) }, result.latencyMs / 1000);
    }
  });
  health.recorder.onForget((key) => {
    const labels = { stack: key.stack, service: key.service, probe: key.probe };
    metrics.probeUp.remove(labels);
    metrics.probeLastDuration.remove(labels);
  });
  health.onContainer(
    (labels, restarts) => metrics.containerRestarts.set(labels, restarts),
    (labels) => metrics.containerRestarts.remove(labels),
  );
  health.onRun((sample) => metrics.probeLag.observe(sample.lagMs / 1000));
}
