//! Languages of the interface: English and Chinese, with the lecture's terms.
//!
//! Every visible string is chosen in Rust through [`Lang::pick`] (charts)
//! or the page dictionary [`page_strings`] (HTML), so the two languages
//! cannot drift apart between the canvas and the page. Chinese follows the
//! lecture: 候选物品 (candidate item), 用户行为序列 LastN, 相似度
//! (similarity), 加权和 (weighted sum), 平均 (average), 注意力机制
//! (attention), 双塔模型 (two-tower model), 精排模型 (ranking model).

use std::str::FromStr;

mod page;
mod reasons;

pub use page::PAGE;
pub use reasons::{Expected, JsonType, Quantity, Reason};

/// An interface language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

impl Lang {
    /// The code used in URLs and `din.state()`: `en` or `zh`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// Picks the text for this language (literals, or the `en`/`zh` fields
    /// of a bilingual name).
    ///
    /// ```
    /// use din_core::i18n::Lang;
    /// assert_eq!(Lang::Zh.pick("weighted sum", "加权和"), "加权和");
    /// assert_eq!(Lang::En.pick("weighted sum", "加权和"), "weighted sum");
    /// let (en, zh) = (String::from("food"), String::from("美食"));
    /// assert_eq!(Lang::Zh.pick(en.as_str(), zh.as_str()), "美食");
    /// ```
    #[must_use]
    pub fn pick<'a>(self, en: &'a str, zh: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }

    /// The formatted text in this language: the counterpart of
    /// [`Lang::pick`] for texts made with `format!`.
    ///
    /// ```
    /// use din_core::i18n::Lang;
    /// assert_eq!(Lang::Zh.tr(format!("n = {}", 3), format!("共 {} 项", 3)), "共 3 项");
    /// ```
    #[must_use]
    pub fn tr(self, en: String, zh: String) -> String {
        match self {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }
}

impl FromStr for Lang {
    type Err = String;

    /// Parses `en` or `zh` (also `zh-CN`, `en-US` and the like).
    ///
    /// ```
    /// use din_core::i18n::Lang;
    /// assert_eq!("zh-CN".parse::<Lang>().unwrap(), Lang::Zh);
    /// assert!("fr".parse::<Lang>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let base = s.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        match base.as_str() {
            "en" => Ok(Lang::En),
            "zh" => Ok(Lang::Zh),
            _ => Err(format!("unknown language \"{s}\": use \"en\" or \"zh\"")),
        }
    }
}

/// User text shown inside a message: its first 40 characters, then `…`
/// when there were more (the one rule for every message that quotes what
/// was typed).
///
/// ```
/// use din_core::i18n::clip;
/// assert_eq!(clip("bars"), "bars");
/// assert_eq!(clip(&"x".repeat(41)), format!("{}…", "x".repeat(40)));
/// ```
#[must_use]
pub fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if s.chars().nth(40).is_some() {
        out.push('…');
    }
    out
}

/// The page strings for `lang` as a JSON object `{key: text}`.
///
/// ```
/// use din_core::i18n::{page_strings_json, Lang};
/// let v: serde_json::Value = serde_json::from_str(&page_strings_json(Lang::Zh)).unwrap();
/// assert_eq!(v["pooled-h"], "加权和");
/// ```
#[must_use]
pub fn page_strings_json(lang: Lang) -> String {
    let mut m = serde_json::Map::new();
    for (k, en, zh) in PAGE {
        m.insert((*k).to_owned(), serde_json::Value::String(lang.pick(en, zh).to_owned()));
    }
    serde_json::Value::Object(m).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_both_languages_filled() {
        let mut keys: Vec<&str> = PAGE.iter().map(|p| p.0).collect();
        keys.sort_unstable();
        let n = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), n, "duplicate key");
        for (k, en, zh) in PAGE {
            assert!(!en.is_empty() && !zh.is_empty(), "{k}");
            assert!(zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) || zh.contains('◀') || zh.contains('▶') || *k == "lang-toggle", "{k} zh has Chinese");
        }
    }
}
