// steps.js — the step-through: its buttons and counter, the note on which
// setting it uses, stepping forward and back, and the weighted sum's
// animation (requestAnimationFrame; reduced motion skips it). Which step
// is shown, and what each step draws, is the App's.
//
// May depend on: util.js, wasm.js (poisoned); the widget core (this.app,
// ui, guard, edit, t, changed, scheduleDraw, say), canvases.js (pixelRatio).

import { KEYS_NEXT, KEYS_PREV, put, putAttr } from './util.js';
import { poisoned } from './wasm.js';

export const Steps = (Base) => class extends Base {
  syncSteps() {
    const { ui } = this;
    const step = this.guard(() => this.app.step());
    const total = this.guard(() => this.app.stepsTotal());
    const on = step >= 0;
    // (Each write only on a change: this runs on every edit of q.)
    put(ui.stepsToggle, 'textContent', this.t(on ? 'steps-off' : 'steps-on'));
    putAttr(ui.stepsToggle, 'aria-pressed', String(on));
    put(ui.stepPrev, 'disabled', !on || step <= 0);
    put(ui.stepNext, 'disabled', !on || step >= total - 1);
    put(ui.stepCount, 'textContent', on ? `${step} / ${total - 1}` : '');
    // Which setting the step-through uses, and the switch between the
    // lecture setting and the user's own.
    put(ui.stepsSetting, 'hidden', !on);
    if (on) {
      const s = JSON.parse(this.guard(() => this.app.stepSettingJson()));
      put(ui.stepsSettingText, 'textContent', s.note);
      put(ui.stepsSettingSwitch, 'hidden', !s.action);
      put(ui.stepsSettingSwitch, 'textContent', s.action || '');
      put(ui.stepsSettingSwitch.dataset, 'on', String(!s.applied));
    }
  }

  // ------------------------------------------------------------ the weighted sum, animated

  /**
   * On the weighted-sum step reached by stepping forward, the parts αᵢxᵢ
   * are added into the sum strip one after the other (about 1.6 s), unless
   * the reader prefers reduced motion. While it runs, frame() and settled()
   * wait for its last frame, and the shell carries data-animating.
   */
  startSumAnimation() {
    const reduce = typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
    if (reduce || !this.guard(() => this.app.onSumStep())) return;
    const duration = 1600;
    const start = performance.now();
    this.animating = true;
    this.shell.dataset.animating = 'true';
    this.guard(() => this.app.setSumProgress(0));
    const tick = (now) => {
      if (!this.animating) return;
      const t = Math.min(1, (now - start) / duration);
      if (this.broken || poisoned || !this.guard(() => this.app.onSumStep())) { this.stopSumAnimation(); return; }
      this.guard(() => this.app.setSumProgress(t));
      if (t >= 1) { this.stopSumAnimation(); return; }
      // Only the step-through changes while the sum builds up.
      try {
        this.guard(() => this.app.renderPanel('steps', this.pixelRatio()));
      } catch (e) {
        if (!this.broken) this.say(e.message, 'error');
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  /** Ends the animation (at rest: the whole sum) and draws the complete frame. */
  stopSumAnimation() {
    if (!this.animating) return;
    this.animating = false;
    delete this.shell.dataset.animating;
    if (!this.broken && !poisoned) this.guard(() => this.app.setSumProgress(1));
    this.scheduleDraw();
  }

  /** One step forward or back; the weighted sum animates when stepped onto. Returns whether it moved. */
  stepBy(forward) {
    this.stopSumAnimation();
    if (!this.guard(() => this.app.stepBy(forward))) return false;
    this.changed(null);
    if (forward) this.startSumAnimation();
    return true;
  }

  /** Starts (on) or stops the step-through; the lecture setting it switches to or from is one undo step. */
  toggleSteps(on) {
    this.stopSumAnimation();
    this.edit(null, () => (on ? this.app.startSteps() : this.app.stopSteps()), { commit: true });
  }

  wireSteps() {
    const { ui, app } = this;
    const edit = this.edit.bind(this);
    // Step-through: buttons, and keys while the widget has focus.
    ui.stepsToggle.addEventListener('click', () => {
      const on = this.guard(() => app.step()) >= 0;
      this.toggleSteps(!on);
      if (!on) ui.steps.focus();
    });
    ui.stepPrev.addEventListener('click', () => this.stepBy(false));
    ui.stepNext.addEventListener('click', () => this.stepBy(true));
    ui.stepsSettingSwitch.addEventListener('click', () => {
      const on = ui.stepsSettingSwitch.dataset.on === 'true';
      edit(null, () => app.useStepSetting(on), { commit: true });
    });
    ui.steps.addEventListener('keydown', (e) => {
      if (this.guard(() => app.step()) < 0 && (KEYS_NEXT.includes(e.key) || KEYS_PREV.includes(e.key))) {
        this.toggleSteps(true);
        e.preventDefault();
      }
    });
  }
};
