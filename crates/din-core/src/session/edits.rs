//! The session's edits: every change of the scene goes through a
//! `Scene::with_*` edit (or a whole new scene: a preset, a generated
//! LastN, an import) and then [`Session::apply`] or
//! [`Session::replace_scene`]; an edit of q, the slider's hot path,
//! through [`Session::edit_query`] (`Scene::query_edit`, the same result
//! without a copy of the scene).

use super::{parse_step, refusal, Session, Source};
use crate::scene::round3;
use crate::errors::{Message, SessionRefusal};
use crate::i18n::Lang;
use crate::options::ViewPatch;
use crate::presets;
use crate::scene::MAX_N;

/// The seed of every generated LastN.
pub const GENERATE_SEED: u64 = 2018;

impl Session {
    /// Refuses an item index past the items.
    pub fn check_item(&self, i: usize) -> Result<(), Message> {
        if i >= self.scene.items.len() {
            return Err(SessionRefusal::NoItem(i).into());
        }
        Ok(())
    }

    /// Sets `q[k]` from typed text.
    pub fn set_query_text(&mut self, k: usize, text: &str) -> Result<(), Message> {
        let v = crate::scene::parse_query_component(k, text).map_err(refusal)?;
        self.edit_query(k, v)
    }

    /// Sets `q[k]` to a number (a slider).
    pub fn set_query_value(&mut self, k: usize, value: f64) -> Result<(), Message> {
        self.edit_query(k, value)
    }

    /// Sets component `k` of item `i` from typed text.
    pub fn set_item_text(&mut self, i: usize, k: usize, text: &str) -> Result<(), Message> {
        let r = self.scene.with_item_component(i, k, text);
        self.apply_result(r)
    }

    /// Renames item `i` (the one label rule of every channel, the field
    /// named in Chinese as the table shows it).
    pub fn set_label(&mut self, i: usize, label: &str) -> Result<(), Message> {
        self.check_item(i)?;
        let next = self.scene.with_label(i, label).map_err(|error| SessionRefusal::Label { item: i, error })?;
        // Only a label changed: no new attention, projection or view, but
        // the items' generation moves on so the table refreshes.
        self.scene = next;
        self.items_generation += 1;
        Ok(())
    }

    /// Appends an item: a copy of q nudged off it (label "item k").
    pub fn add_item(&mut self) -> Result<(), Message> {
        if self.scene.items.len() >= MAX_N {
            return Err(SessionRefusal::LastNFull { max: MAX_N }.into());
        }
        let k = self.scene.items.len() + 1;
        let vector: Vec<f64> = self.scene.query.iter().enumerate().map(|(j, v)| round3(v * 0.8 + if j % 2 == 0 { 0.1 } else { -0.1 })).collect();
        // The new item gets the first colour no item has (colours stay with their items).
        let r = self.scene.with_item_added(&format!("item {k}"), &vector);
        self.apply_result(r)
    }

    /// Removes item `i` (every other item keeps its colour id).
    pub fn remove_item(&mut self, i: usize) -> Result<(), Message> {
        self.check_item(i)?;
        let r = self.scene.without_item(i);
        self.apply_result(r)
    }

    /// Changes d from typed text; returns a sentence saying what was kept.
    pub fn set_dim_text(&mut self, text: &str) -> Result<String, Message> {
        let t = text.trim();
        let d: usize = t.parse().map_err(|_| {
            if t.is_empty() {
                SessionRefusal::DimEmpty
            } else {
                SessionRefusal::DimNotWhole(t.chars().take(20).collect())
            }
        })?;
        let (s, msg) = self.scene.with_dim(d).map_err(refusal)?;
        let att = s.validate().map_err(refusal)?;
        self.apply(s, att);
        self.refit();
        Ok(msg)
    }

    /// Sets one setting by its state key (`similarity`, `activation`,
    /// `weight`, `normalization`) to a name.
    pub fn set_setting(&mut self, key: &str, name: &str) -> Result<(), Message> {
        let patch = serde_json::json!({ key: name });
        let r = self.scene.with_patch(&patch);
        self.apply_result(r)
    }

    /// Sets the padded length of the authors' variant from typed text.
    pub fn set_max_len_text(&mut self, text: &str) -> Result<(), Message> {
        let v = crate::scene::parse_number("max length", text).map_err(refusal)?;
        let patch = serde_json::json!({ "maxLen": v });
        let r = self.scene.with_patch(&patch);
        self.apply_result(r)
    }

    /// Sets the temperature from typed text.
    pub fn set_temperature_text(&mut self, text: &str) -> Result<(), Message> {
        let t = crate::scene::parse_number("temperature", text).map_err(refusal)?;
        if t <= 0.0 {
            return Err(SessionRefusal::Temperature(t).into());
        }
        let r = self.scene.with_temperature(t);
        self.apply_result(r)
    }

    /// Loads a generated LastN of `n` items in `d` dimensions (seeded,
    /// clustered; `presets::generated`), keeping the settings.
    pub fn generate(&mut self, n: usize, d: usize) -> Result<(), Message> {
        crate::controls::check_generate_size(n, d).map_err(refusal)?;
        let mut scene = presets::generated(n, d, GENERATE_SEED);
        scene.copy_settings_from(&self.scene);
        self.replace_scene(Source::Generated { n, d, seed: GENERATE_SEED }, scene)
    }

    /// Generates from the typed fields (`controls::check_generate`).
    pub fn generate_text(&mut self, n_text: &str, d_text: &str) -> Result<(), Message> {
        let (n, d) = crate::controls::check_generate(n_text, d_text).map_err(refusal)?;
        self.generate(n, d)
    }

    /// Makes the named candidate `id` the query.
    pub fn choose_candidate(&mut self, id: &str) -> Result<(), Message> {
        let preset = self.preset();
        let c = preset
            .candidate(id)
            .ok_or_else(|| SessionRefusal::NoCandidate { scene: preset.id.to_owned(), id: id.to_owned() })?;
        if c.vector.len() != self.scene.dim() {
            return Err(SessionRefusal::CandidateDim { label: c.label.to_owned(), got: c.vector.len(), want: self.scene.dim() }.into());
        }
        let mut next = self.scene.clone();
        next.query = c.vector.clone();
        next.candidate = c.id.to_owned();
        drop(preset);
        let att = next.validate().map_err(refusal)?;
        self.scene = next;
        self.att = att;
        Ok(())
    }

    /// Loads built-in scene `id` (`d` is used by `blank` only; 0 keeps 8).
    pub fn load_scene(&mut self, id: &str, d: usize) -> Result<(), Message> {
        let p = if id == "blank" && d > 0 {
            if d > crate::scene::MAX_D {
                return Err(SessionRefusal::DimTooLarge { d, max: crate::scene::MAX_D }.into());
            }
            presets::blank(d)
        } else {
            presets::preset(id).ok_or_else(|| SessionRefusal::NoScene { id: id.to_owned(), ids: presets::PRESET_IDS.to_vec() })?
        };
        let scene = p.scene.clone();
        self.replace_scene(Source::Preset(p), scene)
    }

    /// Applies a (partial) state given as JSON text (`din.setState`), or
    /// refuses it and changes nothing.
    pub fn set_state_json(&mut self, text: &str) -> Result<(), Message> {
        self.dragging = false;
        let v = crate::scene::parse_state(text).map_err(refusal)?;
        crate::options::check_state_keys(&v, "state").map_err(refusal)?;
        // A named candidate without a query sets q, as `candidate=` in a link does.
        let named_preset = v.get("scene").and_then(|x| x.as_str()).and_then(presets::preset);
        let d = v
            .get("items")
            .and_then(|x| x.as_array())
            .and_then(|a| a.first())
            .and_then(|it| it.get("vector"))
            .and_then(|x| x.as_array())
            .map_or(self.scene.dim(), Vec::len);
        let current = self.preset();
        let v = presets::resolve_candidate(&v, Some(named_preset.as_ref().unwrap_or(&current)), d).map_err(refusal)?;
        drop(current);
        let (s, a) = self.scene.with_patch(&v).map_err(refusal)?;
        let (view, lang, step) = self.state_extras(&v, s.items.len())?;
        if s.name != self.scene.name {
            if let Some(p) = presets::preset(&s.name) {
                self.source = Source::Preset(p);
            }
        }
        self.install(s, a);
        self.lang = lang;
        let stepping = step.is_some() && v.get("step").is_some_and(|x| !x.is_null());
        self.step = step;
        let tab_given = view.tab.is_some();
        self.sum_progress = 1.0;
        self.set_view_checked(view);
        if stepping && !tab_given {
            self.follow_step();
        }
        Ok(())
    }

    /// The language, step and view options of a state object, checked
    /// together (`n` is the number of items the step is for).
    pub fn state_extras(&self, v: &serde_json::Value, n: usize) -> Result<(ViewPatch, Lang, Option<usize>), Message> {
        let view = crate::options::view_patch(v).map_err(refusal)?;
        let lang = match v.get("lang") {
            None => self.lang,
            Some(serde_json::Value::String(l)) => l.parse::<Lang>().map_err(|_| SessionRefusal::UnknownLang(l.clone()))?,
            Some(other) => return Err(SessionRefusal::LangNotText(other.to_string()).into()),
        };
        let step = match v.get("step") {
            None => self.step.map(|st| crate::steps::clamp_step(st, n)),
            Some(serde_json::Value::Null) => None,
            Some(x) => Some(parse_step(x, n)?),
        };
        Ok((view, lang, step))
    }

    /// Imports CSV/TSV rows or a JSON scene (`import::import_text_full`),
    /// with a JSON state's language, step and view options (checked
    /// first); returns the note saying what was imported (undoable).
    pub fn import_text(&mut self, text: &str) -> Result<String, Message> {
        let imported = crate::import::import_text_full(text, &self.scene).map_err(refusal)?;
        let extras = match &imported.view {
            Some(view) => Some(self.state_extras(&serde_json::Value::Object(view.clone()), imported.scene.items.len())?),
            None => None,
        };
        self.history.commit(&self.scene);
        let scene = imported.scene;
        self.replace_scene(Source::named(&scene.name), scene)?;
        if let Some((view, lang, step)) = extras {
            self.set_view_checked(view);
            self.lang = lang;
            self.step = step;
        }
        Ok(if self.lang == Lang::Zh { imported.zh } else { imported.en })
    }

    /// Imports the Embedding Projector's two files (undoable); returns the note.
    pub fn import_projector(&mut self, vectors: &str, metadata: &str) -> Result<String, Message> {
        let items = crate::import::parse_projector(vectors, metadata).map_err(refusal)?;
        let n = items.len();
        let d = items.first().map_or(0, |it| it.vector.len());
        let (next, _, mean_q) = self.scene.with_items_imported("imported", items).map_err(refusal)?;
        let mut note_en = format!("Imported {n} items with d = {d} from vectors.tsv and metadata.tsv.");
        let mut note_zh = format!("已从 vectors.tsv 和 metadata.tsv 导入 {n} 个物品，d = {d}。");
        if mean_q {
            note_en.push_str(" q was set to the items' mean (its d differed).");
            note_zh.push_str(" q 的维度不同，已设为这些物品的平均。");
        }
        self.history.commit(&self.scene);
        self.replace_scene(Source::Imported { name: "imported".into() }, next)?;
        Ok(if self.lang == Lang::Zh { note_zh } else { note_en })
    }

    /// Puts a saved state back (`snapshot`): the scene checked as
    /// `setState` checks it, its language, step and view options.
    pub fn restore_snapshot(&mut self, head: &str, labels: &str, values: &[f64]) -> Result<(), Message> {
        let h = crate::scene::parse_state(head).map_err(refusal)?;
        let (scene, att) = crate::snapshot::rebuild(&self.scene, &h, labels, values).map_err(refusal)?;
        let (view, lang, step) = self.state_extras(&h, scene.items.len())?;
        self.history.commit(&self.scene);
        self.source = Source::named(&scene.name);
        self.origin = scene.clone();
        self.dragging = false;
        self.install(scene, att);
        self.set_view_checked(view);
        self.lang = lang;
        self.step = step;
        if self.selected >= self.scene.items.len() {
            self.selected = 0;
        }
        Ok(())
    }
}
