//! Items keep their colour for life (issue 11 §4), as drawn: the colour ids
//! of din-core's scene edits through each theme's palette. (Moved from
//! din-core's scene tests, which check the ids themselves.)

use din_core::options::Theme;
use din_core::presets::{default_scene, preset, PRESET_IDS};
use din_draw::palette::{delta_e, palette, LIGHT};

#[test]
fn removing_an_item_keeps_every_other_colour() {
    for p in PRESET_IDS.iter().filter_map(|id| preset(id)) {
        let s = p.scene;
        for theme in [Theme::Light, Theme::Dark, Theme::Contrast] {
            let pal = palette(theme);
            for i in 0..s.items.len() {
                let (t, _) = s.without_item(i).unwrap();
                let before: Vec<_> = (0..s.items.len()).filter(|&j| j != i).map(|j| pal.item_of(&s, j)).collect();
                let after: Vec<_> = (0..t.items.len()).map(|j| pal.item_of(&t, j)).collect();
                assert_eq!(before, after, "{}: removing x{} recoloured others ({theme:?})", p.id, i + 1);
            }
        }
    }
}

#[test]
fn colour_ids_past_twelve_repeat_the_palette() {
    // Past the 12 colours the ids go on (13, 14, …) and the colours
    // repeat with period 12: id k is drawn in colour k mod 12.
    let mut w = default_scene();
    for k in 0..6 {
        w = w.with_item_added(&format!("i{k}"), &[0.0; 8]).unwrap().0;
    }
    assert_eq!(w.items.iter().map(|it| it.color).collect::<Vec<u16>>(), (0..15).collect::<Vec<u16>>());
    let pal = &LIGHT;
    assert_eq!(pal.item_of(&w, 12), pal.item_of(&w, 0));
    assert_ne!(pal.item_of(&w, 11), pal.item_of(&w, 0));
}

#[test]
fn builtin_scenes_have_distinct_colours_in_every_theme() {
    for p in PRESET_IDS.iter().filter_map(|id| preset(id)) {
        for theme in [Theme::Light, Theme::Dark, Theme::Contrast] {
            let pal = palette(theme);
            let cs: Vec<_> = (0..p.scene.items.len()).map(|i| pal.item_of(&p.scene, i)).collect();
            for i in 0..cs.len() {
                for j in i + 1..cs.len() {
                    assert!(delta_e(cs[i], cs[j]) >= 15.0, "{} {theme:?}: x{} and x{} look alike", p.id, i + 1, j + 1);
                }
            }
        }
    }
}
