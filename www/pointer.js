// pointer.js — the charts under the pointer: hover and tap highlight an
// item and show its explanation, a click on a bar chooses the unit panel's
// item, q and the items are dragged on the map, and the arrow keys move q
// while the map has focus. Hit tests and drags are the App's.
//
// May depend on: the widget core (this.app, ui, shell, guard, edit,
// syncControls, scheduleCommit, notify), canvases.js (local, scheduleDraw),
// tip.js.

export const Pointer = (Base) => class extends Base {
  wirePointer() {
    const { ui, app, shell } = this;
    const edit = this.edit.bind(this);
    ui.bars.addEventListener('click', (e) => {
      const [x, y] = this.local(ui.bars, e);
      const i = this.guard(() => app.barsHit(x, y));
      if (i >= 0) { this.guard(() => app.selectItem(i)); ui.unitItem.value = String(i); this.scheduleDraw(); }
    });
    const hover = (i) => { this.guard(() => app.setHighlight(i)); this.scheduleDraw(); };
    // Explanations (issue 11 §6): hover or tap a bar, a Q/K/V row or a map point; focus a chart and use ↑ ↓.
    const explainAt = (canvas, e, i) => {
      if (i >= 0) this.showTip(canvas, `x${i + 1}`, this.local(canvas, e));
      else if (this.tip && this.tip.canvas === canvas) this.hideTip();
    };
    for (const [canvas, hit] of [[ui.bars, (x, y) => app.barsHit(x, y)], [ui.qkv, (x, y) => app.qkvHit(x, y)]]) {
      canvas.addEventListener('pointermove', (e) => {
        if (e.pointerType === 'touch') return;
        const [x, y] = this.local(canvas, e);
        const i = this.guard(() => hit(x, y));
        hover(i);
        explainAt(canvas, e, i);
      });
      canvas.addEventListener('pointerleave', (e) => {
        if (e.pointerType === 'touch') return;
        hover(-1);
        if (this.tip && this.tip.canvas === canvas && this.tip.at) this.hideTip();
      });
      // Touch: a tap shows the explanation (and the highlight) until the next tap elsewhere.
      canvas.addEventListener('pointerup', (e) => {
        if (e.pointerType !== 'touch') return;
        const [x, y] = this.local(canvas, e);
        const i = this.guard(() => hit(x, y));
        hover(i);
        explainAt(canvas, e, i);
      });
      canvas.addEventListener('blur', () => { if (this.tip && this.tip.canvas === canvas && !this.tip.at) { this.hideTip(); hover(-1); } });
    }
    ui.bars.addEventListener('keydown', (e) => this.tipKeys(ui.bars, e, () => {
      const lay = JSON.parse(this.guard(() => app.barsLayoutJson()));
      return lay ? lay.items : [];
    }));
    ui.qkv.addEventListener('keydown', (e) => this.tipKeys(ui.qkv, e, () => JSON.parse(this.guard(() => app.qkvRowsJson())).map((_, i) => i)));
    // Keyboard focus on the map explains q (a click or a drag focuses it too, without a tooltip).
    ui.map.addEventListener('focus', () => { if (ui.map.matches(':focus-visible') && (!this.tip || this.tip.canvas !== ui.map)) this.showTip(ui.map, 'q', null); });
    ui.map.addEventListener('blur', () => { if (this.tip && this.tip.canvas === ui.map && !this.tip.at) this.hideTip(); });
    ui.map.addEventListener('pointerleave', (e) => {
      if (!this.guard(() => app.isDragging())) hover(-1);
      if (e.pointerType !== 'touch' && this.tip && this.tip.canvas === ui.map && this.tip.at) this.hideTip();
    });
    shell.addEventListener('pointerdown', (e) => {
      // A tap or click outside the charts with explanations closes a tapped one.
      if (this.tip && this.tip.at && ![ui.bars, ui.qkv, ui.map, ui.tip].some((el) => el.contains(e.target))) this.hideTip();
    });

    // The map: drag q or an item; arrow keys move q while it has focus.
    ui.map.addEventListener('pointerdown', (e) => {
      // The map takes focus (preventDefault below would keep it where it
      // was), so Ctrl+Z after a drag and the arrow keys reach the widget.
      ui.map.focus({ preventScroll: true });
      const [x, y] = this.local(ui.map, e);
      this.tapStart = e.pointerType === 'touch' ? [e.clientX, e.clientY] : null;
      const hit = this.guard(() => app.mapPointerDown(x, y));
      if (hit !== -1) {
        // A drag moves the point away from a hover explanation: it comes back on the next hover.
        if (this.tip && this.tip.canvas === ui.map && this.tip.at) this.hideTip();
        ui.map.setPointerCapture(e.pointerId);
        ui.map.style.cursor = 'grabbing';
        e.preventDefault();
      }
    });
    ui.map.addEventListener('pointermove', (e) => {
      const [x, y] = this.local(ui.map, e);
      if (this.guard(() => app.isDragging())) {
        edit(null, () => app.mapPointerMove(x, y), { burst: true });
      } else if (e.pointerType === 'mouse' || e.pointerType === 'pen') {
        // mapHit: the item (0-based), -2 for q, -1 for nothing; hitName names it for the explanation.
        const i = this.guard(() => app.mapHit(x, y));
        const hit = i === -1 ? '' : this.guard(() => app.hitName(i));
        ui.map.style.cursor = hit ? 'grab' : 'default';
        this.guard(() => app.setHighlight(i >= 0 ? i : -1));
        this.scheduleDraw();
        if (hit) this.showTip(ui.map, hit, [x, y]);
        else if (this.tip && this.tip.canvas === ui.map && this.tip.at) this.hideTip();
      }
    });
    const up = (e) => {
      if (e.type === 'pointerup' && e.pointerType === 'touch' && this.tapStart) {
        // A tap (no drag) on a point shows its explanation.
        const moved = Math.hypot(e.clientX - this.tapStart[0], e.clientY - this.tapStart[1]);
        this.tapStart = null;
        if (moved < 10) {
          const [x, y] = this.local(ui.map, e);
          const i = this.guard(() => app.mapHit(x, y));
          const hit = i === -1 ? '' : this.guard(() => app.hitName(i));
          if (hit) this.showTip(ui.map, hit, [x, y]);
          else this.hideTip();
        }
      }
      if (this.guard(() => app.isDragging())) {
        this.guard(() => app.mapPointerUp());
        ui.map.style.cursor = 'grab';
        if (ui.map.hasPointerCapture(e.pointerId)) ui.map.releasePointerCapture(e.pointerId);
        this.syncControls(null);
        this.scheduleDraw();
        this.scheduleCommit(0);
        this.notify();
      }
    };
    ui.map.addEventListener('pointerup', up);
    ui.map.addEventListener('pointercancel', up);
    ui.map.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.tip) { this.hideTip(); e.preventDefault(); return; }
      const steps = e.shiftKey ? 5 : 1;
      const dir = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] }[e.key];
      if (!dir) return;
      e.preventDefault();
      edit(null, () => app.nudgeQuery(dir[0] * steps, dir[1] * steps), { burst: true });
    });
  }
};
