// Berth's live operation page: keeps the stream's position in the `sse-connect` URL.
// A dropped stream is resumed by the browser itself with `Last-Event-ID` (the server honours it).
// When the EventSource dies hard (closed, not reconnecting), htmx's SSE extension opens a new
// one from the `sse-connect` attribute, without `Last-Event-ID`: with `after` kept up to date here,
// that one also resumes after the last line shown instead of sending lines again.
document.addEventListener('htmx:sseMessage', (event) => {
  const id = event.detail ? event.detail.lastEventId : '';
  if (typeof id !== 'string' || !/^\d+$/.test(id)) return;
  const source = event.target instanceof Element ? event.target.closest('[sse-connect]') : null;
  if (!source) return;
  const url = new URL(source.getAttribute('sse-connect') || '', window.location.href);
  url.searchParams.set('after', id);
  source.setAttribute('sse-connect', `${url.pathname}${url.search}`);
});
