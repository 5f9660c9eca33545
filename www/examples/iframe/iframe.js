// Shows the keys the embedded widget passes on (the documented postMessage form).
const log = document.getElementById('log');
const seen = [];
window.addEventListener('message', (e) => {
  const m = e.data;
  // Only from this page's own frames.
  if (!m || m.type !== 'din-attention:key' || ![...document.querySelectorAll('iframe')].some((f) => f.contentWindow === e.source)) return;
  seen.push(m.action ? `${m.key} (${m.action})` : m.key);
  log.textContent = seen.slice(-8).join(', ');
  window.dinKeys = seen;
});
