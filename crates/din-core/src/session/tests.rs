//! The session's policy, tested natively (these rules were tested only
//! through the wasm API in `tests/web.rs` and the e2e suites before).

use super::*;
use super::link::names_key;
use crate::options::{Layout, Panel, Theme};
use crate::scene::round3;

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).expect("valid JSON")
}

fn link(s: &Session) -> String {
    let v = json(&s.url_state_json());
    assert_eq!(v["ok"], true, "{v}");
    v["text"].as_str().expect("text").to_owned()
}

#[test]
fn opens_with_the_default_scene_and_view() {
    let s = Session::new();
    assert_eq!(s.scene.name, "why-din-works");
    assert_eq!(s.source.preset_id(), Some("why-din-works"));
    assert_eq!(s.origin, s.scene);
    assert_eq!((s.theme, s.font_scale, s.lang, s.step, s.layout), (Theme::Light, 1.0, Lang::En, None, Layout::Explore));
    assert_eq!(s.panels, Panel::ALL.to_vec());
    assert!(!s.can_undo() && !s.can_redo());
    assert_eq!(s.att, s.scene.validate().unwrap());
}

/// Port of tests/web.rs `invalid_edits_change_nothing`.
#[test]
fn invalid_edits_change_nothing() {
    let mut s = Session::new();
    let state = s.state_json();
    for text in ["abc", "", "1e999", "NaN"] {
        let m = s.set_query_text(0, text).expect_err("refused");
        assert!(m.en.starts_with("q1"), "{m}");
    }
    let m = s.set_state_json(r#"{"query": [1, 2]}"#).unwrap_err();
    assert_eq!(m.en, "query has 2 numbers, but the scene's vectors have d = 8");
    assert!(s.set_state_json("{\"temperature\": -1}").unwrap_err().en.contains("temperature"));
    assert!(s.set_dim_text("0").is_err());
    assert_eq!(s.set_query_text(0, "abc").unwrap_err().code, "E_NUMBER_NOT_A_NUMBER");
    assert_eq!(s.set_query_text(0, "").unwrap_err().zh, "q1 为空：请输入一个数，例如 0.5");
    assert_eq!(s.state_json(), state);
    s.set_query_text(0, "2.5").unwrap();
    assert_eq!(json(&s.state_json())["query"][0], 2.5);
}

/// Port of tests/web.rs `set_label_follows_the_scene_rule_and_moves_the_items_version`.
#[test]
fn set_label_follows_the_scene_rule_and_moves_the_items_generation() {
    let mut s = Session::new();
    let v0 = s.items_generation;
    s.set_label(0, "tea").unwrap();
    let v1 = s.items_generation;
    assert_ne!(v0, v1);
    assert_eq!(s.scene.items[0].label, "tea");
    let long = "a".repeat(201);
    assert_eq!(s.set_label(0, &long).unwrap_err().code, "E_TOO_LARGE");
    let patch = format!(r#"{{"items": [{{"label": "{long}", "vector": [0,0,0,0,0,0,0,0]}}]}}"#);
    assert_eq!(s.set_state_json(&patch).unwrap_err().code, "E_TOO_LARGE", "the same code as a state patch");
    let e = s.set_label(0, "a\nb").unwrap_err();
    assert_eq!(e.code, "E_LABEL_CONTROL");
    assert!(e.zh.starts_with("x1 的名称的第 2 个字符是 U+000A"), "{}", e.zh);
    assert_eq!(s.set_label(99, "x").unwrap_err().code, "E_NO_SUCH");
    assert_eq!(s.items_generation, v1, "a refused label changes nothing");
    assert_eq!(s.scene.items[0].label, "tea");
}

#[test]
fn editing_q_forgets_the_named_candidate_and_keeps_the_projection() {
    let mut s = Session::new();
    assert!(!s.scene.candidate.is_empty());
    let (basis, gen, view) = (s.basis.clone(), s.items_generation, s.view_generation);
    s.set_query_value(0, 0.25).unwrap();
    assert_eq!(s.scene.candidate, "");
    assert_eq!((s.basis.clone(), s.items_generation, s.view_generation), (basis, gen, view), "q alone moves no item");
    s.set_item_text(0, 0, "3").unwrap();
    assert_eq!(s.items_generation, gen + 1);
    assert_eq!(s.view_generation, view + 1, "new items: the view is fitted afresh");
}

#[test]
fn a_drag_freezes_the_projection_until_it_ends() {
    let mut s = Session::new();
    let frozen = s.basis.clone();
    let view = s.view_generation;
    s.begin_drag();
    s.set_item_text(0, 0, "5").unwrap();
    assert_eq!(s.basis, frozen, "frozen while dragging");
    assert_eq!(s.view_generation, view);
    let same = s.end_drag(&frozen);
    assert!(!s.dragging);
    assert_eq!(same, s.basis == frozen);
    assert_eq!(s.basis, Basis::for_items(&s.scene.keys(), s.scene.dim()));
    // A state set from outside ends a drag.
    s.begin_drag();
    s.set_state_json("{}").unwrap();
    assert!(!s.dragging);
}

#[test]
fn set_state_applies_everything_or_nothing() {
    let mut s = Session::new();
    let before = s.state_json();
    assert_eq!(s.set_state_json(r#"{"temperature": 0.5, "lang": "fr"}"#).unwrap_err().code, "E_LANG");
    assert_eq!(s.set_state_json(r#"{"temperature": 0.5, "step": 99}"#).unwrap_err().code, "E_STEP");
    assert_eq!(s.set_state_json(r#"{"temperature": 0.5, "colour": 1}"#).unwrap_err().code, s.set_state_json(r#"{"colour": 1}"#).unwrap_err().code);
    assert_eq!(s.state_json(), before);
    s.set_state_json(r#"{"temperature": 0.5, "lang": "zh", "theme": "dark", "step": 2}"#).unwrap();
    assert_eq!((s.scene.temperature, s.lang, s.theme, s.step), (0.5, Lang::Zh, Theme::Dark, Some(2)));
    assert_eq!(s.tab, Panel::Steps, "a step without a tab shows the steps tab");
    // A named candidate without a query sets q, as candidate= in a link does.
    s.set_state_json(r#"{"candidate": "cars"}"#).unwrap();
    assert_eq!(s.scene.candidate, "cars");
    assert_eq!(s.scene.query, s.preset().candidate("cars").unwrap().vector);
    // The scene named switches the source.
    s.set_state_json(r#"{"scene": "interest-intensity"}"#).unwrap();
    assert_eq!(s.source.preset_id(), Some("interest-intensity"));
}

#[test]
fn undo_redo_and_reset() {
    let mut s = Session::new();
    let s0 = s.scene.clone();
    s.set_setting("similarity", "cosine").unwrap();
    assert!(s.can_undo(), "uncommitted edits can be undone");
    s.commit();
    s.set_query_value(0, 2.0).unwrap();
    s.commit();
    assert!(s.undo());
    assert_eq!(s.scene.query, {
        let mut q = s0.query.clone();
        q[0] = s.scene.query[0];
        q
    });
    assert_eq!(s.scene.similarity_name(), "cosine");
    assert!(s.can_redo());
    assert!(s.redo());
    assert_eq!(s.scene.query[0], 2.0);
    s.reset_scene().unwrap();
    assert_eq!((s.scene.query.clone(), s.scene.items.clone(), s.scene.similarity_name()), (s0.query.clone(), s0.items.clone(), s0.similarity_name()));
    assert!(s.undo(), "reset is undoable");
    assert_eq!(s.scene.similarity_name(), "cosine");
    s.clear_history();
    assert!(!s.can_undo() && !s.can_redo());
}

#[test]
fn undo_keeps_the_step_and_selection_within_the_items() {
    let mut s = Session::new();
    let n = s.scene.items.len();
    s.add_item().unwrap();
    s.commit();
    s.set_step((n + 4) as f64).unwrap();
    s.select_item(n as f64);
    assert_eq!((s.step, s.selected), (Some(n + 4), n));
    assert!(s.undo());
    assert_eq!(s.scene.items.len(), n);
    assert_eq!(s.step, Some(n + 3), "clamped to the last step");
    assert_eq!(s.selected, 0);
}

#[test]
fn generate_keeps_the_settings_and_says_where_the_scene_came_from() {
    let mut s = Session::new();
    s.set_setting("similarity", "cosine").unwrap();
    s.generate(50, 8).unwrap();
    assert!(matches!(s.source, Source::Generated { n: 50, d: 8, seed: 2018 }));
    assert_eq!(s.scene.items.len(), 50);
    assert_eq!(s.scene.similarity_name(), "cosine");
    assert_eq!(s.origin, s.scene);
    assert_eq!(s.preset().candidates.len(), 0, "a generated scene has no candidates");
    assert_eq!(s.lecture_setting(), None);
    let before = s.state_json();
    assert_eq!(s.generate_text("1.5", "8").unwrap_err().code, "E_INVALID");
    assert!(s.generate(10, 257).is_err());
    assert_eq!(s.state_json(), before);
}

#[test]
fn temperature_goes_through_the_scene_edit() {
    let mut s = Session::new();
    s.set_temperature_text("0.7").unwrap();
    assert_eq!(s.scene.temperature, 0.7);
    let e = s.set_temperature_text("-1").unwrap_err();
    assert_eq!((e.code, e.en.as_str(), e.zh.as_str()), ("E_TEMPERATURE", "temperature is -1: it must be greater than 0", "温度 T 是 -1：必须大于 0"));
    assert_eq!(s.set_temperature_text("x").unwrap_err().code, "E_NUMBER_NOT_A_NUMBER");
    assert_eq!(s.scene.temperature, 0.7);
    assert!(s.scene.with_temperature(0.0).is_err());
}

#[test]
fn the_projector_import_is_an_imported_scene_with_qs_mean() {
    let mut s = Session::new();
    let note = s.import_projector("1\t2\t3\n3\t4\t5\n", "a\nb\n").unwrap();
    assert_eq!(note, "Imported 2 items with d = 3 from vectors.tsv and metadata.tsv. q was set to the items' mean (its d differed).");
    assert!(matches!(&s.source, Source::Imported { name } if name == "imported"));
    assert_eq!(s.source.preset_id(), None);
    assert_eq!(s.scene.query, vec![2.0, 3.0, 4.0]);
    assert_eq!(s.scene.candidate, "");
    assert_eq!(s.origin, s.scene, "reset returns to the scene as imported");
    assert!(s.undo(), "the import is undoable");
    assert_eq!(s.scene.name, "why-din-works");
    assert_eq!(s.source.preset_id(), Some("why-din-works"), "undo brings the built-in scene's source back");
}

#[test]
fn choosing_a_candidate_of_an_imported_scene_names_it_as_blank() {
    let mut s = Session::new();
    s.import_text("a,1,2\nb,3,4\n").unwrap();
    assert!(matches!(s.source, Source::Imported { .. }), "{:?}", s.source);
    let e = s.choose_candidate("cars").unwrap_err();
    assert_eq!(e.code, "E_NO_SUCH");
    s.load_scene("why-din-works", 0).unwrap();
    s.choose_candidate("cars").unwrap();
    assert_eq!(s.scene.candidate, "cars");
    assert_eq!(s.load_scene("nope", 0).unwrap_err().code, "E_NO_SUCH");
    assert_eq!(s.load_scene("blank", 300).unwrap_err().code, "E_TOO_LARGE");
    s.load_scene("blank", 3).unwrap();
    assert_eq!(s.scene.dim(), 3);
}

#[test]
fn loading_a_scene_restarts_the_step_through() {
    let mut s = Session::new();
    s.set_step(3.0).unwrap();
    let view = s.view_generation;
    s.load_scene("interest-intensity", 0).unwrap();
    assert_eq!(s.step, Some(0));
    assert!(s.view_generation > view);
}

#[test]
fn a_link_round_trips_the_session() {
    let mut s = Session::new();
    s.set_state_json(r#"{"temperature": 0.5, "lang": "zh", "theme": "dark", "font": 1.25, "panels": ["map", "bars"], "density": false}"#).unwrap();
    s.set_item_text(1, 2, "0.75").unwrap();
    let text = link(&s);
    let mut t = Session::new();
    let problems = t.apply_params("", &text, false);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(t.state_json(), s.state_json());
    assert_eq!(t.origin, s.origin);
    assert_eq!(t.work.decodes, 1);
}

#[test]
fn a_bad_link_parameter_is_skipped_with_a_message() {
    let mut s = Session::new();
    let problems = s.apply_params("", "#temperature=-1&theme=dark", false);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(s.theme, Theme::Dark);
    assert_eq!(s.scene.temperature, Session::new().scene.temperature, "the value on screen stays");
}

#[test]
fn a_step_named_without_a_tab_shows_the_steps_tab() {
    let mut s = Session::new();
    s.apply_params("", "#view=lecture&step=1", false);
    assert_eq!((s.layout, s.step, s.tab), (Layout::Lecture, Some(1), Panel::Steps));
    let mut t = Session::new();
    t.apply_params("", "#view=lecture&step=1&tab=heatmap", false);
    assert_eq!(t.tab, Panel::Heatmap, "a tab named wins");
    assert!(names_key("?a=1", "#step=2", "step"));
    assert!(!names_key("?steps=1", "", "step"));
}

#[test]
fn keep_puts_parameters_on_top_of_the_state() {
    let mut s = Session::new();
    s.set_state_json(r#"{"temperature": 0.5, "theme": "dark"}"#).unwrap();
    s.apply_params("", "lang=zh", true);
    assert_eq!((s.scene.temperature, s.theme, s.lang), (0.5, Theme::Dark, Lang::Zh));
    s.apply_params("", "lang=en", false);
    assert_eq!(s.theme, Theme::Light, "without keep the parameters are the whole state");
}

#[test]
fn a_link_to_an_unknown_scene_is_imported() {
    assert!(matches!(Source::named("my list"), Source::Imported { name } if name == "my list"));
    assert_eq!(Source::named("interest-intensity").preset_id(), Some("interest-intensity"));
}

#[test]
fn the_step_through_switches_to_the_lecture_setting_and_back() {
    let mut s = Session::new();
    s.set_setting("similarity", "cosine").unwrap();
    assert!(s.start_steps().unwrap(), "why-din-works has a lecture setting");
    assert_eq!(s.step, Some(0));
    assert_eq!(s.scene.similarity_name(), "dot");
    assert!(s.stop_steps().unwrap());
    assert_eq!(s.scene.similarity_name(), "cosine");
    assert_eq!(s.step, None);
    assert!(!s.step_by(true), "off: nothing to step");
    s.set_step(0.0).unwrap();
    assert!(!s.step_by(false));
    assert!(s.step_by(true));
    assert_eq!(s.step, Some(1));
    assert_eq!(s.set_step(1.5).unwrap_err().code, "E_STEP");
}

#[test]
fn view_options_and_placement() {
    let mut s = Session::new();
    s.set_view(r#"{"theme": "dark", "placement": "user-tower", "view": "lecture"}"#).unwrap();
    assert_eq!(s.view_value()["placement"], "user-tower");
    assert_eq!(s.view_value()["theme"], "dark");
    assert_eq!(s.set_placement("left").unwrap_err().code, "E_INVALID");
    s.set_placement("ranking").unwrap();
    assert_eq!(s.placement, Placement::Ranking);
    assert_eq!(s.set_lang("fr").unwrap_err().code, "E_LANG");
    assert!(s.set_view(r#"{"theme": "neon"}"#).is_err());
    assert_eq!(s.theme, Theme::Dark);
}

#[test]
fn a_large_edited_lastn_is_known_too_long_for_a_link_without_encoding() {
    let mut s = Session::new();
    s.generate(10_000, 64).unwrap();
    s.set_item_text(0, 0, "1").unwrap();
    let v = json(&s.url_state_json());
    assert_eq!(v["ok"], false);
    assert!(v["message"].as_str().unwrap().contains("10000 items, d = 64"));
    let encodes = s.work.encodes;
    assert_eq!(s.current_link(), None);
    assert_eq!(s.work.encodes, encodes, "nothing encoded");
}

#[test]
fn a_snapshot_restores_scene_language_and_view() {
    let mut s = Session::new();
    s.set_state_json(r#"{"lang": "zh", "theme": "dark", "step": 1}"#).unwrap();
    s.set_item_text(0, 0, "0.5").unwrap();
    let head = s.snapshot_head();
    let labels = crate::snapshot::labels_json(&s.scene);
    let values: Vec<f64> = s.scene.items.iter().flat_map(|it| it.vector.clone()).collect();
    let mut t = Session::new();
    t.restore_snapshot(&head, &labels, &values).unwrap();
    assert_eq!(t.scene, s.scene);
    assert_eq!((t.lang, t.theme, t.step), (Lang::Zh, Theme::Dark, Some(1)));
    assert_eq!(t.origin, t.scene);
    assert!(t.restore_snapshot(&head, &labels, &values[1..]).is_err());
}

#[test]
fn highlight_and_selection_stay_within_the_items() {
    let mut s = Session::new();
    let n = s.scene.items.len();
    s.set_highlight(1.0);
    assert_eq!(s.highlight, Some(1));
    s.set_highlight(n as f64);
    assert_eq!(s.highlight, None);
    s.select_item(2.0);
    s.select_item(-1.0);
    assert_eq!(s.selected, 2);
    s.set_sum_progress(f64::NAN);
    assert_eq!(s.sum_progress, 1.0);
    s.set_sum_progress(2.0);
    assert_eq!(s.sum_progress, 1.0);
}

#[test]
fn rounded_has_three_decimals_and_no_negative_zero() {
    assert_eq!(round3(0.12345), 0.123);
    assert!(round3(-0.0001).is_sign_positive());
}

/// The fast q edit (reused keys, no copy of the scene) gives what applying
/// `Scene::with_query_value` gives, for every definition, for refused
/// values, and after the items changed (the kept keys follow them).
#[test]
fn editing_q_in_place_is_the_scene_edit() {
    let definitions = ["dot", "cosine", "scaled_dot", "unit", "authors"];
    let values = [0.25, -3.5, 1e-3, 40.0, f64::NAN, f64::INFINITY, 1e300];
    for (round, sim) in definitions.iter().enumerate() {
        let mut s = Session::new();
        s.set_state_json(&format!(r#"{{"similarity":"{sim}","normalization":"softmax"}}"#)).unwrap();
        for (j, &v) in values.iter().enumerate() {
            let k = (round + j) % s.scene.dim();
            let want = s.scene.with_query_value(k, v);
            let before = (s.scene.clone(), s.att.clone());
            let got = s.set_query_value(k, v);
            match want {
                Ok((scene, att)) => {
                    assert!(got.is_ok(), "{sim} q{k} = {v}");
                    assert_eq!(s.scene.query, scene.query);
                    assert_eq!(s.att, att, "{sim} q{k} = {v}");
                    assert!(s.scene.candidate.is_empty() || s.scene.query == before.0.query);
                }
                Err(e) => {
                    let m = got.expect_err("refused like the scene edit");
                    assert_eq!(m.code(), e.code(), "{sim} q{k} = {v}");
                    assert_eq!((s.scene.clone(), s.att.clone()), before, "a refused edit changes nothing");
                }
            }
            // Change an item now and then: the next q edit must see it.
            if j % 2 == 1 {
                s.set_item_text(j % s.scene.items.len(), k, "0.75").unwrap();
            }
        }
        assert_eq!(Ok(s.att.clone()), s.scene.validate(), "{sim}: what is on screen is the scene's attention");
    }
    // Past d: refused, naming the component.
    let mut s = Session::new();
    let d = s.scene.dim();
    assert_eq!(s.set_query_value(d, 1.0).unwrap_err().code(), "E_NO_SUCH");
    assert_eq!(s.set_query_text(0, "abc").unwrap_err().code(), "E_NUMBER_NOT_A_NUMBER");
}

/// The link, `setState` and `setStep` read a step with one check
/// (`steps::check_step`): a step one accepts the others accept at the same
/// value; past the end the link shows the last step and the others refuse.
#[test]
fn one_step_check_for_every_channel() {
    let n = crate::presets::default_scene().items.len();
    let last = crate::steps::steps_total(n) - 1;
    for k in [0, 1, last - 1, last, last + 1, 1000] {
        let link = crate::urlstate::decode(&format!("?step={k}"), "");
        let json = super::parse_step(&serde_json::json!(k), n);
        let mut s = Session::new();
        let set = s.set_step(k as f64);
        if k <= last {
            assert_eq!((link.state.step, json.as_ref().ok().copied(), s.step), (Some(k), Some(k), Some(k)), "{k}");
            assert!(link.problems.is_empty() && set.is_ok(), "{k}");
        } else {
            assert_eq!(link.state.step, Some(last), "{k}");
            assert_eq!(link.problems.len(), 1, "{k}");
            assert_eq!(json.as_ref().map_err(|m| m.code), Err("E_STEP"), "{k}");
            assert!(set.is_err(), "{k}");
        }
    }
    assert_eq!(super::parse_step(&serde_json::json!(2.5), n).map_err(|m| m.code), Err("E_STEP"));
    assert_eq!(crate::urlstate::decode("?step=2.5", "").problems[0].code, "E_URL");
}
