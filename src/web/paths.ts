// Which paths the API answers: a small module of its own, so `berth serve` can route a request
// without loading the dashboard (src/web/app.ts loads on the first page request).

/** Paths the API answers (its routes, probes and metrics); every other path is the dashboard's. */
export function apiOwns(path: string): boolean {
  return (
    path === '/api' ||
    path.startsWith('/api/') ||
    path === '/healthz' ||
    path === '/readyz' ||
    path === '/metrics'
  );
}
