//! The pure session: everything the page's `App` holds except canvases,
//! their layouts, render caches and the drag's geometry, with the policy
//! that decides how each channel changes it (an edit, `setState`, a link,
//! undo and redo, reset, loading a scene, importing). The wasm layer only
//! converts text and errors at the boundary and draws; every rule here is
//! tested with plain `cargo test -p din-core`.
//!
//! Every method either applies its whole change or returns a [`Message`]
//! (code, English and Chinese) and changes nothing.

mod edits;
mod link;
mod read;
#[cfg(test)]
mod tests;

use crate::attention::Attention;
use crate::errors::{Localized, Message, SessionRefusal};
use crate::history::History;
use crate::i18n::Lang;
use crate::options::{Layout, Panel, Placement, Theme, ViewPatch};
use crate::presets::{self, Preset};
use crate::projection::Basis;
use crate::scene::Scene;
use std::borrow::Cow;

/// Where the scene on screen came from: what "reset scene" returns to is
/// [`Session::origin`]; this says what it was.
#[derive(Clone, Debug)]
pub enum Source {
    /// A built-in scene (its candidates, categories and hints).
    Preset(Preset),
    /// A generated LastN of `n` items in `d` dimensions from `seed`.
    Generated {
        /// Items.
        n: usize,
        /// Dimensions.
        d: usize,
        /// The seed of `presets::generated`.
        seed: u64,
    },
    /// Imported (a file, the Projector's pair, a snapshot, or a link or
    /// state naming no built-in scene), with the scene's name.
    Imported {
        /// The scene's name as imported.
        name: String,
    },
}

impl Source {
    /// The built-in scene's id, or `None` for a generated or imported scene.
    #[must_use]
    pub fn preset_id(&self) -> Option<&'static str> {
        match self {
            Source::Preset(p) => Some(p.id),
            _ => None,
        }
    }

    /// The source of a scene named `name`: the built-in scene of that name,
    /// or an imported one.
    #[must_use]
    pub fn named(name: &str) -> Source {
        presets::preset(name).map_or_else(|| Source::Imported { name: name.to_owned() }, Source::Preset)
    }
}

/// How often the expensive steps ran (the page's `workJson`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Work {
    /// Scenes put on screen.
    pub installs: u32,
    /// States written as link text.
    pub encodes: u32,
    /// Link texts read.
    pub decodes: u32,
}

/// The session: the scene, where it came from, its undo history, the view
/// options and the step-through, with every change's policy.
#[derive(Clone, Debug)]
pub struct Session {
    /// The scene on screen.
    pub scene: Scene,
    /// The scene as it was loaded (preset, generated or imported), before
    /// edits: what "reset scene" returns to and what links are relative to.
    pub origin: Scene,
    /// Undo and redo.
    pub history: History<Scene>,
    /// Colour theme.
    pub theme: Theme,
    /// Text size factor (URL and state key `font`).
    pub font_scale: f64,
    /// The panels shown.
    pub panels: Vec<Panel>,
    /// Embedded in another page.
    pub embed: bool,
    /// The attention of `scene`.
    pub att: Attention,
    /// The map's projection.
    pub basis: Basis,
    /// Where the scene came from.
    pub source: Source,
    /// Interface language.
    pub lang: Lang,
    /// The step-through's step, or `None` when it is off.
    pub step: Option<usize>,
    /// The item highlighted in every panel.
    pub highlight: Option<usize>,
    /// The item of the "inside the unit" panel.
    pub selected: usize,
    /// How far the weighted-sum step's animation is (0 to 1; 1 = at rest).
    pub sum_progress: f64,
    /// The user's own settings, kept while the step-through shows its
    /// lecture setting ([`crate::steps::lecture_setting`]).
    pub steps_saved: Option<crate::steps::Settings>,
    /// Where the LastN feature goes in the two-tower diagram.
    pub placement: Placement,
    /// Lecture mode or the long page.
    pub layout: Layout,
    /// Lecture mode's tab.
    pub tab: Panel,
    /// The map's catalogue is shown (URL key and state field `density`).
    pub show_density: bool,
    /// Counts the changes of the LastN items (labels, vectors, colour
    /// ids): the page's `itemsVersion`.
    pub items_generation: u64,
    /// Counts the times the map's view must be fitted afresh (the items
    /// changed outside a drag, d changed, a scene was loaded).
    pub view_generation: u64,
    /// A drag on the map is in progress: the projection stays frozen until
    /// [`Session::end_drag`] (the shim holds the drag's geometry). Every
    /// change that replaces the scene from outside ends it.
    pub dragging: bool,
    /// The LastN flattened, checked and averaged ([`Scene::prepared_keys`])
    /// for the items of generation `.0`: an edit of q reuses it instead of
    /// copying, checking and averaging n × d numbers.
    keys_cache: (u64, crate::attention::PreparedKeys),
    /// Counts of expensive steps.
    pub work: Work,
}

/// A [`Message`] from any localized error, keeping its code and both texts.
pub fn refusal<E: Localized>(e: E) -> Message {
    Message::of(&e)
}

/// `v` rounded to 3 decimals, without a negative zero (the one rounding,
/// [`crate::scene::round3`], under the name the wasm layer uses).

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

impl Session {
    /// The session the page opens with: `why-din-works`, English, light theme.
    #[must_use]
    pub fn new() -> Session {
        let preset = presets::preset("why-din-works").unwrap_or_else(|| presets::blank(8));
        let scene = preset.scene.clone();
        let att = scene.validate().unwrap_or_else(|_| {
            // The built-in scene is valid (a test checks it); never reached.
            crate::attention::Attention { alpha: vec![], pooled: vec![0.0; scene.dim()], mean: vec![0.0; scene.dim()], scores: vec![], alpha_sum: 0.0, pooled_norm: 0.0, mean_norm: 0.0 }
        });
        let basis = Basis::for_items(&scene.keys(), scene.dim());
        Session {
            origin: scene.clone(),
            history: History::new(scene.clone(), crate::scene_history::UNDO_BUDGET),
            theme: Theme::Light,
            font_scale: 1.0,
            panels: Panel::ALL.to_vec(),
            embed: false,
            scene,
            att,
            basis,
            source: Source::Preset(preset),
            lang: Lang::En,
            step: None,
            highlight: None,
            selected: 0,
            sum_progress: 1.0,
            steps_saved: None,
            placement: Placement::Ranking,
            layout: Layout::Explore,
            tab: crate::options::DEFAULT_TAB,
            show_density: true,
            items_generation: 1,
            view_generation: 0,
            dragging: false,
            keys_cache: (0, crate::attention::PreparedKeys::default()),
            work: Work::default(),
        }
    }

    /// The built-in scene the read-models follow (candidates, categories,
    /// hints): the source's, or an empty `blank(d)` for a generated or
    /// imported scene, which has none of them.
    #[must_use]
    pub fn preset(&self) -> Cow<'_, Preset> {
        match &self.source {
            Source::Preset(p) => Cow::Borrowed(p),
            _ => Cow::Owned(presets::blank(self.scene.dim().max(1))),
        }
    }

    /// Replaces the whole scene (a built-in, generated or imported one):
    /// validates it, ends a drag, recomputes the projection, refits the
    /// view, and restarts a running step-through at step 0.
    pub fn replace_scene(&mut self, source: Source, scene: Scene) -> Result<(), Message> {
        let att = scene.validate().map_err(refusal)?;
        self.source = source;
        self.origin = scene.clone();
        self.scene = scene;
        self.items_generation += 1;
        self.att = att;
        self.dragging = false;
        self.refit();
        if self.step.is_some() {
            self.step = Some(0);
        }
        Ok(())
    }

    /// Recomputes the projection from the items and refits the view.
    pub fn refit(&mut self) {
        self.basis = Basis::for_items(&self.scene.keys(), self.scene.dim());
        self.view_generation += 1;
    }

    /// Lecture mode shows the step-through's tab while stepping.
    pub fn follow_step(&mut self) {
        self.tab = Panel::Steps;
    }

    /// Applies an edit's result: q edited away from the named candidate is
    /// no longer it; the step stays within the new number of steps.
    pub fn apply(&mut self, mut scene: Scene, att: Attention) {
        if scene.query != self.scene.query && scene.candidate == self.scene.candidate {
            // q was edited: it is no longer the named candidate.
            scene.candidate.clear();
        }
        if let Some(step) = self.step {
            self.step = Some(crate::steps::clamp_step(step, scene.items.len()));
        }
        self.install(scene, att);
    }

    /// Puts a validated scene and its attention on screen. When its items
    /// differ from the current ones, the items' generation moves on and,
    /// unless a drag is in progress (it keeps its frozen projection until
    /// the pointer is released), the projection is recomputed and the view
    /// fitted afresh.
    pub fn install(&mut self, scene: Scene, att: Attention) {
        self.work.installs += 1;
        let items_changed = scene.items != self.scene.items;
        self.scene = scene;
        self.att = att;
        if items_changed {
            self.items_generation += 1;
            if !self.dragging {
                self.refit();
            }
        }
    }

    /// Sets `q[k]` to `value` without copying the scene: the LastN is
    /// unchanged, so its flattened keys are reused (rebuilt only when the
    /// items' generation moved) and no item is compared or checked again.
    /// The same result as applying [`Scene::with_query_value`] (a test
    /// checks it).
    pub fn edit_query(&mut self, k: usize, value: f64) -> Result<(), Message> {
        if self.keys_cache.0 != self.items_generation || self.keys_cache.1.keys().len() != self.scene.items.len() * self.scene.dim() {
            self.keys_cache = (self.items_generation, self.scene.prepared_keys());
        }
        let (query, att) = self.scene.query_edit(k, value, &self.keys_cache.1).map_err(refusal)?;
        self.work.installs += 1;
        if query != self.scene.query {
            // q was edited: it is no longer the named candidate.
            self.scene.candidate.clear();
        }
        self.scene.query = query;
        self.att = att;
        Ok(())
    }

    /// Applies an edit's result or returns its refusal.
    pub fn apply_result<E: Localized>(&mut self, r: Result<(Scene, Attention), E>) -> Result<(), Message> {
        let (s, a) = r.map_err(refusal)?;
        self.apply(s, a);
        Ok(())
    }

    /// Starts a drag: the projection stays as it is until [`Session::end_drag`].
    pub fn begin_drag(&mut self) {
        self.dragging = true;
    }

    /// Ends a drag and lets the projection follow the new items; returns
    /// whether the projection is the one the drag used (then the view the
    /// drag used can stay, so nothing jumps on release).
    pub fn end_drag(&mut self, drag_basis: &Basis) -> bool {
        self.dragging = false;
        let basis = Basis::for_items(&self.scene.keys(), self.scene.dim());
        let same = basis == *drag_basis;
        self.basis = basis;
        same
    }

    /// Keeps the selected item within the items.
    fn clamp_selected(&mut self) {
        if self.selected >= self.scene.items.len() {
            self.selected = 0;
        }
    }

    // ------------------------------------------------------------ undo, redo, reset

    /// Forgets the undo history: the scene on screen becomes its start.
    pub fn clear_history(&mut self) {
        self.history.reset(self.scene.clone());
    }

    /// Ends an undo step: the scene as it is now becomes one step of history.
    pub fn commit(&mut self) {
        self.history.commit(&self.scene);
    }

    /// Goes back one step; false when there is nothing to undo.
    pub fn undo(&mut self) -> bool {
        match self.history.undo(&self.scene) {
            Some(s) => self.restore(s),
            None => false,
        }
    }

    /// Goes forward one step; false when there is nothing to redo.
    pub fn redo(&mut self) -> bool {
        match self.history.redo(&self.scene) {
            Some(s) => self.restore(s),
            None => false,
        }
    }

    /// Whether there is something to undo (uncommitted edits count).
    #[must_use]
    pub fn can_undo(&self) -> bool {
        self.history.can_undo() || self.scene != *self.history.committed()
    }

    /// Whether there is something to redo.
    #[must_use]
    pub fn can_redo(&self) -> bool {
        self.history.can_redo()
    }

    /// A sentence saying how many old undo steps were dropped to keep the
    /// history within its memory budget since the last call, or "".
    pub fn history_note(&mut self) -> String {
        match self.history.take_dropped() {
            0 => String::new(),
            dropped => crate::scene_history::dropped_note(dropped, self.history.undo_steps(), self.lang),
        }
    }

    /// Puts a scene from the history back (false if it is not valid).
    pub fn restore(&mut self, s: Scene) -> bool {
        let Ok(att) = s.validate() else { return false };
        if s.name != self.scene.name {
            if let Some(p) = presets::preset(&s.name) {
                self.source = Source::Preset(p);
            }
        }
        self.dragging = false;
        self.install(s, att);
        if let Some(step) = self.step {
            self.step = Some(crate::steps::clamp_step(step, self.scene.items.len()));
        }
        self.clamp_selected();
        true
    }

    /// Back to the scene as it was loaded (undoable).
    pub fn reset_scene(&mut self) -> Result<(), Message> {
        self.history.commit(&self.scene);
        let origin = self.origin.clone();
        if !self.restore(origin) {
            return Err(SessionRefusal::ResetFailed.into());
        }
        Ok(())
    }

    // ------------------------------------------------------------ view options

    /// The view options as JSON `{theme, font, panels, embed, density, placement, view, tab}`.
    #[must_use]
    pub fn view_value(&self) -> serde_json::Value {
        let panels: Vec<&str> = self.panels.iter().map(|p| p.name()).collect();
        serde_json::json!({
            "theme": self.theme.name(), "font": self.font_scale, "panels": panels, "embed": self.embed,
            "density": self.show_density, "placement": crate::urlstate::placement_name(self.placement),
            "view": self.layout.name(), "tab": self.tab.name(),
        })
    }

    /// Sets the view options a checked patch names.
    pub fn set_view_checked(&mut self, v: ViewPatch) {
        if let Some(t) = v.theme {
            self.theme = t;
        }
        if let Some(f) = v.font {
            self.font_scale = f;
        }
        if let Some(p) = v.panels {
            self.panels = p;
        }
        if let Some(e) = v.embed {
            self.embed = e;
        }
        if let Some(d) = v.density {
            self.show_density = d;
        }
        if let Some(p) = v.placement {
            self.placement = p;
        }
        if let Some(l) = v.layout {
            self.layout = l;
        }
        if let Some(t) = v.tab {
            self.tab = t;
        }
    }

    /// Sets view options from JSON text (any key of [`Session::view_value`]).
    pub fn set_view(&mut self, text: &str) -> Result<(), Message> {
        let v = crate::scene::parse_state(text).map_err(refusal)?;
        let view = crate::options::view_patch(&v).map_err(refusal)?;
        self.set_view_checked(view);
        Ok(())
    }

    /// Sets the placement by name: `user-tower` or `ranking`.
    pub fn set_placement(&mut self, placement: &str) -> Result<(), Message> {
        self.placement = match Placement::from_name(placement) {
            Some(p) => p,
            None => return Err(SessionRefusal::UnknownPlacement(placement.to_owned()).into()),
        };
        Ok(())
    }

    /// Sets the interface language (`en` or `zh`).
    pub fn set_lang(&mut self, code: &str) -> Result<(), Message> {
        self.lang = code.parse::<Lang>().map_err(|_| SessionRefusal::UnknownLang(code.to_owned()))?;
        Ok(())
    }

    // ------------------------------------------------------------ step-through

    /// Starts the step-through at step 0 (the toggle button), switching a
    /// built-in scene to its lecture setting; returns whether the settings changed.
    pub fn start_steps(&mut self) -> Result<bool, Message> {
        self.step = Some(0);
        self.sum_progress = 1.0;
        self.use_step_setting(true)
    }

    /// Stops the step-through; the user's own settings come back if the
    /// lecture setting is still on. Returns whether the settings changed.
    pub fn stop_steps(&mut self) -> Result<bool, Message> {
        let back = self.use_step_setting(false)?;
        self.step = None;
        self.sum_progress = 1.0;
        Ok(back)
    }

    /// Switches to the scene's lecture setting (`on`) or back to the
    /// user's kept settings; returns whether the settings changed.
    pub fn use_step_setting(&mut self, on: bool) -> Result<bool, Message> {
        let (next, saved) = crate::steps::switch_setting(&self.scene, self.lecture_setting(), self.steps_saved, on);
        self.steps_saved = saved;
        let Some(next) = next else { return Ok(false) };
        let att = next.validate().map_err(refusal)?;
        self.apply(next, att);
        Ok(true)
    }

    /// The lecture setting of the scene on screen (a built-in scene that
    /// has one, while it is still that scene).
    #[must_use]
    pub fn lecture_setting(&self) -> Option<crate::steps::Settings> {
        if Some(self.scene.name.as_str()) != self.source.preset_id() {
            return None;
        }
        crate::steps::lecture_setting(&self.scene.name)
    }

    /// Sets the weighted-sum animation's progress (clamped; 1 when not finite).
    pub fn set_sum_progress(&mut self, t: f64) {
        self.sum_progress = if t.is_finite() { t.clamp(0.0, 1.0) } else { 1.0 };
    }

    /// Whether the step-through is on the weighted-sum step (`n + 2`).
    #[must_use]
    pub fn on_sum_step(&self) -> bool {
        self.step == Some(crate::steps::sum_step(self.scene.items.len()))
    }

    /// Turns the step-through on at `step`, or off with a negative number.
    pub fn set_step(&mut self, step: f64) -> Result<(), Message> {
        self.sum_progress = 1.0;
        self.step = if step < 0.0 { None } else { Some(parse_step(&serde_json::json!(step), self.scene.items.len())?) };
        if self.step.is_some() {
            self.follow_step();
        }
        Ok(())
    }

    /// Number of steps: n + 4.
    #[must_use]
    pub fn steps_total(&self) -> usize {
        crate::steps::steps_total(self.scene.items.len())
    }

    /// One step forward or back; false, changing nothing, at either end.
    pub fn step_by(&mut self, forward: bool) -> bool {
        let Some(s) = self.step else { return false };
        self.sum_progress = 1.0;
        let last = self.steps_total() - 1;
        match (forward, s) {
            (true, s) if s < last => self.step = Some(s + 1),
            (false, s) if s > 0 => self.step = Some(s - 1),
            _ => return false,
        }
        self.follow_step();
        true
    }

    /// Highlights item `i` (0-based); a negative number or one past the items clears it.
    pub fn set_highlight(&mut self, i: f64) {
        self.highlight = (i >= 0.0 && (i as usize) < self.scene.items.len()).then_some(i as usize);
    }

    /// Selects item `i` for the unit panel (ignored when there is none).
    pub fn select_item(&mut self, i: f64) {
        if i >= 0.0 && (i as usize) < self.scene.items.len() {
            self.selected = i as usize;
        }
    }
}

/// A step number of a state object (`setState`, `setStep`), checked
/// against `n` items by [`crate::steps::check_step`] (the link's check too).
pub fn parse_step(v: &serde_json::Value, n: usize) -> Result<usize, Message> {
    match v.as_f64().map(|x| crate::steps::check_step(x, n)) {
        Some(crate::steps::StepCheck::At(k)) => Ok(k),
        _ => Err(SessionRefusal::BadStep { last: crate::steps::steps_total(n) - 1, given: v.to_string() }.into()),
    }
}
