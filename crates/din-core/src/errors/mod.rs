//! Error codes and messages in both interface languages.
//!
//! Every error the page can show has a stable code (`E_NUMBER_EMPTY`,
//! `E_DIM_MISMATCH` ...) for scripts, and a message in English (the
//! errors' `Display`) and in Chinese. Field names such as `q1` or
//! `items[2].vector[3]` are identifiers and stay as they are.

use crate::attention::AttentionError;
use crate::i18n::Lang;
use crate::scene::{NumberProblem, SceneError};
use crate::unit::UnitError;

mod refusals;
pub use refusals::{Choice, Fallback, LinkRefusal, LinkTooLarge, SessionRefusal, Want};

/// An error that the page can show in either language.
pub trait Localized: std::fmt::Display {
    /// A stable code, e.g. `E_NUMBER_EMPTY`.
    fn code(&self) -> &'static str;
    /// The Chinese message.
    fn zh(&self) -> String;
    /// The message in `lang`.
    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => self.zh(),
        }
    }
}

impl Localized for AttentionError {
    fn code(&self) -> &'static str {
        match self {
            AttentionError::EmptyQuery => "E_EMPTY_QUERY",
            AttentionError::KeysNotMultiple { .. } => "E_KEYS_SHAPE",
            AttentionError::NonFinite { .. } => "E_NOT_FINITE",
            AttentionError::UnknownSimilarity(_) => "E_UNKNOWN_SIMILARITY",
            AttentionError::UnknownNormalization(_) => "E_UNKNOWN_NORMALIZATION",
            AttentionError::BadTemperature(_) => "E_TEMPERATURE",
            AttentionError::Overflow { .. } => "E_OVERFLOW",
            AttentionError::OutputOverflow(_) => "E_OUTPUT_OVERFLOW",
        }
    }

    fn zh(&self) -> String {
        match self {
            AttentionError::EmptyQuery => "q 为空：至少需要一个分量（d ≥ 1）".to_owned(),
            AttentionError::KeysNotMultiple { len, d } => format!("keys 有 {len} 个数，不是 d = {d} 的倍数"),
            AttentionError::NonFinite { what, index, value } => format!("{what}[{index}] 是 {value}，不是有限数"),
            AttentionError::UnknownSimilarity(s) => {
                format!("未知的相似度 \"{s}\"：请用 \"dot\"、\"cosine\" 或 \"scaled_dot\"")
            }
            AttentionError::UnknownNormalization(s) => format!("未知的归一化 \"{s}\"：请用 \"none\" 或 \"softmax\""),
            AttentionError::BadTemperature(t) => format!("温度 T 是 {t}：softmax 需要大于 0 的有限温度"),
            AttentionError::Overflow { key } => {
                format!("q 与第 {} 个物品的相似度太大，无法表示（溢出）；请使用较小的数", key + 1)
            }
            AttentionError::OutputOverflow(what) => what.overflow(Lang::Zh),
        }
    }
}

impl Localized for UnitError {
    fn code(&self) -> &'static str {
        match self {
            UnitError::WrongDim { .. } => "E_UNIT_DIM",
            UnitError::Overflow { .. } => "E_OVERFLOW",
            UnitError::OutputOverflow(_) => "E_OUTPUT_OVERFLOW",
            UnitError::NonFiniteInput { .. } => "E_NOT_FINITE",
            UnitError::KeysNotMultiple { .. } => "E_KEYS_SHAPE",
            UnitError::MaxLenTooSmall { .. } | UnitError::MaxLenTooLarge { .. } => "E_MAX_LEN",
            UnitError::UnknownActivation(_) => "E_UNKNOWN_ACTIVATION",
            UnitError::UnknownWeightForm(_) => "E_UNKNOWN_WEIGHT",
            _ => "E_UNIT",
        }
    }

    fn zh(&self) -> String {
        match self {
            UnitError::WrongDim { trained, found } => format!("激活单元针对 d = {trained} 训练；当前场景 d = {found}"),
            UnitError::Overflow { item } => format!("激活单元对第 {} 个物品的分数太大，无法表示（溢出）", item + 1),
            UnitError::OutputOverflow(what) => what.overflow(Lang::Zh),
            UnitError::NonFiniteInput { what, index, value } => format!("{what}[{index}] 是 {value}，不是有限数"),
            UnitError::KeysNotMultiple { len, d } => format!("keys 有 {len} 个数，不是 d = {d} 的倍数"),
            UnitError::MaxLenTooSmall { max_len, n } => format!("最大长度是 {max_len}，但 LastN 有 {n} 个物品"),
            UnitError::MaxLenTooLarge { max_len } => format!("最大长度 {max_len} 太大"),
            UnitError::UnknownActivation(s) => format!("未知的激活函数 \"{s}\"：请用 \"sigmoid\"、\"prelu\" 或 \"dice\""),
            UnitError::UnknownWeightForm(s) => format!("未知的权重形式 \"{s}\"：请用 \"z\"（论文：α = z）或 \"sigmoid\"（α = sigmoid(z)）"),
            other => format!("激活单元出错：{other}"),
        }
    }
}

impl Localized for crate::presets::CandidateError {
    fn code(&self) -> &'static str {
        match self {
            crate::presets::CandidateError::Unknown { .. } => "E_NO_SUCH",
            crate::presets::CandidateError::Dimension { .. } => "E_DIM_MISMATCH",
        }
    }

    fn zh(&self) -> String {
        match self {
            crate::presets::CandidateError::Unknown { id, scene, ids } if ids.is_empty() => {
                format!("candidate：场景 \"{scene}\" 没有命名的候选物品，\"{id}\" 无法设置 q；请用 \"query\" 给出 q")
            }
            crate::presets::CandidateError::Unknown { id, scene, ids } => {
                format!("candidate：场景 \"{scene}\" 没有候选物品 \"{id}\"；请用 {}", ids.join("、"))
            }
            crate::presets::CandidateError::Dimension { id, got, want } => {
                format!("候选物品 \"{id}\" 的维度是 d = {got}，但场景的维度是 d = {want}")
            }
        }
    }
}

impl Localized for SceneError {
    fn code(&self) -> &'static str {
        match self {
            SceneError::BadNumber { problem, .. } => match problem {
                NumberProblem::Empty => "E_NUMBER_EMPTY",
                NumberProblem::NotANumber(_) => "E_NUMBER_NOT_A_NUMBER",
                NumberProblem::Comma(_) => "E_NUMBER_COMMA",
                NumberProblem::Overflow(_) => "E_NUMBER_TOO_LARGE",
                NumberProblem::NotFinite(_) => "E_NUMBER_NOT_FINITE",
                NumberProblem::Underflow(_) => "E_NUMBER_TOO_SMALL",
            },
            SceneError::Invalid { .. } => "E_INVALID",
            SceneError::DimensionMismatch { .. } => "E_DIM_MISMATCH",
            SceneError::TooLarge { .. } => "E_TOO_LARGE",
            SceneError::Attention(e) => e.code(),
            SceneError::Unit(e) => e.code(),
            SceneError::Json { .. } => "E_JSON",
            SceneError::NoSuch { .. } => "E_NO_SUCH",
            SceneError::BadLabel { .. } => "E_LABEL_CONTROL",
            SceneError::LoneSurrogate { .. } => "E_LONE_SURROGATE",
            SceneError::Underflow { .. } => "E_NUMBER_TOO_SMALL",
            SceneError::LabelTooLong { .. } => "E_TOO_LARGE",
        }
    }

    fn zh(&self) -> String {
        match self {
            SceneError::BadNumber { field, problem } => match problem {
                NumberProblem::Empty => format!("{field} 为空：请输入一个数，例如 0.5"),
                NumberProblem::NotANumber(t) => format!("{field}：\"{t}\" 不是数；请输入 -1.25 或 3e-2 这样的数"),
                NumberProblem::Comma(t) => {
                    format!("{field}：\"{t}\" 用了逗号；请用小数点，例如 {}", t.replace(',', "."))
                }
                NumberProblem::Overflow(t) => format!("{field}：{t} 太大；数必须在 -1.7e308 到 1.7e308 之间"),
                NumberProblem::NotFinite(t) => format!("{field}：\"{t}\" 不是有限数；请输入普通的数"),
                NumberProblem::Underflow(t) => format!("{field}：{t} {}", crate::scene::UNDERFLOW_ZH),
            },
            SceneError::Invalid { field, reason } => format!("{field} 无效：{}", reason.text(Lang::Zh)),
            SceneError::DimensionMismatch { field, got, want } => {
                format!("{field} 有 {got} 个数，但场景中向量的维度是 d = {want}")
            }
            SceneError::TooLarge { field, got, max } => format!("{field} 有 {got} 项；最多允许 {max} 项"),
            SceneError::Attention(e) => e.zh(),
            SceneError::Unit(e) => e.zh(),
            SceneError::Json { line, column, reason } => format!("状态不是合法的 JSON（第 {line} 行，第 {column} 列）：{reason}"),
            SceneError::NoSuch { what } => format!("不存在：{what}"),
            SceneError::BadLabel { field, code_point, position } => format!(
                "{field} 的第 {position} 个字符是 U+{code_point:04X}（{}）；{}",
                crate::scene::char_kind_zh(*code_point),
                crate::scene::LABEL_RULE_ZH
            ),
            SceneError::LoneSurrogate { line, column } => {
                format!("状态中有孤立的代理项（第 {line} 行，第 {column} 列）；{}", crate::scene::LONE_SURROGATE_ZH)
            }
            SceneError::Underflow { line, column, text } => {
                format!("状态中的数 {text}（第 {line} 行，第 {column} 列）{}", crate::scene::UNDERFLOW_ZH)
            }
            SceneError::LabelTooLong { field, chars } => {
                format!("{field} 有 {chars} 个字符；最多 {} 个", crate::scene::MAX_LABEL)
            }
        }
    }
}

/// Any of the errors above rendered in both languages, with its code: what
/// the session and the link codec hand to the page (a link's problems are
/// a list of these, whatever module refused).
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    /// Stable code.
    pub code: &'static str,
    /// English text.
    pub en: String,
    /// Chinese text.
    pub zh: String,
}

impl Message {
    /// `e`'s code and both texts.
    #[must_use]
    pub fn of<E: Localized + ?Sized>(e: &E) -> Message {
        Message { code: e.code(), en: e.to_string(), zh: e.zh() }
    }

    /// `e` said of the link key or state key `key` (`key: …` / `key：…`).
    #[must_use]
    pub fn keyed<E: Localized + ?Sized>(key: &str, e: &E) -> Message {
        Message { code: e.code(), en: format!("{key}: {e}"), zh: format!("{key}：{}", e.zh()) }
    }
}

impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en)
    }
}

impl Localized for Message {
    fn code(&self) -> &'static str {
        self.code
    }

    fn zh(&self) -> String {
        self.zh.clone()
    }
}

/// Text that came from JavaScript, named in a [`Refusal::LoneSurrogate`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextSource {
    /// The label typed for item `i` (0-based; shown as `x{i+1}`).
    Label(usize),
    /// A link's query or hash (`applyParams`).
    Link,
    /// Text to import (CSV, TSV or a JSON scene).
    ImportedText,
    /// The Embedding Projector's `vectors.tsv`.
    ProjectorVectors,
    /// The Embedding Projector's `metadata.tsv`.
    ProjectorMetadata,
}

impl TextSource {
    /// What the text was, in `lang` (`label of x3` / `x3 的名称`).
    #[must_use]
    pub fn text(self, lang: Lang) -> String {
        match self {
            TextSource::Label(i) => lang.tr(format!("label of x{}", i + 1), format!("x{} 的名称", i + 1)),
            TextSource::Link => lang.pick("the link", "链接").to_owned(),
            TextSource::ImportedText => lang.pick("the imported text", "导入的文本").to_owned(),
            TextSource::ProjectorVectors => lang.pick("vectors.tsv", "vectors.tsv ").to_owned(),
            TextSource::ProjectorMetadata => lang.pick("metadata.tsv", "metadata.tsv ").to_owned(),
        }
    }
}

/// A refusal made at the wasm boundary (the page's `App`), typed so that
/// its English and Chinese texts are written here, beside every other
/// error's, and the wasm layer writes no text of its own.
#[derive(Clone, Debug, PartialEq)]
pub enum Refusal {
    /// `attach` was given a panel that has no canvas of its own.
    NotAttachable(String),
    /// A panel name that is not one of `choices`.
    UnknownPanel {
        /// The name given (clipped for display).
        given: String,
        /// The names that would do.
        choices: Vec<&'static str>,
    },
    /// A panel that is not a chart (it has nothing to draw or export).
    NotAChart(String),
    /// An SVG size with a side of 0 or over 8192.
    SvgSize {
        /// Width asked for.
        width: u32,
        /// Height asked for.
        height: u32,
    },
    /// A canvas without a 2-D context.
    NoContext,
    /// The off-screen canvas could not be made.
    NoOffscreenCanvas,
    /// Text holding a lone surrogate (half of a UTF-16 pair, which
    /// JavaScript strings can hold and Rust strings cannot). Every channel
    /// that takes text from JavaScript refuses it the same way.
    LoneSurrogate(TextSource),
}

impl Refusal {
    fn text(&self, lang: Lang) -> String {
        match self {
            Refusal::NotAttachable(p) => lang.tr(format!("unknown panel \"{p}\""), format!("未知的面板 \"{p}\"")),
            Refusal::UnknownPanel { given, choices } => lang.tr(
                format!("unknown panel \"{given}\": use {}", choices.join(", ")),
                format!("未知的面板 \"{given}\"：请用 {}", choices.join("、")),
            ),
            Refusal::NotAChart(p) => lang.tr(format!("panel \"{p}\" is not a chart"), format!("面板 \"{p}\" 不是图表")),
            Refusal::SvgSize { width, height } => lang.tr(
                format!("SVG size {width} × {height}: each side must be 1 to 8192"),
                format!("SVG 尺寸 {width} × {height}：每边必须在 1 到 8192 之间"),
            ),
            Refusal::NoContext => lang.pick("the canvas has no 2-D context", "画布没有 2D 绘图上下文").to_owned(),
            Refusal::NoOffscreenCanvas => lang.pick("could not make an off-screen canvas", "无法创建离屏画布").to_owned(),
            Refusal::LoneSurrogate(what) => lang.tr(
                format!("{} has a lone surrogate; {}", what.text(Lang::En), crate::scene::LONE_SURROGATE_EN),
                format!("{}含有孤立的代理项；{}", what.text(Lang::Zh), crate::scene::LONE_SURROGATE_ZH),
            ),
        }
    }
}

impl std::fmt::Display for Refusal {
    /// The English text.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

impl Localized for Refusal {
    fn code(&self) -> &'static str {
        match self {
            Refusal::NotAttachable(_) | Refusal::UnknownPanel { .. } | Refusal::NotAChart(_) | Refusal::SvgSize { .. } => "E_INVALID",
            Refusal::NoContext | Refusal::NoOffscreenCanvas => "E_CANVAS",
            Refusal::LoneSurrogate(_) => "E_LONE_SURROGATE",
        }
    }

    fn zh(&self) -> String {
        self.text(Lang::Zh)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::parse_number;

    #[test]
    fn number_errors_in_both_languages() {
        let e = parse_number("q1", "abc").unwrap_err();
        assert_eq!(e.code(), "E_NUMBER_NOT_A_NUMBER");
        assert!(e.message(Lang::En).contains("is not a number"));
        assert!(e.message(Lang::Zh).contains("不是数"));
        let e = parse_number("q1", "").unwrap_err();
        assert_eq!(e.message(Lang::Zh), "q1 为空：请输入一个数，例如 0.5");
    }

    /// No Chinese text is derived by matching English text: the reasons
    /// are typed (`i18n::Reason`, `i18n::Quantity`) and render both
    /// languages themselves.
    #[test]
    fn no_translation_by_matching_english() {
        let src = include_str!("mod.rs");
        let code = &src[..src.find("#[cfg(test)]").unwrap_or(src.len())];
        for banned in ["fn zh_reason", "fn zh_what", "reason.starts_with", "reason.contains", "what: &str"] {
            assert!(!code.contains(banned), "errors.rs still has {banned}");
        }
        let e = crate::presets::default_scene().with_patch_json(r#"{"temperature": -1}"#).unwrap_err();
        assert_eq!(e.code(), "E_INVALID");
        assert_eq!(e.message(Lang::En), "temperature is -1: it must be a finite number greater than 0");
        assert_eq!(e.message(Lang::Zh), "temperature 无效：是 -1：必须是大于 0 的有限数");
    }

    /// The wasm layer's refusals keep the texts they had when it wrote
    /// them inline, and each has both languages.
    #[test]
    fn boundary_refusals_in_both_languages() {
        let e = Refusal::LoneSurrogate(TextSource::Label(0));
        assert_eq!(e.code(), "E_LONE_SURROGATE");
        assert_eq!(
            e.message(Lang::En),
            "label of x1 has a lone surrogate; it is half of a UTF-16 character pair, not a character; remove it or complete the pair"
        );
        assert_eq!(e.message(Lang::Zh), format!("x1 的名称含有孤立的代理项；{}", crate::scene::LONE_SURROGATE_ZH));
        assert!(Refusal::LoneSurrogate(TextSource::Link).message(Lang::En).starts_with("the link has a lone surrogate; "));
        let e = Refusal::SvgSize { width: 0, height: 10 };
        assert_eq!((e.code(), e.message(Lang::En).as_str()), ("E_INVALID", "SVG size 0 × 10: each side must be 1 to 8192"));
        assert_eq!(e.message(Lang::Zh), "SVG 尺寸 0 × 10：每边必须在 1 到 8192 之间");
        // The English text is the panel parser's own.
        let names = crate::options::Panel::ALL.map(|p| p.name()).to_vec();
        let given = Refusal::UnknownPanel { given: crate::i18n::clip(&"z".repeat(50)), choices: names };
        assert_eq!("z".repeat(50).parse::<crate::options::Panel>().err(), Some(given.message(Lang::En)));
        assert_eq!(given.code(), "E_INVALID");
        assert!(given.message(Lang::Zh).starts_with(&format!("未知的面板 \"{}…\"：请用 controls、readout、bars、", "z".repeat(40))), "{}", given.message(Lang::Zh));
        let all = [
            Refusal::NotAttachable("x".into()),
            Refusal::NotAChart("controls".into()),
            Refusal::NoContext,
            Refusal::NoOffscreenCanvas,
            Refusal::LoneSurrogate(TextSource::ImportedText),
            Refusal::LoneSurrogate(TextSource::ProjectorVectors),
            Refusal::LoneSurrogate(TextSource::ProjectorMetadata),
        ];
        for e in all {
            let (en, zh) = (e.message(Lang::En), e.message(Lang::Zh));
            assert!(zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{e:?}: {zh}");
            assert!(!en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{e:?}: {en}");
        }
    }

    #[test]
    fn dimension_errors_in_chinese() {
        let s = crate::presets::default_scene();
        let e = s.with_patch_json(r#"{"query": [1, 2]}"#).unwrap_err();
        assert_eq!(e.code(), "E_DIM_MISMATCH");
        assert_eq!(e.message(Lang::Zh), "query 有 2 个数，但场景中向量的维度是 d = 8");
        let e = s.with_dim(0).unwrap_err();
        assert!(e.message(Lang::Zh).contains("不能为 0"));
    }
}
