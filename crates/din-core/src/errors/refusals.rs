//! The refusals din-core makes itself (not through a typed error of the
//! maths, the scene or the unit): the link codec's ([`LinkRefusal`]) and
//! the session's, the page controls', the view options' and the export's
//! ([`SessionRefusal`]). Each variant's code and its English and Chinese
//! texts are written here and nowhere else; the modules that refuse build
//! a variant and turn it into a [`Message`] with `.into()`.

use super::{Localized, Message};
use crate::i18n::Lang;

/// A link key whose value must be one of a few names ([`LinkRefusal::UnknownValue`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Choice {
    /// `similarity`.
    Similarity,
    /// `normalization`.
    Normalization,
    /// `activation`.
    Activation,
    /// `weight`.
    Weight,
    /// `lang`.
    Lang,
    /// `theme`.
    Theme,
    /// `placement`.
    Placement,
    /// `view`.
    View,
    /// `tab`.
    Tab,
    /// `panels`, with the panel names.
    Panels(Vec<&'static str>),
}

impl Choice {
    /// The key, and the names that would do in English and in Chinese.
    fn parts(&self) -> (&'static str, String, String) {
        let fixed = |key, en: &str, zh: &str| (key, en.to_owned(), zh.to_owned());
        match self {
            Choice::Similarity => fixed("similarity", "dot, cosine, scaled_dot, unit or authors", "dot、cosine、scaled_dot、unit 或 authors"),
            Choice::Normalization => fixed("normalization", "none or softmax", "none 或 softmax"),
            Choice::Activation => fixed("activation", "sigmoid, prelu or dice", "sigmoid、prelu 或 dice"),
            Choice::Weight => fixed("weight", "z (the paper: α = z) or sigmoid (α = sigmoid(z))", "z（论文：α = z）或 sigmoid（α = sigmoid(z)）"),
            Choice::Lang => fixed("lang", "en or zh", "en 或 zh"),
            Choice::Theme => fixed("theme", "light, dark or contrast", "light、dark 或 contrast"),
            Choice::Placement => fixed("placement", "user-tower or ranking", "user-tower 或 ranking"),
            Choice::View => fixed("view", "lecture or explore", "lecture 或 explore"),
            Choice::Tab => fixed("tab", "heatmap, steps, unit, qkv, towers or train", "heatmap、steps、unit、qkv、towers 或 train"),
            Choice::Panels(all) => ("panels", all.join(", "), all.join("、")),
        }
    }
}

/// What happens instead when a link is too long ([`LinkRefusal::TooLong`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fallback {
    /// Page load: the default scene is shown.
    DefaultScene,
    /// A link applied to the page: nothing of it is applied.
    NothingApplied,
}

/// A refusal of the link codec (`urlstate`). Untrusted text in a variant
/// is already clipped (`i18n::clip`); key names are identifiers and are
/// the same in both languages.
#[derive(Clone, Debug, PartialEq)]
pub enum LinkRefusal {
    /// `step` past the last step of the state's scene.
    StepPastLast { step: usize, last: usize },
    /// `step` past the last step of the link's scene: the last is shown.
    StepShownLast { shown: String, last: usize },
    /// `step` neither a whole number nor `off`.
    BadStep(String),
    /// A percent escape that is not `%XX`.
    BadEscape { what: String, escape: String },
    /// Percent-decoded text that is not UTF-8.
    NotUtf8 { what: String },
    /// A parameter name that is not percent-encoded UTF-8.
    BadKeyName(String),
    /// A key the page does not read.
    UnknownKey(String),
    /// How many more unknown keys were ignored.
    MoreUnknownKeys(usize),
    /// A key given more than once in one text.
    GivenTwice { key: String, times: usize, shown: String },
    /// A link over `max` bytes.
    TooLong { total: usize, max: usize, then: Fallback },
    /// `v` above the current version.
    NewerVersion { shown: String, version: u32 },
    /// `v` that is no version.
    NotAVersion { shown: String, version: u32 },
    /// A whole number expected.
    NotWhole { key: String, shown: String },
    /// A whole number under `min`.
    TooSmall { key: String, value: usize, min: usize },
    /// A whole number over `max`.
    TooLarge { key: String, shown: String, max: usize },
    /// A scene or candidate name over `max` characters.
    NameTooLong { key: String, len: usize, max: usize },
    /// `scene` names no built-in scene and the link has no `x`.
    NoSuchScene(String),
    /// `d` with a scene that does not use it.
    DIgnored,
    /// `n` with a scene that does not use it.
    NIgnored,
    /// A vector without numbers.
    EmptyVector { what: String },
    /// A vector over `max` numbers.
    VectorTooLong { what: String, count: usize, max: usize },
    /// `x` over `max` items.
    TooManyItems { count: usize, max: usize },
    /// Item `no` of `x` without `:`.
    NoColon { no: usize },
    /// The label of item `no` of `x` over `max` characters.
    LabelTooLong { no: usize, len: usize, max: usize },
    /// Item `no` of `x` with another d than item 1.
    ItemDim { no: usize, got: usize, want: usize },
    /// The colour id of item `no` not a whole number.
    ColourNotWhole { no: usize, shown: String },
    /// The colour id of item `no` over 65535.
    ColourTooLarge { no: usize, shown: String },
    /// A name that is not one of the key's choices.
    UnknownValue { key: Choice, given: String },
    /// `temperature` ≤ 0 (the number as the link writes it).
    Temperature(String),
    /// `candidate` of another d than the scene.
    CandidateDim { shown: String, got: usize, want: usize },
    /// `candidate` that the scene does not have (`ids`: the ones it has).
    NoSuchCandidate { scene: String, shown: String, ids: Vec<&'static str> },
    /// `font` out of `lo`..=`hi` (the number as the link writes it).
    Font { value: String, lo: f64, hi: f64 },
    /// `panels` lists none.
    NoPanel,
    /// `panels` lists one twice.
    PanelTwice(String),
    /// A flag that is not 1 or 0.
    BadFlag { key: String, shown: String },
}

impl LinkRefusal {
    /// The text in `lang`.
    #[must_use]
    pub fn text(&self, lang: Lang) -> String {
        use LinkRefusal as R;
        match self {
            R::StepPastLast { step, last } => lang.tr(format!("step: {step} is past the last step ({last})"), format!("step：{step} 超过了最后一步（{last}）")),
            R::StepShownLast { shown, last } => lang.tr(
                format!("step: {shown} is past the last step ({last}) of this scene; showing step {last}"),
                format!("step：{shown} 超过了本场景的最后一步（{last}）；显示第 {last} 步"),
            ),
            R::BadStep(shown) => lang.tr(format!("step: \"{shown}\" is not a whole number >= 0 or \"off\""), format!("step：\"{shown}\" 不是 ≥ 0 的整数，也不是 \"off\"")),
            R::BadEscape { what, escape } => lang.tr(
                format!("{what}: \"{escape}\" is not a valid percent escape; write %XX with two hex digits"),
                format!("{what}：\"{escape}\" 不是合法的百分号转义；请写成 %XX（两位十六进制数字）"),
            ),
            R::NotUtf8 { what } => lang.tr(format!("{what}: the percent-decoded text is not valid UTF-8"), format!("{what}：百分号解码后的文本不是合法的 UTF-8")),
            R::BadKeyName(k) => lang.tr(
                format!("the parameter name \"{k}\" is not valid percent-encoded UTF-8; it was ignored"),
                format!("参数名 \"{k}\" 不是合法的百分号编码 UTF-8，已忽略"),
            ),
            R::UnknownKey(k) => lang.tr(format!("\"{k}\" is not a parameter of this page; it was ignored"), format!("\"{k}\" 不是本页面的参数，已忽略")),
            R::MoreUnknownKeys(more) => lang.tr(format!("{more} more unknown parameters were ignored"), format!("另有 {more} 个未知参数被忽略")),
            R::GivenTwice { key, times, shown } => lang.tr(
                format!("{key} is given {times} times; the last value, \"{shown}\", is used"),
                format!("{key} 出现了 {times} 次；使用最后一个值 \"{shown}\""),
            ),
            R::TooLong { total, max, then } => {
                let (then_en, then_zh) = match then {
                    Fallback::DefaultScene => ("the default scene is shown", "显示默认场景"),
                    Fallback::NothingApplied => ("nothing of it was applied", "未应用其中任何参数"),
                };
                lang.tr(
                    format!("the link has {total} bytes; at most {max} are read, so {then_en}"),
                    format!("链接有 {total} 字节；最多读取 {max} 字节，因此{then_zh}"),
                )
            }
            R::NewerVersion { shown, version } => lang.tr(
                format!("v: this link was made by a newer version of din-viz (v={shown}); it is read as version {version}, so some of it may be lost"),
                format!("v：此链接由较新版本的 din-viz 生成（v={shown}）；现按第 {version} 版读取，部分内容可能丢失"),
            ),
            R::NotAVersion { shown, version } => lang.tr(
                format!("v: \"{shown}\" is not a link version; the link is read as version {version}"),
                format!("v：\"{shown}\" 不是链接版本号；现按第 {version} 版读取"),
            ),
            R::NotWhole { key, shown } => lang.tr(format!("{key}: \"{shown}\" is not a whole number"), format!("{key}：\"{shown}\" 不是整数")),
            R::TooSmall { key, value, min } => lang.tr(format!("{key}: {value} is too small; it must be at least {min}"), format!("{key}：{value} 太小；至少为 {min}")),
            R::TooLarge { key, shown, max } => lang.tr(format!("{key}: {shown} is too large; at most {max} is allowed"), format!("{key}：{shown} 太大；最多为 {max}")),
            R::NameTooLong { key, len, max } => lang.tr(
                format!("{key}: the name has {len} characters; at most {max} are allowed"),
                format!("{key}：名称有 {len} 个字符；最多允许 {max} 个"),
            ),
            R::NoSuchScene(shown) => lang.tr(
                format!("scene: there is no built-in scene \"{shown}\"; use why-din-works, interest-intensity, blank or generated, or give the items in x"),
                format!("scene：没有内置场景 \"{shown}\"；请用 why-din-works、interest-intensity、blank 或 generated，或在 x 中给出物品"),
            ),
            R::DIgnored => lang.pick("d: only scene=blank and scene=generated use d; it was ignored", "d：只有 scene=blank 和 scene=generated 使用 d，已忽略").to_owned(),
            R::NIgnored => lang.pick("n: only scene=generated uses n; it was ignored", "n：只有 scene=generated 使用 n，已忽略").to_owned(),
            R::EmptyVector { what } => lang.tr(format!("{what} has no numbers; a vector needs at least one (d >= 1)"), format!("{what} 没有数；向量至少需要一个分量（d ≥ 1）")),
            R::VectorTooLong { what, count, max } => lang.tr(format!("{what} has {count} numbers; at most {max} are allowed"), format!("{what} 有 {count} 个数；最多允许 {max} 个")),
            R::TooManyItems { count, max } => lang.tr(format!("x has {count} items; at most {max} are allowed"), format!("x 有 {count} 个物品；最多允许 {max} 个")),
            R::NoColon { no } => lang.tr(format!("x: item {no} has no \":\" between its label and its numbers"), format!("x：第 {no} 个物品的名称和数之间没有 \":\"")),
            R::LabelTooLong { no, len, max } => lang.tr(
                format!("x: the label of item {no} has {len} characters; at most {max} are allowed"),
                format!("x：第 {no} 个物品的名称有 {len} 个字符；最多允许 {max} 个"),
            ),
            R::ItemDim { no, got, want } => lang.tr(format!("x: item {no} has {got} numbers, but item 1 has {want}"), format!("x：第 {no} 个物品有 {got} 个数，但第 1 个物品有 {want} 个")),
            R::ColourNotWhole { no, shown } => lang.tr(
                format!("x: the colour id of item {no} (after @) is \"{shown}\", not a whole number"),
                format!("x：第 {no} 个物品的颜色编号（@ 之后）是 \"{shown}\"，不是整数"),
            ),
            R::ColourTooLarge { no, shown } => lang.tr(
                format!("x: the colour id of item {no} is {shown}; at most {} is allowed", u16::MAX),
                format!("x：第 {no} 个物品的颜色编号是 {shown}；最大为 {}", u16::MAX),
            ),
            R::UnknownValue { key, given } => {
                let (key, en, zh) = key.parts();
                lang.tr(format!("{key}: \"{given}\" is unknown; use {en}"), format!("{key}：未知的值 \"{given}\"；请用 {zh}"))
            }
            R::Temperature(v) => lang.tr(format!("temperature: {v} is not allowed; T must be greater than 0"), format!("temperature：不允许 {v}；T 必须大于 0")),
            R::CandidateDim { shown, got, want } => lang.tr(
                format!("candidate: \"{shown}\" has d = {got}, but the scene has d = {want}"),
                format!("candidate：\"{shown}\" 的维度是 d = {got}，但场景的维度是 d = {want}"),
            ),
            R::NoSuchCandidate { scene, shown, ids } => {
                let (en, zh) = if ids.is_empty() {
                    ("it has none".to_owned(), "它没有候选物品".to_owned())
                } else {
                    (format!("use {}", ids.join(", ")), format!("请用 {}", ids.join("、")))
                };
                lang.tr(
                    format!("candidate: the scene \"{scene}\" has no candidate \"{shown}\"; {en}"),
                    format!("candidate：场景 \"{scene}\" 没有候选物品 \"{shown}\"；{zh}"),
                )
            }
            R::Font { value, lo, hi } => lang.tr(
                format!("font: {value} is out of range; use a scale from {lo} to {hi}"),
                format!("font：{value} 超出范围；请用 {lo} 到 {hi} 之间的缩放"),
            ),
            R::NoPanel => lang.pick("panels: no panel is listed; name at least one, e.g. bars,map", "panels：没有列出面板；请至少写一个，例如 bars,map").to_owned(),
            R::PanelTwice(shown) => lang.tr(format!("panels: \"{shown}\" is listed twice"), format!("panels：\"{shown}\" 出现了两次")),
            R::BadFlag { key, shown } => lang.tr(format!("{key}: \"{shown}\" is not allowed; use 1 or 0"), format!("{key}：不允许 \"{shown}\"；请用 1 或 0")),
        }
    }
}

impl std::fmt::Display for LinkRefusal {
    /// The English text.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

impl Localized for LinkRefusal {
    fn code(&self) -> &'static str {
        use LinkRefusal as R;
        match self {
            R::StepPastLast { .. }
            | R::StepShownLast { .. }
            | R::BadStep(_)
            | R::NotWhole { .. }
            | R::TooSmall { .. }
            | R::DIgnored
            | R::NIgnored
            | R::NoColon { .. }
            | R::ColourNotWhole { .. }
            | R::UnknownValue { .. }
            | R::Font { .. }
            | R::NoPanel
            | R::PanelTwice(_)
            | R::BadFlag { .. } => "E_URL",
            R::BadEscape { .. } | R::NotUtf8 { .. } | R::BadKeyName(_) => "E_URL_ESCAPE",
            R::UnknownKey(_) | R::MoreUnknownKeys(_) => "E_URL_KEY",
            R::GivenTwice { .. } => "E_URL_DUPLICATE",
            R::TooLong { .. } => "E_URL_TOO_LONG",
            R::NewerVersion { .. } | R::NotAVersion { .. } => "E_URL_VERSION",
            R::TooLarge { .. } | R::VectorTooLong { .. } | R::TooManyItems { .. } | R::ColourTooLarge { .. } => "E_TOO_LARGE",
            R::NameTooLong { .. } | R::EmptyVector { .. } | R::LabelTooLong { .. } => "E_INVALID",
            R::NoSuchScene(_) | R::NoSuchCandidate { .. } => "E_NO_SUCH",
            R::ItemDim { .. } | R::CandidateDim { .. } => "E_DIM_MISMATCH",
            R::Temperature(_) => "E_TEMPERATURE",
        }
    }

    fn zh(&self) -> String {
        self.text(Lang::Zh)
    }
}

/// The link of a scene would be longer than allowed (`urlstate::encode`,
/// re-exported there as `TooLarge`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinkTooLarge {
    /// Length of the link, in characters.
    pub len: usize,
    /// The limit it exceeds.
    pub max: usize,
}

impl std::fmt::Display for LinkTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the scene is too large for a link ({} characters; at most {}): export it as JSON instead", self.len, self.max)
    }
}

impl std::error::Error for LinkTooLarge {}

impl Localized for LinkTooLarge {
    fn code(&self) -> &'static str {
        "E_LINK_TOO_LARGE"
    }

    fn zh(&self) -> String {
        format!("场景太大，无法放进链接（{} 个字符；最多 {} 个）：请改为导出 JSON", self.len, self.max)
    }
}

/// What a view option of a state object must be ([`SessionRefusal::OptionType`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Want {
    /// `theme`: a theme name.
    Theme,
    /// `font`: a number from `lo` to `hi`.
    Font { lo: f64, hi: f64 },
    /// `panels`: a list of panel names.
    PanelList,
    /// `embed`, `density`: true or false.
    Bool,
    /// `placement`.
    Placement,
    /// `view`.
    View,
    /// `tab`.
    Tab,
}

impl Want {
    fn text(self, lang: Lang) -> String {
        match self {
            Want::Theme => lang.pick("\"light\", \"dark\" or \"contrast\"", " light、dark 或 contrast").to_owned(),
            Want::Font { lo, hi } => lang.tr(format!("a number from {lo} to {hi}"), format!(" {lo} 到 {hi} 之间的数")),
            Want::PanelList => lang.pick("a list of panel names", "面板名称的列表").to_owned(),
            Want::Bool => lang.pick("true or false", " true 或 false").to_owned(),
            Want::Placement => lang.pick("\"user-tower\" or \"ranking\"", " \"user-tower\" 或 \"ranking\"").to_owned(),
            Want::View => lang.pick("\"lecture\" or \"explore\"", " \"lecture\" 或 \"explore\"").to_owned(),
            Want::Tab => lang.pick("one of heatmap, steps, unit, qkv, towers, train", " heatmap、steps、unit、qkv、towers、train 之一").to_owned(),
        }
    }
}

/// A refusal of the session (the page's edits and `setState`), of the
/// controls' rules, of a state object's view options and of the export.
#[derive(Clone, Debug, PartialEq)]
pub enum SessionRefusal {
    /// Item `i` (0-based) does not exist.
    NoItem(usize),
    /// The label typed for item `item` (0-based) is refused; the Chinese
    /// text names the field as the table shows it.
    Label { item: usize, error: crate::scene::SceneError },
    /// The LastN already has `max` items.
    LastNFull { max: usize },
    /// d typed empty.
    DimEmpty,
    /// d typed that is not a whole number (clipped to 20 characters).
    DimNotWhole(String),
    /// A temperature ≤ 0.
    Temperature(f64),
    /// A candidate the scene does not have.
    NoCandidate { scene: String, id: String },
    /// A candidate of another d than the scene.
    CandidateDim { label: String, got: usize, want: usize },
    /// A blank scene's d over `max`.
    DimTooLarge { d: usize, max: usize },
    /// No built-in scene `id` (`ids`: the ones there are).
    NoScene { id: String, ids: Vec<&'static str> },
    /// A language name that is not `en` or `zh`.
    UnknownLang(String),
    /// A state object's `lang` that is not a string (its JSON).
    LangNotText(String),
    /// The scene as loaded could not be restored.
    ResetFailed,
    /// A placement name that is not `user-tower` or `ranking`.
    UnknownPlacement(String),
    /// A step that is not a whole number from 0 to `last` (its JSON).
    BadStep { last: usize, given: String },
    /// "generate" typed with a field that is not a whole number.
    GenerateNotWhole,
    /// "generate" out of range.
    GenerateSize { n: usize, d: usize, max_n: usize, max_d: usize },
    /// A view option of the wrong kind (its JSON, clipped).
    OptionType { key: String, want: Want, shown: String },
    /// A theme name that is none (clipped).
    UnknownTheme(String),
    /// A refused `panels` list; the reason is the panel parser's English
    /// text, shown in both languages (a list of identifiers).
    Panels(String),
    /// A state object's key that is none of `keys`.
    UnknownStateKey { what: String, shown: String, keys: &'static [&'static str] },
    /// The session's scene (`n` items of d = `d`) is too large for a link
    /// of at most `max` characters: the page's note, which offers the JSON export.
    SceneTooLargeForLink { n: usize, d: usize, max: usize },
    /// The PNG factor is not finite.
    PngFactorNotFinite { factor: f64, lo: f64, hi: f64 },
    /// The PNG factor is out of `lo`..=`hi`.
    PngFactorRange { factor: f64, lo: f64, hi: f64 },
}

impl SessionRefusal {
    /// The text in `lang`.
    #[must_use]
    pub fn text(&self, lang: Lang) -> String {
        use SessionRefusal as R;
        let png_range = |lo: f64, hi: f64| {
            let (w, h) = (1920.0, 1080.0);
            lang.tr(
                format!("use a number from {lo} to {hi} ({} × {} to {} × {} pixels)", w * lo, h * lo, w * hi, h * hi),
                format!("请用 {lo} 到 {hi} 之间的数（{} × {} 到 {} × {} 像素）", w * lo, h * lo, w * hi, h * hi),
            )
        };
        match self {
            R::NoItem(i) => lang.tr(format!("there is no item x{}", i + 1), format!("没有物品 x{}", i + 1)),
            R::Label { item, error } => match (lang, error) {
                (Lang::En, e) => e.to_string(),
                (Lang::Zh, crate::scene::SceneError::BadLabel { code_point, position, .. }) => format!(
                    "x{} 的名称的第 {position} 个字符是 U+{code_point:04X}（{}）；{}",
                    item + 1,
                    crate::scene::char_kind_zh(*code_point),
                    crate::scene::LABEL_RULE_ZH
                ),
                (Lang::Zh, crate::scene::SceneError::LabelTooLong { chars, .. }) => {
                    format!("x{} 的名称有 {chars} 个字符；最多 {} 个", item + 1, crate::scene::MAX_LABEL)
                }
                (Lang::Zh, e) => e.zh(),
            },
            R::LastNFull { max } => lang.tr(format!("the LastN already has {max} items, the most allowed"), format!("LastN 已有 {max} 个物品，已达上限")),
            R::DimEmpty => lang.pick("d is empty: type a whole number from 1 to 256", "d 为空：请输入 1 到 256 的整数").to_owned(),
            R::DimNotWhole(shown) => lang.tr(format!("d: \"{shown}\" is not a whole number from 1 to 256"), format!("d：\"{shown}\" 不是 1 到 256 的整数")),
            R::Temperature(t) => lang.tr(format!("temperature is {t}: it must be greater than 0"), format!("温度 T 是 {t}：必须大于 0")),
            R::NoCandidate { scene, id } => lang.tr(format!("candidate: the scene \"{scene}\" has no candidate \"{id}\""), format!("candidate：场景 \"{scene}\" 没有候选物品 \"{id}\"")),
            R::CandidateDim { label, got, want } => lang.tr(
                format!("candidate \"{label}\" has d = {got}, but the scene has d = {want}"),
                format!("候选物品 \"{label}\" 的维度是 d = {got}，但场景的维度是 d = {want}"),
            ),
            R::DimTooLarge { d, max } => lang.tr(format!("d = {d} is too large; at most {max}"), format!("d = {d} 太大；最多 {max}")),
            R::NoScene { id, ids } => lang.tr(
                format!("scene: there is no built-in scene \"{id}\"; use {}", ids.join(", ")),
                format!("scene：没有内置场景 \"{id}\"；可用 {}", ids.join("、")),
            ),
            R::UnknownLang(l) => lang.tr(format!("lang: unknown language \"{l}\": use \"en\" or \"zh\""), format!("lang：未知的语言 \"{l}\"，请用 \"en\" 或 \"zh\"")),
            R::LangNotText(v) => lang.tr(format!("lang must be \"en\" or \"zh\", not {v}"), format!("lang 必须是 \"en\" 或 \"zh\"，而不是 {v}")),
            R::ResetFailed => lang.pick("the scene could not be reset", "无法重置场景").to_owned(),
            R::UnknownPlacement(p) => lang.tr(format!("placement \"{p}\": use \"user-tower\" or \"ranking\""), format!("位置 \"{p}\"：请用 \"user-tower\" 或 \"ranking\"")),
            R::BadStep { last, given } => lang.tr(format!("step must be a whole number from 0 to {last}, not {given}"), format!("step 必须是 0 到 {last} 的整数，而不是 {given}")),
            R::GenerateNotWhole => {
                let (_, en, zh) = crate::i18n::PAGE.iter().find(|(k, _, _)| *k == "generate-bad").copied().unwrap_or(("", "generate: n and d must be whole numbers", "生成：n 和 d 必须是整数"));
                lang.pick(en, zh).to_owned()
            }
            R::GenerateSize { n, d, max_n, max_d } => lang.tr(
                format!("generate: n must be 0 to {max_n} and d 1 to {max_d} (got n = {n}, d = {d})"),
                format!("生成：n 必须在 0 到 {max_n} 之间，d 在 1 到 {max_d} 之间（现在 n = {n}，d = {d}）"),
            ),
            R::OptionType { key, want, shown } => lang.tr(
                format!("{key} must be {}, not {shown}", want.text(Lang::En)),
                format!("{key} 必须是{}，而不是 {shown}", want.text(Lang::Zh)),
            ),
            R::UnknownTheme(t) => lang.tr(
                format!("theme: unknown theme \"{t}\": use \"light\", \"dark\" or \"contrast\""),
                "theme：未知的主题，请用 light、dark 或 contrast".to_owned(),
            ),
            R::Panels(reason) => lang.tr(format!("panels: {reason}"), format!("panels：{reason}")),
            R::UnknownStateKey { what, shown, keys } => lang.tr(
                format!("{what}: unknown key \"{shown}\"; the keys are {}", keys.join(", ")),
                format!("{what}：未知的键 \"{shown}\"；可用的键：{}", keys.join("、")),
            ),
            R::SceneTooLargeForLink { n, d, max } => lang.tr(
                format!("This scene ({n} items, d = {d}) is too large for a link (links hold at most {max} characters): it is not in the address bar. Save it as a JSON scene instead."),
                format!("当前场景（{n} 个物品，d = {d}）太大，无法放进链接（链接最多 {max} 个字符），地址栏中没有保存它。请导出 JSON 场景。"),
            ),
            R::PngFactorNotFinite { factor, lo, hi } => lang.tr(
                format!("exportPng: the factor {factor} is not a finite number; {}", png_range(*lo, *hi)),
                format!("exportPng：倍数 {factor} 不是有限数；{}", png_range(*lo, *hi)),
            ),
            R::PngFactorRange { factor, lo, hi } => lang.tr(
                format!("exportPng: the factor {factor} is out of range; {}", png_range(*lo, *hi)),
                format!("exportPng：倍数 {factor} 超出范围；{}", png_range(*lo, *hi)),
            ),
        }
    }
}

impl std::fmt::Display for SessionRefusal {
    /// The English text.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

impl Localized for SessionRefusal {
    fn code(&self) -> &'static str {
        use SessionRefusal as R;
        match self {
            R::NoItem(_) | R::NoCandidate { .. } | R::NoScene { .. } => "E_NO_SUCH",
            R::Label { error, .. } => error.code(),
            R::LastNFull { .. } | R::DimTooLarge { .. } | R::GenerateSize { .. } => "E_TOO_LARGE",
            R::DimEmpty => "E_NUMBER_EMPTY",
            R::DimNotWhole(_) => "E_NUMBER_NOT_A_NUMBER",
            R::Temperature(_) => "E_TEMPERATURE",
            R::CandidateDim { .. } => "E_DIM_MISMATCH",
            R::UnknownLang(_) | R::LangNotText(_) => "E_LANG",
            R::ResetFailed
            | R::UnknownPlacement(_)
            | R::GenerateNotWhole
            | R::OptionType { .. }
            | R::UnknownTheme(_)
            | R::Panels(_)
            | R::UnknownStateKey { .. } => "E_INVALID",
            R::BadStep { .. } => "E_STEP",
            R::SceneTooLargeForLink { .. } => "E_LINK_TOO_LARGE",
            R::PngFactorNotFinite { .. } | R::PngFactorRange { .. } => "E_EXPORT_FACTOR",
        }
    }

    fn zh(&self) -> String {
        self.text(Lang::Zh)
    }
}

impl From<LinkRefusal> for Message {
    fn from(e: LinkRefusal) -> Message {
        Message::of(&e)
    }
}

impl From<SessionRefusal> for Message {
    fn from(e: SessionRefusal) -> Message {
        Message::of(&e)
    }
}

#[cfg(test)]
#[path = "refusals_tests.rs"]
mod tests;
