//! Languages of the interface: English and Chinese, with the lecture's terms.
//!
//! Every visible string is chosen in Rust through [`Lang::pick`] (charts)
//! or the page dictionary [`page_strings`] (HTML), so the two languages
//! cannot drift apart between the canvas and the page. Chinese follows the
//! lecture: 候选物品 (candidate item), 用户行为序列 LastN, 相似度
//! (similarity), 加权和 (weighted sum), 平均 (average), 注意力机制
//! (attention), 双塔模型 (two-tower model), 精排模型 (ranking model).

use std::str::FromStr;

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

    /// Picks the string for this language.
    ///
    /// ```
    /// use din_viz::i18n::Lang;
    /// assert_eq!(Lang::Zh.pick("weighted sum", "加权和"), "加权和");
    /// assert_eq!(Lang::En.pick("weighted sum", "加权和"), "weighted sum");
    /// ```
    #[must_use]
    pub fn pick(self, en: &'static str, zh: &'static str) -> &'static str {
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
    /// use din_viz::i18n::Lang;
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
