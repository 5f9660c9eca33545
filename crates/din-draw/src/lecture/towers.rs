//! Where attention can sit, deck p. 18: the two-tower model and the ranking model.

use super::ink::*;
use super::*;

// ---------------------------------------------------------------------------
// Where attention can sit, deck p. 18.

/// Where the attention over LastN is placed in [`draw_towers`] (a view
/// option: defined in din-core's `options`).
pub use din_core::options::Placement;

/// Preferred CSS height of the towers panel in `st`'s theme and font
/// scale, with the two models side by side.
#[must_use]
pub fn towers_height_for(st: &Style) -> f64 {
    grown(500.0, st)
}

/// Below this CSS width (times the text factor) [`draw_towers`] draws the
/// two models one above the other, each across the whole width, so that
/// their labels keep a readable size and never run into each other
/// (phones), if the panel is at least [`TOWERS_STACKED_MIN_H`] tall.
pub const TOWERS_STACK_BELOW: f64 = 600.0;
/// The least CSS height (times the text factor) in which the two models fit one above the other.
pub const TOWERS_STACKED_MIN_H: f64 = 700.0;

fn towers_stacked(width_css: f64, height_css: f64, st: &Style) -> bool {
    width_css < TOWERS_STACK_BELOW * st.text_factor() && height_css >= TOWERS_STACKED_MIN_H * st.text_factor()
}

/// Preferred CSS height of the towers panel at CSS width `width_css`:
/// [`towers_height_for`], or taller when the panel is narrow enough that
/// the models are stacked.
///
/// ```
/// use din_draw::draw::Style;
/// use din_draw::lecture::{towers_height_at, towers_height_for};
/// let st = Style::new(1.0);
/// assert_eq!(towers_height_at(900.0, &st), towers_height_for(&st));
/// assert!(towers_height_at(370.0, &st) > 1.5 * towers_height_for(&st));
/// ```
#[must_use]
pub fn towers_height_at(width_css: f64, st: &Style) -> f64 {
    if width_css < TOWERS_STACK_BELOW * st.text_factor() {
        grown(940.0, st)
    } else {
        towers_height_for(st)
    }
}

/// Where [`draw_towers`] put things, in backend pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct TowersLayout {
    /// The placement drawn.
    pub placement: Placement,
    /// The two models one above the other (a narrow panel), else side by side.
    pub stacked: bool,
    /// The user tower's box (two-tower model, left or top).
    pub user_tower: Rect,
    /// The item tower's box.
    pub item_tower: Rect,
    /// The ranking model's network box (right or bottom).
    pub ranking: Rect,
    /// The attention box: greyed in the user tower, or live in the ranking model.
    pub attention: Rect,
    /// Whether the attention path is live (`Placement::Ranking`).
    pub attention_active: bool,
    /// The mean strips drawn.
    pub mean: Vec<Rect>,
    /// The pooled strip (ranking model, `Placement::Ranking` only).
    pub pooled: Option<Rect>,
    /// The `q` strips drawn.
    pub query: Vec<Rect>,
    /// The small LastN strips: (item index, rectangle), for hovering.
    pub items: Vec<(usize, Rect)>,
    /// The box of every text drawn outside a box (titles, headings, labels).
    pub labels: Vec<Rect>,
    /// Every box drawn (networks, inputs, strips), with its text inside.
    pub boxes: Vec<Rect>,
}

/// Draws deck p. 18: a two-tower retrieval model and a ranking model, side
/// by side (left and right) or, in a panel narrower than
/// [`TOWERS_STACK_BELOW`] and tall enough, one above the other, with the
/// live `q`, mean and pooled vectors as strips.
///
/// * [`Placement::UserTower`]: LastN feeds the user tower through the
///   plain average; the attention path is drawn greyed and dashed, crossed
///   out, with the reason: the user tower never sees the candidate item.
///   The ranking model also gets the average.
/// * [`Placement::Ranking`]: the attention path (`q` and LastN → `α` →
///   pooled) feeds the ranking model in full colour; the two-tower side
///   keeps the mean in its user tower.
///
/// The title states the lecture's rule: the average fits two-tower,
/// three-tower and ranking models; attention only the ranking model.
/// Every label stays in its own interval (shrunk, wrapped to two lines or
/// shortened), so no two labels overlap; the layout records their boxes.
///
/// # Errors
/// A [`DrawError`] if the backend fails.
#[allow(clippy::too_many_lines)]
pub fn draw_towers<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    scene: &Scene,
    att: &Attention,
    placement: Placement,
    st: &Style,
) -> Result<TowersLayout, DrawError> {
    let pal = st.palette();
    area.fill(&pal.background).map_err(err)?;
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let (w_css, h_css) = (f64::from(w) / st.scale, f64::from(h) / st.scale);
    let stacked = towers_stacked(w_css, h_css, st);
    // A panel shorter than the diagram needs draws its text smaller (down
    // to the smallest font scale) rather than past its bottom.
    let need = if stacked { grown(940.0, st) } else { towers_height_for(st) };
    let fitted;
    let st = if h_css + 1.0 < need {
        let mut small = st.clone();
        small.set_font_scale(st.font_scale * ((h_css - 12.0) / (need - 12.0)).max(0.0));
        fitted = small;
        &fitted
    } else {
        st
    };
    let lang = st.lang;
    let pad = st.px(12.0);
    let limit = shared_limit(scene, att);
    let active = placement == Placement::Ranking;
    let mut ink = Ink::default();

    let title = lang.pick(
        "The average fits two-tower, three-tower and ranking models; attention fits only the ranking model",
        "简单平均适用于双塔模型、三塔模型和精排模型；注意力机制只适用于精排模型",
    );
    let tfont = st.bold(16.0, &pal.text);
    let mut tl = wrap(area, title, &tfont, w - 2 * pad);
    // At most three lines on a narrow panel (two side by side); the rest shortened.
    let most = if stacked { 3 } else { 2 };
    if tl.len() > most {
        let rest = tl[most - 1..].join(" ");
        tl.truncate(most - 1);
        tl.push(clip_to(area, &rest, &tfont, w - 2 * pad));
    }
    lines_at(area, &mut ink, &tl, (pad, pad), st.tpx(21.0), &tfont, HPos::Left)?;
    let info = if active {
        lang.pick(
            "Here: attention in the ranking model, where LastN and the candidate item meet",
            "此处：注意力机制放在精排模型，LastN 和候选物品在这里同时可见",
        )
    } else {
        lang.pick(
            "Here: attention tried in the user tower: not possible (attention needs LastN + the candidate item), so the user tower averages",
            "此处：尝试把注意力机制放进用户塔：不可行（注意力机制需要 LastN + 候选物品），用户塔只能用简单平均",
        )
    };
    let info_px = fit_px(area, info, w - 2 * pad, 13.0, 11.0, true, st);
    let info_y = pad + st.tpx(21.0) * tl.len() as i32 + st.tpx(2.0);
    let info_font = st.font(info_px, if active { &pal.pooled } else { &pal.muted });
    // One line when it fits at some size, else two (three on a narrow panel; the rest clipped).
    let mut info_lines = wrap(area, info, &info_font, w - 2 * pad);
    if info_lines.len() > most {
        let rest = info_lines[most - 1..].join(" ");
        info_lines.truncate(most - 1);
        info_lines.push(clip_to(area, &rest, &info_font, w - 2 * pad));
    }
    let info_line_h = st.tpx(16.0);
    lines_at(area, &mut ink, &info_lines, (pad, info_y), info_line_h, &info_font, HPos::Left)?;

    // The two models' regions: halves side by side, or top and bottom.
    let head_y = info_y + info_line_h * info_lines.len() as i32 + st.tpx(8.0);
    let ((lx0, lx1, l_head, l_bottom), (rx0, rx1, r_head, r_bottom)) = if stacked {
        let mid_y = head_y + (h - pad - head_y) / 2;
        line(area, vec![(pad, mid_y), (w - pad, mid_y)], pal.grid.stroke_width(st.stroke(1.5)))?;
        ((pad, w - pad, head_y, mid_y - st.tpx(6.0)), (pad, w - pad, mid_y + st.tpx(8.0), h - pad))
    } else {
        let mid = w / 2;
        line(area, vec![(mid, head_y), (mid, h - pad)], pal.grid.stroke_width(st.stroke(1.5)))?;
        ((pad, mid - st.tpx(12.0), head_y, h - pad), (mid + st.tpx(12.0), w - pad, head_y, h - pad))
    };
    for (x0, x1, y, s) in [
        (lx0, lx1, l_head, lang.pick("two-tower model (retrieval)", "双塔模型（召回）")),
        (rx0, rx1, r_head, lang.pick("ranking model", "精排模型")),
    ] {
        let (s, font) = fit_clip(area, s, x1 - x0, LABEL_PX, 9.0, true, &pal.text, st);
        label_at(area, &mut ink, &s, ((x0 + x1) / 2, y), font, HPos::Center, VPos::Top)?;
    }
    let lr = Rows::new(l_head, l_bottom, st);
    let rr = Rows::new(r_head, r_bottom, st);

    let small = |c: RGBColor| st.font(12.0, &c);
    let strip_w = |col_w: i32| col_w.min(st.tpx(120.0)).max(st.tpx(30.0));
    let gap = st.tpx(6.0);
    // An arrow up from the top of a row (or of a label that rises above
    // it: `from_y`) to the bottom of another.
    let up_from = |rows: &Rows, x: i32, from_y: i32, to_row: usize, color: RGBColor| {
        // No room for an arrow (a cramped panel): none.
        if from_y - rows.b(to_row) < st.tpx(10.0) {
            return Ok(());
        }
        small_arrow(
            area,
            (f64::from(x), f64::from(from_y - st.tpx(2.0))),
            (f64::from(x), f64::from(rows.b(to_row) + st.tpx(2.0))),
            color,
            1.5,
            false,
            7.0,
            st,
        )
    };
    let up = |rows: &Rows, x: i32, from_row: usize, to_row: usize, color: RGBColor| up_from(rows, x, rows.y[from_row], to_row, color);
    let chip = |ink: &mut Ink, r: Rect| -> Result<(), DrawError> {
        let s = lang.pick("user features", "用户特征");
        node(area, ink, r, &[(s, st.font(12.0, &pal.text)), (lang.pick("ID, profile …", "ID、画像……"), small(pal.muted))], pal.axis.stroke_width(st.stroke(1.0)), pal.panel, false, st)
    };

    // ---- The two-tower model (left or top).
    let lw = lx1 - lx0;
    let ux0 = lx0;
    let ux1 = lx0 + (f64::from(lw) * 0.62).round() as i32;
    let ix0 = ux1 + st.tpx(10.0);
    let ix1 = lx1;
    let feat_c = ux0 + (ux1 - ux0) / 4;
    let lastn_c = ux0 + (ux1 - ux0) * 7 / 10;
    let user_c = (ux0 + ux1) / 2;
    let item_c = (ix0 + ix1) / 2;
    // Score at the top.
    let score = lang.pick("score = user vector · item vector", "分数 = 用户向量 · 物品向量");
    let (score, sfont) = fit_clip(area, score, lw, 13.0, 8.0, true, &pal.text, st);
    let sx = inside_x(area, &score, &sfont, (user_c + item_c) / 2, pad);
    label_at(area, &mut ink, &score, (sx, lr.c(0)), sfont, HPos::Center, VPos::Center)?;
    let tower_w = |x0: i32, x1: i32| (x1 - x0 - st.tpx(16.0)).max(st.tpx(40.0));
    let sw_u = strip_w(tower_w(ux0, ux1) / 2);
    let sw_i = strip_w(tower_w(ix0, ix1));
    let vec_split = (user_c + item_c) / 2;
    let vy = lr.c(1) + st.tpx(6.0);
    labelled_strip(area, &mut ink, (user_c, vy), sw_u, None, limit, lang.pick("user vector", "用户向量"), pal.muted, 1.0, (lx0, vec_split - gap / 2), lr.b(0) + 2, st)?;
    labelled_strip(area, &mut ink, (item_c, vy), sw_i.min(sw_u), None, limit, lang.pick("item vector", "物品向量"), pal.muted, 1.0, (vec_split + gap / 2, lx1), lr.b(0) + 2, st)?;
    for c in [user_c, item_c] {
        small_arrow(
            area,
            (f64::from(c), f64::from(vy - st.tpx(8.0) - st.tpx(16.0))),
            (f64::from((user_c + item_c) / 2 + (c - (user_c + item_c) / 2) / 3), f64::from(lr.c(0) + st.tpx(9.0))),
            pal.text,
            1.5,
            false,
            7.0,
            st,
        )?;
    }
    let user_tower: Rect = (ux0 + st.tpx(8.0), lr.y[2], ux1 - st.tpx(8.0), lr.b(2));
    let item_tower: Rect = (ix0 + st.tpx(8.0), lr.y[2], ix1 - st.tpx(8.0), lr.b(2));
    for (r, s) in [(user_tower, lang.pick("user tower", "用户塔")), (item_tower, lang.pick("item tower", "物品塔"))] {
        node(area, &mut ink, r, &[(s, st.bold(13.0, &pal.text)), (lang.pick("neural network", "神经网络"), small(pal.muted))], pal.text.stroke_width(st.stroke(1.5)), pal.panel, false, st)?;
    }
    up(&lr, user_c, 2, 1, pal.text)?;
    up(&lr, item_c, 2, 1, pal.text)?;
    // Inputs.
    let chip_w = ((ux1 - ux0) * 2 / 5).min(st.tpx(130.0));
    let chip_l: Rect = (feat_c - chip_w / 2, lr.y[3] + st.tpx(4.0), feat_c + chip_w / 2, lr.b(3));
    chip(&mut ink, chip_l)?;
    let sw_l = strip_w((ux1 - ux0) * 2 / 5);
    let results = st.reveal.results;
    let in_split = (lastn_c + item_c) / 2;
    let iy = lr.c(3) + st.tpx(8.0);
    let (mean_l, mean_label) = labelled_strip(area, &mut ink, (lastn_c, iy), sw_l, results.then_some(att.mean.as_slice()), limit, lang.pick("LastN mean", "LastN 平均"), pal.mean, 2.0, (chip_l.2 + gap, in_split - gap / 2), lr.b(2) + 2, st)?;
    let (q_l, q_label) = labelled_strip(area, &mut ink, (item_c, iy), sw_i, Some(&scene.query), limit, lang.pick("candidate item q", "候选物品 q"), pal.query, 2.0, (in_split + gap / 2, lx1), lr.b(2) + 2, st)?;
    up(&lr, feat_c, 3, 2, pal.text)?;
    for (x, label) in [(lastn_c, mean_label), (item_c, q_label)] {
        up_from(&lr, x, lr.y[3].min(label.1), 2, pal.text)?;
    }
    // Average (and, for UserTower, the impossible attention) under LastN.
    let box_w = ((ux1 - ux0) * 2 / 5).min(st.tpx(140.0));
    let avg_l: Rect = (lastn_c - box_w / 2, lr.y[4], lastn_c + box_w / 2, lr.b(4));
    node(area, &mut ink, avg_l, &[(lang.pick("mean", "平均"), st.bold(13.0, &pal.mean)), ("(1/n) Σ xᵢ", small(pal.muted))], pal.mean.stroke_width(st.stroke(1.5)), pal.background, false, st)?;
    up(&lr, lastn_c, 4, 3, pal.mean)?;
    let mut items = mini_lastn(area, &mut ink, scene, avg_l.0, avg_l.2, lr.y[5], st.tpx(22.0), (lx0, lx1), limit, st)?;
    up(&lr, lastn_c, 5, 4, pal.text)?;
    let att_label = lang.pick("attention", "注意力机制");
    let att_formula = din_core::explain::alpha_of(scene, "xᵢ");
    let mut attention: Rect = (0, 0, 0, 0);
    if !active {
        // The impossible path, greyed: attention beside the average, fed by q.
        let ax0 = avg_l.2 + st.tpx(14.0);
        let ax1 = (ix1 - st.tpx(4.0)).min(ax0 + st.tpx(170.0)).max(ax0 + st.tpx(40.0));
        attention = (ax0, lr.y[4], ax1, lr.b(4));
        node(area, &mut ink, attention, &[(att_label, st.bold(13.0, &pal.axis)), (&att_formula, small(pal.axis))], pal.axis.stroke_width(st.stroke(1.5)), pal.background, true, st)?;
        let to_mean = (f64::from(mean_l.2 - st.tpx(6.0)), f64::from(mean_l.3 + st.tpx(3.0)));
        small_arrow(area, (f64::from(attention.0 + st.tpx(12.0)), f64::from(attention.1 - st.tpx(2.0))), to_mean, pal.axis, 1.5, true, 7.0, st)?;
        // q → attention, crossed out: q never reaches the user tower.
        let qx = f64::from(item_c.min(attention.2 - st.tpx(10.0)).max(attention.0 + st.tpx(24.0)));
        let from = (f64::from(item_c), f64::from(q_l.3 + st.tpx(3.0)));
        let to = (qx, f64::from(attention.1 - st.tpx(2.0)));
        small_arrow(area, from, to, pal.axis, 1.5, true, 7.0, st)?;
        let xm = (((from.0 + to.0) / 2.0).round() as i32, ((from.1 + to.1) / 2.0).round() as i32);
        // The cross fits between the q strip and the attention box.
        // (In a panel too short for it, the reason line below says it alone.)
        let xs = (to.1 - from.1) / 1.2 / st.scale / st.text_factor();
        if xs >= 11.0 {
            let xs = xs.min(17.0);
            let r = st.tpx(xs * 0.53);
            rect(area, (xm.0 - r, xm.1 - r, xm.0 + r, xm.1 + r), pal.background.filled())?;
            label_at(area, &mut ink, "✕", xm, st.bold(xs, &pal.cross), HPos::Center, VPos::Center)?;
            label_at(area, &mut ink, "q", (xm.0 + r + st.tpx(3.0), xm.1), st.bold(xs.min(13.0), &pal.axis), HPos::Left, VPos::Center)?;
        }
        // The reason, on the bottom row of the two-tower model.
        let reason = lang.pick("the user tower never sees the candidate item q", "用户塔看不到候选物品");
        let line_txt = format!("✕ {reason}");
        let rpx = fit_px(area, &line_txt, lx1 - lx0, 13.0, 10.0, true, st);
        let rfont = st.bold(rpx, &pal.cross);
        let lines = wrap(area, &line_txt, &rfont, lx1 - lx0);
        lines_at(area, &mut ink, &lines[..lines.len().min(2)], ((lx0 + lx1) / 2, lr.y[6]), st.tpx(16.0), &rfont, HPos::Center)?;
    }

    // ---- The ranking model (right or bottom).
    let rw = rx1 - rx0;
    let rc = (rx0 + rx1) / 2;
    let outs = [lang.pick("click rate", "点击率"), lang.pick("like rate", "点赞率"), "…"];
    for (k, s) in outs.iter().enumerate() {
        let x = rx0 + rw * (2 * k as i32 + 1) / 6;
        let (s, ofont) = fit_clip(area, s, rw / 3 - gap, 13.0, 8.0, true, &pal.text, st);
        label_at(area, &mut ink, &s, (x, rr.c(0)), ofont, HPos::Center, VPos::Center)?;
        small_arrow(area, (f64::from(rc), f64::from(rr.y[1] - st.tpx(2.0))), (f64::from(x), f64::from(rr.c(0) + st.tpx(10.0))), pal.text, 1.2, false, 6.0, st)?;
    }
    let ranking: Rect = (rx0 + rw / 8, rr.y[1], rx1 - rw / 8, rr.b(1));
    node(area, &mut ink, ranking, &[(lang.pick("neural network (MLP)", "神经网络（MLP）"), st.bold(13.0, &pal.text))], pal.text.stroke_width(st.stroke(1.5)), pal.panel, false, st)?;
    let concat: Rect = (rx0 + st.tpx(4.0), rr.y[2] + st.tpx(8.0), rx1 - st.tpx(4.0), rr.b(2) - st.tpx(4.0));
    node(area, &mut ink, concat, &[(lang.pick("concatenation", "拼接"), st.font(13.0, &pal.text))], pal.axis.stroke_width(st.stroke(1.0)), pal.background, false, st)?;
    up(&rr, rc, 2, 1, pal.text)?;
    let (f_c, l_c, q_c) = (rx0 + rw / 6, rx0 + rw / 2, rx0 + rw * 5 / 6);
    let sw_r = strip_w(rw / 4);
    let chip_r: Rect = (f_c - sw_r / 2 - st.tpx(6.0), rr.y[3] + st.tpx(4.0), f_c + sw_r / 2 + st.tpx(6.0), rr.b(3));
    chip(&mut ink, chip_r)?;
    let ry = rr.c(3) + st.tpx(8.0);
    let r_split = (l_c + q_c) / 2;
    let l_room = (chip_r.2 + gap, r_split - gap / 2);
    let mut mean = vec![mean_l];
    let mut pooled = None;
    let l_label: Rect;
    if active {
        let r = labelled_strip(area, &mut ink, (l_c, ry), sw_r, results.then_some(att.pooled.as_slice()), limit, lang.pick("pooled", "加权和"), pal.pooled, 2.5, l_room, rr.b(2) + 2, st)?;
        pooled = Some(r.0);
        l_label = r.1;
    } else {
        let r = labelled_strip(area, &mut ink, (l_c, ry), sw_r, results.then_some(att.mean.as_slice()), limit, lang.pick("LastN mean", "LastN 平均"), pal.mean, 2.0, l_room, rr.b(2) + 2, st)?;
        mean.push(r.0);
        l_label = r.1;
    }
    let (q_r, q_r_label) = labelled_strip(area, &mut ink, (q_c, ry), sw_r, Some(&scene.query), limit, lang.pick("candidate item q", "候选物品 q"), pal.query, 2.0, (r_split + gap / 2, rx1), rr.b(2) + 2, st)?;
    up(&rr, f_c, 3, 2, pal.text)?;
    for (x, label) in [(l_c, l_label), (q_c, q_r_label)] {
        up_from(&rr, x, rr.y[3].min(label.1), 2, pal.text)?;
    }
    let rbox_w = (rw * 2 / 5).min(st.tpx(190.0));
    let r4: Rect = (l_c - rbox_w / 2, rr.y[4], l_c + rbox_w / 2, rr.b(4));
    if active {
        node(area, &mut ink, r4, &[(att_label, st.bold(13.0, &pal.pooled)), (&att_formula, small(pal.text))], pal.pooled.stroke_width(st.stroke(2.0)), pal.background, false, st)?;
        attention = r4;
        up(&rr, l_c, 4, 3, pal.pooled)?;
        // q feeds the attention too.
        let from = (f64::from((q_r.0 + q_r.2) / 2), f64::from(q_r.3 + st.tpx(3.0)));
        let to = (f64::from(r4.2 + st.tpx(2.0)), f64::from((r4.1 + r4.3) / 2));
        small_arrow(area, from, to, pal.query, 2.0, false, 8.0, st)?;
        label_at(area, &mut ink, "q", (((from.0 + to.0) / 2.0).round() as i32 + st.tpx(6.0), ((from.1 + to.1) / 2.0).round() as i32 + st.tpx(4.0)), st.bold(13.0, &pal.query), HPos::Left, VPos::Top)?;
    } else {
        node(area, &mut ink, r4, &[(lang.pick("mean", "平均"), st.bold(13.0, &pal.mean)), ("(1/n) Σ xᵢ", small(pal.muted))], pal.mean.stroke_width(st.stroke(1.5)), pal.background, false, st)?;
        up(&rr, l_c, 4, 3, pal.mean)?;
    }
    items.extend(mini_lastn(area, &mut ink, scene, r4.0, r4.2, rr.y[5], st.tpx(22.0), (rx0, rx1), limit, st)?);
    up(&rr, l_c, 5, 4, pal.text)?;
    Ok(TowersLayout {
        placement,
        stacked,
        user_tower,
        item_tower,
        ranking,
        attention,
        attention_active: active,
        mean,
        pooled,
        query: vec![q_l, q_r],
        items,
        labels: ink.labels,
        boxes: ink.boxes,
    })
}
