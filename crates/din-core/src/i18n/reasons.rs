//! Typed reasons of refused input and the computed quantities named in
//! overflow messages, each rendered in English and Chinese here, so that no
//! Chinese text is ever derived from the English one.

use super::Lang;
use std::fmt;

/// The JSON type of a value that had the wrong type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonType {
    /// `null`.
    Null,
    /// `true` or `false`.
    Boolean,
    /// A number.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl JsonType {
    /// The type's name in `lang` (`a string`, `字符串`).
    #[must_use]
    pub fn text(self, lang: Lang) -> &'static str {
        match self {
            JsonType::Null => lang.pick("null", "null"),
            JsonType::Boolean => lang.pick("a boolean", "布尔值"),
            JsonType::Number => lang.pick("a number", "数"),
            JsonType::String => lang.pick("a string", "字符串"),
            JsonType::Array => lang.pick("an array", "数组"),
            JsonType::Object => lang.pick("an object", "对象"),
        }
    }
}

/// What a state field must be, for [`Reason::WrongType`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    /// A string (`scene`, `similarity`, a label ...).
    String,
    /// A finite number.
    FiniteNumber,
    /// A vector: an array of numbers.
    NumberArray,
    /// The LastN list: an array of `{label, vector}` objects.
    ItemArray,
    /// One LastN item: an object `{label, vector}`.
    ItemObject,
}

impl Expected {
    /// The expectation in `lang`.
    #[must_use]
    pub fn text(self, lang: Lang) -> &'static str {
        match self {
            Expected::String => lang.pick("a string", "字符串"),
            Expected::FiniteNumber => lang.pick("a finite number", "有限数"),
            Expected::NumberArray => lang.pick("an array of numbers", "数的数组"),
            Expected::ItemArray => lang.pick("an array of {label, vector} objects", "由 {label, vector} 对象组成的数组"),
            Expected::ItemObject => lang.pick("an object {label, vector}", "对象 {label, vector}"),
        }
    }
}

/// Why a state field was refused (`SceneError::Invalid`). The message is
/// the field's name followed by [`Reason::text`].
#[derive(Clone, Debug, PartialEq)]
pub enum Reason {
    /// A vector with no component.
    EmptyVector,
    /// `d = 0` was asked for.
    ZeroDim,
    /// A number that is NaN, infinite or `null`, written as given.
    NotFinite(String),
    /// A JSON number beyond the range of `f64`.
    OutOfRange,
    /// A value of the wrong JSON type.
    WrongType {
        /// What the field must be.
        want: Expected,
        /// What it was.
        got: JsonType,
    },
    /// The state or patch is not a JSON object.
    NotObject(JsonType),
    /// An unknown similarity name (clipped for display).
    UnknownSimilarity(String),
    /// `maxLen` is not a whole number from 0 to `limit`.
    MaxLen {
        /// The value given.
        value: f64,
        /// The largest allowed value.
        limit: usize,
    },
    /// The temperature is not a finite number above 0.
    Temperature(f64),
    /// A required field is absent.
    Missing,
    /// A colour id that is not a whole number from 0 to 65535 (the value as JSON).
    ColorId(String),
    /// Snapshot items without the scene head they belong to.
    ItemsWithoutScene,
    /// Snapshot labels that are not a JSON list of strings (the parser's words).
    ItemLabels(String),
    /// Snapshot numbers that do not fill `labels × d`.
    ItemCount {
        /// How many numbers came.
        values: usize,
        /// How many labels came.
        labels: usize,
        /// The vector length.
        d: usize,
    },
    /// Snapshot colour ids that are not whole numbers from 0 to 65535.
    ItemColorIds,
    /// A snapshot with a number of colour ids other than its number of items.
    ItemColorCount,
}

impl Reason {
    /// The reason in `lang`, to follow the field's name.
    ///
    /// ```
    /// use din_core::i18n::{Lang, Reason};
    /// assert_eq!(Reason::ZeroDim.text(Lang::Zh), "不能为 0：q 和每个物品至少需要一个分量");
    /// assert_eq!(Reason::Missing.text(Lang::En), "is missing");
    /// ```
    #[must_use]
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Reason::EmptyVector => lang
                .pick("is empty: a vector needs at least one component (d >= 1)", "为空：向量至少需要一个分量（d ≥ 1）")
                .to_owned(),
            Reason::ZeroDim => lang
                .pick("cannot be 0: q and every item need at least one component", "不能为 0：q 和每个物品至少需要一个分量")
                .to_owned(),
            Reason::NotFinite(v) => lang.tr(format!("is {v}, not a finite number"), format!("是 {v}，不是有限数")),
            Reason::OutOfRange => lang.pick("is out of the range of a 64-bit float", "超出 64 位浮点数的范围").to_owned(),
            Reason::WrongType { want, got } => lang.tr(
                format!("must be {}, not {}", want.text(Lang::En), got.text(Lang::En)),
                format!("必须是{}，而不是{}", want.text(Lang::Zh), got.text(Lang::Zh)),
            ),
            Reason::NotObject(got) => lang.tr(
                format!("must be an object like {{\"query\": [...], \"items\": [...]}}, not {}", got.text(Lang::En)),
                format!("必须是 {{\"query\": [...], \"items\": [...]}} 这样的对象，而不是{}", got.text(Lang::Zh)),
            ),
            Reason::UnknownSimilarity(s) => lang.tr(
                format!("\"{s}\" is unknown: use \"dot\", \"cosine\", \"scaled_dot\", \"unit\" (the paper's activation unit) or \"authors\""),
                format!("\"{s}\" 未知：请用 \"dot\"、\"cosine\"、\"scaled_dot\"、\"unit\"（论文的激活单元）或 \"authors\""),
            ),
            Reason::MaxLen { value, limit } => lang.tr(
                format!("must be a whole number from 0 to {limit}, not {value}"),
                format!("必须是 0 到 {limit} 的整数，而不是 {value}"),
            ),
            Reason::Temperature(t) => lang.tr(
                format!("is {t}: it must be a finite number greater than 0"),
                format!("是 {t}：必须是大于 0 的有限数"),
            ),
            Reason::Missing => lang.pick("is missing", "缺失").to_owned(),
            Reason::ColorId(v) => lang.tr(
                format!("must be a whole number from 0 to {} (a colour id), not {v}", u16::MAX),
                format!("必须是 0 到 {} 的整数（颜色编号），而不是 {v}", u16::MAX),
            ),
            Reason::ItemsWithoutScene => {
                lang.pick("come without the scene they belong to", "缺少它们所属的场景").to_owned()
            }
            Reason::ItemLabels(e) => lang.tr(
                format!("have labels that are not a JSON list of text: {e}"),
                format!("的名称不是 JSON 文本列表：{e}"),
            ),
            Reason::ItemCount { values, labels, d } => lang.tr(
                format!("have {values} numbers, not {labels} labels × d = {d}"),
                format!("有 {values} 个数，而不是 {labels} 个名称 × d = {d}"),
            ),
            Reason::ItemColorIds => lang
                .pick("have colour ids that are not whole numbers from 0 to 65535", "的颜色编号不是 0 到 65535 的整数")
                .to_owned(),
            Reason::ItemColorCount => lang
                .pick("have a number of colour ids that is not their number", "的颜色编号个数与物品个数不同")
                .to_owned(),
        }
    }
}

impl fmt::Display for Reason {
    /// The English text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

/// A computed result that can overflow (`OutputOverflow` errors).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantity {
    /// The pooled vector Σ αᵢxᵢ.
    Pooled,
    /// Σ αᵢ.
    AlphaSum,
    /// |pooled|.
    PooledNorm,
    /// |mean|.
    MeanNorm,
}

impl Quantity {
    /// Every quantity, for tests.
    pub const ALL: [Quantity; 4] = [Quantity::Pooled, Quantity::AlphaSum, Quantity::PooledNorm, Quantity::MeanNorm];

    /// The quantity's name in `lang`.
    #[must_use]
    pub fn text(self, lang: Lang) -> &'static str {
        match self {
            Quantity::Pooled => lang.pick("pooled (the weighted sum)", "加权和（pooled）"),
            Quantity::AlphaSum => lang.pick("the sum of alpha", "α 之和"),
            Quantity::PooledNorm => lang.pick("|pooled|", "|加权和|"),
            Quantity::MeanNorm => lang.pick("|mean|", "|平均|"),
        }
    }

    /// "… is too large to represent (overflow)" in `lang`.
    #[must_use]
    pub fn overflow(self, lang: Lang) -> String {
        lang.tr(
            format!("{} is too large to represent (overflow); use smaller numbers", self.text(Lang::En)),
            format!("{} 太大，无法表示（溢出）；请使用较小的数", self.text(Lang::Zh)),
        )
    }
}

impl fmt::Display for Quantity {
    /// The English name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text(Lang::En))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_reasons() -> Vec<Reason> {
        let types = [JsonType::Null, JsonType::Boolean, JsonType::Number, JsonType::String, JsonType::Array, JsonType::Object];
        let wants = [Expected::String, Expected::FiniteNumber, Expected::NumberArray, Expected::ItemArray, Expected::ItemObject];
        let mut v = vec![
            Reason::EmptyVector,
            Reason::ZeroDim,
            Reason::NotFinite("NaN".into()),
            Reason::OutOfRange,
            Reason::UnknownSimilarity("x".into()),
            Reason::MaxLen { value: 1.5, limit: 4096 },
            Reason::Temperature(-1.0),
            Reason::Missing,
            Reason::ColorId("-1".into()),
            Reason::ItemsWithoutScene,
            Reason::ItemLabels("expected value".into()),
            Reason::ItemCount { values: 5, labels: 2, d: 3 },
            Reason::ItemColorIds,
            Reason::ItemColorCount,
        ];
        for t in types {
            v.push(Reason::NotObject(t));
            for w in wants {
                v.push(Reason::WrongType { want: w, got: t });
            }
        }
        v
    }

    fn has_han(s: &str) -> bool {
        s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    #[test]
    fn every_reason_has_english_and_chinese() {
        for r in all_reasons() {
            let (en, zh) = (r.text(Lang::En), r.text(Lang::Zh));
            assert!(!en.is_empty() && !zh.is_empty(), "{r:?}");
            assert!(has_han(&zh), "{r:?} zh has no Chinese: {zh}");
            assert!(!has_han(&en), "{r:?} en has Chinese: {en}");
            assert_ne!(en, zh, "{r:?}");
            assert_eq!(r.to_string(), en);
        }
        for q in Quantity::ALL {
            assert!(has_han(&q.overflow(Lang::Zh)), "{q:?}");
            assert!(!q.text(Lang::En).is_empty() && !q.text(Lang::Zh).is_empty());
            assert_eq!(q.to_string(), q.text(Lang::En));
        }
    }

    #[test]
    fn english_texts_are_the_ones_tests_and_scripts_know() {
        assert_eq!(
            Reason::WrongType { want: Expected::String, got: JsonType::Number }.text(Lang::En),
            "must be a string, not a number"
        );
        assert_eq!(Reason::NotFinite("NaN".into()).text(Lang::Zh), "是 NaN，不是有限数");
        assert_eq!(
            Quantity::Pooled.overflow(Lang::En),
            "pooled (the weighted sum) is too large to represent (overflow); use smaller numbers"
        );
        assert_eq!(Quantity::Pooled.overflow(Lang::Zh), "加权和（pooled） 太大，无法表示（溢出）；请使用较小的数");
    }
}
