// The deck's own script: starts reveal.js and forwards the keys the
// embedded widgets pass on. A widget in an <iframe> cannot let its key
// events reach this page, so it posts them:
//   { type: 'din-attention:key', key, code, action: 'next' | 'prev' | null,
//     altKey, ctrlKey, metaKey, shiftKey }
// A <din-attention> element needs nothing: keys it does not use bubble.
/* global Reveal */
Reveal.initialize({ hash: true, controls: true, progress: true, center: false, width: 1100, height: 760 });

window.addEventListener('message', (e) => {
  const m = e.data;
  if (!m || m.type !== 'din-attention:key') return;
  if (m.action === 'next') Reveal.next();
  else if (m.action === 'prev') Reveal.prev();
  else if (m.key === 'Escape' || m.key === 'o') Reveal.toggleOverview();
  else if (m.key === 'f') document.documentElement.requestFullscreen?.();
});
