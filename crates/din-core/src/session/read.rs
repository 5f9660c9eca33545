//! The session's read-models: what the page shows beside the charts
//! (readout numbers, candidates, captions, explanations, the step-through's
//! note) as JSON text in the interface language.

use super::Session;
use crate::i18n::Lang;
use crate::presets;

fn tr_pick(lang: Lang, en: &'static str, zh: &'static str) -> String {
    lang.pick(en, zh).to_owned()
}

impl Session {
    /// The attention as JSON: `{alpha, pooled, mean, scores, alphaSum, pooledNorm, meanNorm}`.
    #[must_use]
    pub fn result_json(&self) -> String {
        let a = &self.att;
        serde_json::json!({
            "alpha": a.alpha, "pooled": a.pooled, "mean": a.mean, "scores": a.scores,
            "alphaSum": a.alpha_sum, "pooledNorm": a.pooled_norm, "meanNorm": a.mean_norm,
        })
        .to_string()
    }

    /// Which settings apply under the scene's definition of alpha and why,
    /// as JSON `{unitOptions, normalization, temperature, weight,
    /// activation, maxLen}`, each `{shown, enabled, why}` (`why` in the
    /// interface language, "" when shown and enabled):
    /// `crate::controls::Controls`.
    #[must_use]
    pub fn controls_json(&self) -> String {
        let trained = self.scene.unit().ok().map(|u| u.d());
        crate::controls::Controls::of(&self.scene, trained, self.lang).to_json().to_string()
    }

    /// Whether the activation unit fits the scene (it was trained for d = 8),
    /// and if not, why: JSON `{ok, reason}` in the current language.
    #[must_use]
    pub fn unit_status(&self) -> String {
        let d = self.scene.dim();
        let trained = self.scene.unit().map(|u| u.d()).unwrap_or(8);
        let reason = crate::controls::unit_unfit(d, trained, self.lang).unwrap_or_default();
        serde_json::json!({ "ok": d == trained, "reason": reason, "paddedLen": self.scene.padded_len(), "padded": self.scene.padded_len() - self.scene.items.len() }).to_string()
    }

    /// The scene's named candidates as JSON `[{id, label, fits}]` (`fits`
    /// is false where the candidate's d differs from the scene's).
    #[must_use]
    pub fn candidates_json(&self) -> String {
        let d = self.scene.dim();
        let v: Vec<serde_json::Value> = self
            .preset()
            .candidates
            .iter()
            .map(|c| serde_json::json!({ "id": c.id, "label": c.label, "fits": c.vector.len() == d }))
            .collect();
        serde_json::Value::Array(v).to_string()
    }

    /// Items `start .. start + count` (clamped) as JSON `[{label, vector, color}]`
    /// (`color` is the colour id).
    #[must_use]
    pub fn items_json(&self, start: usize, count: usize) -> String {
        let n = self.scene.items.len();
        let a = start.min(n);
        let b = a.saturating_add(count).min(n);
        let v: Vec<serde_json::Value> = self.scene.items[a..b]
            .iter()
            .map(|it| serde_json::json!({ "label": it.label, "vector": it.vector, "color": it.color }))
            .collect();
        serde_json::Value::Array(v).to_string()
    }

    /// Summary numbers of the result (no vectors), as JSON `{alphaSum,
    /// pooledNorm, meanNorm, shown: {alphaSum, results}, note}`: `shown`
    /// says which of them the step-through has revealed (the readout shows
    /// the others as "?" with `note`, in the interface language).
    #[must_use]
    pub fn norms_json(&self) -> String {
        let a = &self.att;
        let r = crate::steps::Reveal::at(self.step, self.scene.items.len());
        let note = if r.results { "" } else { self.lang.pick("step-through on: these appear at the weighted-sum step", "分步演示中：这些数在“加权和”一步显示") };
        serde_json::json!({
            "alphaSum": a.alpha_sum, "pooledNorm": a.pooled_norm, "meanNorm": a.mean_norm,
            "shown": { "alphaSum": r.alpha_sum, "results": r.results }, "note": note,
        })
        .to_string()
    }

    /// The built-in scenes as JSON `[{id, title}]` in the current language.
    #[must_use]
    pub fn scenes_json(&self) -> String {
        let v: Vec<serde_json::Value> = presets::PRESET_IDS
            .iter()
            .filter_map(|id| presets::preset(id))
            .map(|p| serde_json::json!({ "id": p.id, "title": self.lang.pick(p.title_en, p.title_zh) }))
            .collect();
        serde_json::Value::Array(v).to_string()
    }

    /// The caption of the scene on screen in the current language, as JSON
    /// `{key, hint, lines, lead}`: `key` is the named candidate's id (`""` when q
    /// is not one), `hint` the scene's hint while its items are as loaded
    /// (or `null`), `lines` the outcome sentences computed from the numbers
    /// on screen (`explain::caption`), `lead` the indices of `lines`, most
    /// telling first (what the compact caption of lecture mode keeps).
    #[must_use]
    pub fn caption_json(&self) -> String {
        let reveal = crate::steps::Reveal::at(self.step, self.scene.items.len());
        let c = crate::explain::caption_revealed(&self.preset(), &self.scene, &self.att, self.lang, &reveal);
        serde_json::json!({ "key": c.key, "hint": c.hint, "lines": c.lines, "lead": c.lead }).to_string()
    }

    /// The caption of [`Session::caption_json`] as one text.
    #[must_use]
    pub fn caption(&self) -> String {
        let reveal = crate::steps::Reveal::at(self.step, self.scene.items.len());
        crate::explain::caption_revealed(&self.preset(), &self.scene, &self.att, self.lang, &reveal).text()
    }

    /// The weight per interest category, attention beside the plain
    /// average, as JSON for the readout (`explain::shares_json`), or
    /// `null` when the items have no categories.
    #[must_use]
    pub fn shares_json(&self) -> String {
        let cats = crate::explain::item_categories(&self.preset(), &self.scene);
        match crate::explain::category_shares(&cats, &self.att) {
            Some(sh) => {
                let revealed = crate::steps::Reveal::at(self.step, self.scene.items.len()).alpha_sum;
                crate::explain::shares_json(&sh, self.lang, revealed).to_string()
            }
            None => "null".to_owned(),
        }
    }

    /// How the α of `what` was computed, as JSON `{title, lines}` in the
    /// current language: `what` is `xK` (LastN item K, 1-based, as
    /// [`Session::map_hit`] names it) or `q`; `null` for anything else.
    #[must_use]
    pub fn explain_json(&self, what: &str) -> String {
        let e = match what {
            "q" => Some(crate::explain::explain_query(&self.scene, &self.att, self.lang)),
            _ => what
                .strip_prefix('x')
                .and_then(|k| k.parse::<usize>().ok())
                .and_then(|k| k.checked_sub(1))
                .and_then(|i| crate::explain::explain_item(&self.scene, &self.att, i, self.lang)),
        };
        e.map_or_else(|| "null".to_owned(), |e| crate::explain::explanation_json(&e).to_string())
    }

    /// The settings panel's texts that depend on the definition, as JSON
    /// `{normNone, tempNote, unitNote, weightNote}` (`explain::settings_texts`).
    #[must_use]
    pub fn settings_texts_json(&self) -> String {
        let t = crate::explain::settings_texts(&self.scene, self.lang);
        serde_json::json!({ "normNone": t.norm_none, "tempNote": t.temp_note, "unitNote": t.unit_note, "weightNote": t.weight_note }).to_string()
    }

    /// What the step-through panel says about its setting, as JSON
    /// `{setting, lecture, applied, saved, note, action}`: the setting in
    /// use (e.g. "dot similarity, softmax T = 0.3"), the scene's lecture
    /// setting (or null), whether it is on, the user's kept setting (or
    /// null), a sentence for the panel and the label of the button that
    /// switches (null when there is nothing to switch), all in the
    /// interface language.
    #[must_use]
    pub fn step_setting_json(&self) -> String {
        let lang = self.lang;
        let now = crate::explain::definition_text(&self.scene, lang);
        let lecture = self.lecture_setting();
        let applied = lecture.is_some_and(|l| l.matches(&self.scene));
        let saved = if applied { self.steps_saved.map(|s| crate::explain::definition_text(&s.applied_to(&self.scene), lang)) } else { None };
        let lecture_text = lecture.map(|l| crate::explain::definition_text(&l.applied_to(&self.scene), lang));
        let (note, action) = match (&lecture_text, applied, &saved) {
            (Some(_), true, Some(mine)) => (
                lang.tr(
                    format!("The step-through uses the lecture setting: {now}, so the weighted sum and the average differ clearly. Your setting ({mine}) comes back when it stops."),
                    format!("分步演示使用讲课设置：{now}，加权和与平均的差别清楚可见。结束演示后恢复你的设置（{mine}）。"),
                ),
                Some(tr_pick(lang, "use my setting", "改用我的设置")),
            ),
            (Some(_), true, None) => (
                lang.tr(format!("The step-through uses: {now} (the lecture setting)."), format!("分步演示使用：{now}（讲课设置）。")),
                None,
            ),
            (Some(l), false, _) => (
                lang.tr(
                    format!("The step-through uses your setting: {now}. The lecture setting ({l}) shows the difference between the weighted sum and the average more clearly."),
                    format!("分步演示使用你的设置：{now}。讲课设置（{l}）能更清楚地显示加权和与平均的差别。"),
                ),
                Some(tr_pick(lang, "use the lecture setting", "使用讲课设置")),
            ),
            (None, _, _) => (
                lang.tr(format!("The step-through uses: {now}."), format!("分步演示使用：{now}。")),
                None,
            ),
        };
        serde_json::json!({
            "setting": now, "lecture": lecture_text, "applied": applied, "saved": saved, "note": note, "action": action,
        })
        .to_string()
    }
}
