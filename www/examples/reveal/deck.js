// The deck's own script: starts reveal.js and forwards the keys the
// embedded widgets pass on. A widget in an <iframe> cannot let its key
// events reach this page, so it posts them:
//   { type: 'din-attention:key', key, code, action: 'next' | 'prev' | null,
//     altKey, ctrlKey, metaKey, shiftKey }
// A <din-attention> element needs nothing: keys it does not use bubble.
/* global Reveal */
Reveal.initialize({ hash: true, controls: true, progress: true, center: false, width: 1100, height: 760 });

// Only this deck's own iframes may drive it: a message from any other
// window (another tab, a frame it did not embed) is ignored.
const fromOwnFrame = (e) => [...document.querySelectorAll('iframe')].some((f) => f.contentWindow === e.source);

window.addEventListener('message', (e) => {
  const m = e.data;
  if (!m || m.type !== 'din-attention:key' || !fromOwnFrame(e)) return;
  if (m.action === 'next') Reveal.next();
  else if (m.action === 'prev') Reveal.prev();
  else if (m.key === 'Escape' || m.key === 'o') Reveal.toggleOverview();
  else if (m.key === 'f') document.documentElement.requestFullscreen?.();
  if (m.action) leaveFrame(e.source);
});

/**
 * The deck moved on a key a widget's iframe passed on: that iframe is now
 * off screen, so the focus leaves it and the next keys (← included) drive
 * the deck again instead of the hidden widget.
 */
function leaveFrame(source) {
  const frame = [...document.querySelectorAll('iframe')].find((f) => f.contentWindow === source);
  if (frame && document.activeElement === frame) {
    frame.blur();
    window.focus();
  }
}
