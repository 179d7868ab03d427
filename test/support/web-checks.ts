// Scripts the browser tests run inside the page (page.evaluate / addInitScript). They are plain
// JavaScript text on purpose: a function handed over from TypeScript would be serialized after the
// transpiler rewrote it, and helpers it adds (e.g. __name) do not exist in the page.

/** Inputs without a label, and buttons or links without an accessible name. */
export const LABELS_SCRIPT = `(() => {
  const problems = [];
  const describe = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (e.getAttribute('name') ? '[name=' + e.getAttribute('name') + ']' : '');
  const byIds = (e) => (e.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
    .map((id) => (document.getElementById(id) || {}).textContent || '').join(' ').trim();
  const named = (e) => Boolean((e.getAttribute('aria-label') || '').trim() || byIds(e) || (e.getAttribute('title') || '').trim());
  if (!document.documentElement.lang) problems.push('html has no lang');
  if (!document.title.trim()) problems.push('the document has no title');
  for (const e of document.querySelectorAll('input, select, textarea')) {
    const type = (e.getAttribute('type') || '').toLowerCase();
    if (type === 'hidden') continue;
    if (['submit', 'button', 'reset'].includes(type)) {
      if (!(e.value || '').trim() && !named(e)) problems.push('button ' + describe(e) + ' has no name');
      continue;
    }
    const labelled = [...(e.labels || [])].some((l) => l.textContent.trim());
    if (!labelled && !named(e)) problems.push(describe(e) + ' has no label');
  }
  for (const e of document.querySelectorAll('button, a[href], [role=button]')) {
    const text = (e.textContent || '').trim();
    const alt = [...e.querySelectorAll('img[alt], svg[aria-label]')].some((i) => (i.getAttribute('alt') || i.getAttribute('aria-label') || '').trim());
    if (!text && !alt && !named(e)) problems.push(describe(e) + ' has no accessible name');
  }
  return problems;
})()`;

/** WCAG 2 contrast of every visible text run against the colours behind it. */
export const CONTRAST_SCRIPT = `(() => {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 1;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  // Any CSS colour (rgb, hsl, oklch, color()) as 0-255 channels and an alpha of 0-1.
  const rgba = (css) => {
    ctx.clearRect(0, 0, 1, 1);
    ctx.fillStyle = '#000';
    ctx.fillStyle = css;
    ctx.fillRect(0, 0, 1, 1);
    const d = ctx.getImageData(0, 0, 1, 1).data;
    return [d[0], d[1], d[2], d[3] / 255];
  };
  const over = (top, bottom) => [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3])).concat(1);
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const hex = (c) => '#' + c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
  // The background behind an element: its own and its ancestors' colours, composited on white;
  // undefined when an image or gradient is in the way.
  const background = (e) => {
    const layers = [];
    for (let n = e; n; n = n.parentElement) {
      const s = getComputedStyle(n);
      if (s.backgroundImage && s.backgroundImage !== 'none') return undefined;
      const c = rgba(s.backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    return layers.reverse().reduce((acc, layer) => over(layer, acc), [255, 255, 255, 1]);
  };
  const problems = [];
  const checked = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    const e = t.parentElement;
    if (!e || checked.has(e) || !t.textContent.trim()) continue;
    checked.add(e);
    if (e.closest('[hidden], [aria-hidden=true], script, style, noscript, template')) continue;
    const s = getComputedStyle(e);
    if (s.visibility !== 'visible' || Number(s.opacity) === 0) continue;
    const box = e.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue; // visually hidden (screen-reader) text
    if (e.closest('button:disabled, input:disabled, select:disabled, textarea:disabled')) continue;
    const bg = background(e);
    if (!bg) continue;
    const fg = over(rgba(s.color), bg);
    const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(s.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
    const need = large ? 3 : 4.5;
    if (ratio < need) {
      problems.push(e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : '') +
        ' "' + t.textContent.trim().slice(0, 40) + '": ' + ratio.toFixed(2) + ':1 (' + hex(fg) + ' on ' + hex(bg) +
        ', needs ' + need + ':1)');
    }
  }
  return problems;
})()`;

/** Installed before the page's own scripts: counts of #events > li after the load, vs the outcome. */
export const LIVE_EVENTS_SCRIPT = `(() => {
  const live = { atLoad: -1, beforeOutcome: -1 };
  window.__berthLive = live;
  const FINAL = ['succeeded', 'failed', 'rolled-back', 'unchanged'];
  const count = () => document.querySelectorAll('#events > li').length;
  const done = () => FINAL.includes((document.querySelector('#outcome') || { dataset: {} }).dataset.outcome);
  const look = () => {
    if (live.atLoad < 0 || done()) return;
    live.beforeOutcome = Math.max(live.beforeOutcome, count());
  };
  document.addEventListener('DOMContentLoaded', () => {
    live.atLoad = count();
    live.beforeOutcome = live.atLoad;
  });
  new MutationObserver(look).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-outcome'] });
})()`;
