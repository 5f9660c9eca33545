// Listens to the elements' din-change events (their detail is the state).
const last = document.getElementById('last');
window.dinChanges = [];
document.addEventListener('din-change', (e) => {
  window.dinChanges.push({ id: e.target.id, scene: e.detail.scene });
  last.textContent = `${e.target.id}: ${e.detail.scene}, q = [${e.detail.query.map((v) => v.toFixed(2)).join(', ')}]`;
});
