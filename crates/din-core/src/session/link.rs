//! The session as a link and a link applied to the session: which keys
//! win, what a step without a tab shows, when the text is known to be too
//! long without writing it.

use super::{Session, Source};
use crate::errors::Localized;
use crate::options::Panel;

use crate::urlstate::{self, UrlState};

/// Whether the parameters `query` or `hash` (the hash's `#` and the
/// query's `?` optional) name `key`.
#[must_use]
pub fn names_key(query: &str, hash: &str, key: &str) -> bool {
    [query, hash].iter().flat_map(|t| t.trim_start_matches(['#', '?']).split('&')).any(|kv| kv.split('=').next() == Some(key))
}

impl Session {
    /// The state a link holds.
    #[must_use]
    pub fn url_state(&self) -> UrlState {
        UrlState {
            scene: self.scene.clone(),
            step: self.step,
            lang: Some(self.lang),
            theme: self.theme,
            font_scale: self.font_scale,
            panels: (self.panels != Panel::ALL).then(|| self.panels.clone()),
            embed: self.embed,
            density: self.show_density,
            placement: self.placement,
            layout: self.layout,
            tab: self.tab,
        }
    }

    /// The state as URL parameters, as JSON `{ok: true, text}`, or
    /// `{ok: false, len, max, message}` when the scene is too large for a
    /// link (the message suggests the JSON export).
    #[must_use]
    pub fn url_state_json(&self) -> String {
        // Edited items go into the link with at least two characters per
        // number: a large edited LastN is known to be too long without
        // writing megabytes of text on every edit.
        let n = self.scene.items.len();
        let d = self.scene.dim();
        let surely_too_long = n.saturating_mul(d + 1).saturating_mul(2) > urlstate::MAX_LINK && self.scene.items != self.origin.items;
        let encoded = if surely_too_long {
            Err(urlstate::TooLarge { len: n.saturating_mul(d + 1).saturating_mul(2), max: urlstate::MAX_LINK })
        } else {
            urlstate::encode(&self.url_state(), &self.origin)
        };
        match encoded {
            Ok(text) => serde_json::json!({ "ok": true, "text": text }).to_string(),
            Err(e) => {
                let text = crate::errors::SessionRefusal::SceneTooLargeForLink { n, d, max: e.max }.message(self.lang);
                serde_json::json!({ "ok": false, "len": e.len, "max": e.max, "message": text }).to_string()
            }
        }
    }

    /// The state on screen as link text within [`urlstate::MAX_URL`], or
    /// `None` when it is larger (a big edited LastN: known without writing
    /// megabytes of text, each number taking at least two characters).
    pub fn current_link(&mut self) -> Option<String> {
        let (n, d) = (self.scene.items.len(), self.scene.dim());
        if n.saturating_mul(d + 1).saturating_mul(2) > urlstate::MAX_URL && self.scene.items != self.origin.items {
            return None;
        }
        self.work.encodes += 1;
        urlstate::encode_with_limit(&self.url_state(), &self.origin, urlstate::MAX_URL).ok()
    }

    /// Applies URL parameters (`query` and `hash`, the hash winning per
    /// key). With `keep` they go on top of the current state; without,
    /// they define the whole state. Invalid parameters are skipped and keep
    /// the value on screen; returns their messages in the interface
    /// language. The text is read once and the result installed once.
    pub fn apply_params(&mut self, query: &str, hash: &str, keep: bool) -> Vec<String> {
        self.dragging = false;
        let current = self.current_link();
        self.work.decodes += 1;
        let decoded = if keep {
            match &current {
                Some(link) => urlstate::decode_over(link, hash),
                None => urlstate::decode_onto(&self.url_state(), &self.origin, hash),
            }
        } else {
            urlstate::decode_keeping(current.as_deref(), query, hash)
        };
        let st = decoded.state;
        if let Ok(att) = st.scene.validate() {
            self.source = Source::named(&st.scene.name);
            self.origin = decoded.origin;
            self.install(st.scene, att);
        }
        if let Some(l) = st.lang {
            self.lang = l;
        }
        let step = st.step.map(|s| crate::steps::clamp_step(s, self.scene.items.len()));
        if step != self.step {
            self.sum_progress = 1.0;
        }
        self.step = step;
        self.theme = st.theme;
        self.font_scale = st.font_scale;
        self.panels = st.panels.unwrap_or_else(|| Panel::ALL.to_vec());
        self.embed = st.embed;
        self.show_density = st.density;
        self.placement = st.placement;
        self.layout = st.layout;
        self.tab = st.tab;
        // Lecture mode follows the step-through: a step named without a tab shows the steps tab.
        if names_key(query, hash, "step") && !names_key(query, hash, "tab") && self.step.is_some() {
            self.follow_step();
        }
        if self.selected >= self.scene.items.len() {
            self.selected = 0;
        }
        decoded.problems.iter().map(|m| m.message(self.lang)).collect()
    }

    /// The state as JSON (`din.state()`): the scene, `lang`, `step` and the view options.
    #[must_use]
    pub fn state_json(&self) -> String {
        let mut v = self.scene.to_json();
        if let Some(obj) = v.as_object_mut() {
            obj.insert("lang".into(), self.lang.code().into());
            obj.insert("step".into(), self.step.map_or(serde_json::Value::Null, |s| s.into()));
            if let serde_json::Value::Object(view) = self.view_value() {
                obj.extend(view);
            }
        }
        v.to_string()
    }

    /// The state without the items, as JSON: `{scene, candidate, query,
    /// similarity, activation, weight, maxLen, normalization, temperature,
    /// lang, step, n, d}`.
    #[must_use]
    pub fn summary_json(&self) -> String {
        let s = &self.scene;
        serde_json::json!({
            "scene": s.name, "candidate": s.candidate, "query": s.query,
            "similarity": s.similarity_name(), "activation": s.activation.name(), "weight": s.weight.name(), "maxLen": s.max_len,
            "normalization": s.normalization.name(), "temperature": s.temperature,
            "lang": self.lang.code(), "step": self.step, "n": s.items.len(), "d": s.dim(),
        })
        .to_string()
    }

    /// The state without the items for the last-good-scene store (`snapshot::head`).
    #[must_use]
    pub fn snapshot_head(&self) -> String {
        let mut m = crate::snapshot::head(&self.scene);
        m.insert("lang".into(), self.lang.code().into());
        m.insert("step".into(), self.step.map_or(serde_json::Value::Null, |s| s.into()));
        if let serde_json::Value::Object(view) = self.view_value() {
            m.extend(view);
        }
        serde_json::Value::Object(m).to_string()
    }
}

