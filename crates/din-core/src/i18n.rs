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
    /// use din_core::i18n::Lang;
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

/// The page's own strings, by key, in both languages: `(key, en, zh)`.
/// Elements carry `data-i18n="key"` (text), `data-i18n-aria="key"`
/// (accessible name) or `data-i18n-title="key"` (tooltip).
pub const PAGE: &[(&str, &str, &str)] = &[
    ("title", "DIN attention", "DIN 注意力机制"),
    ("lede", "DIN replaces the plain mean of a user's LastN item vectors by a weighted sum Σ αᵢxᵢ, where αᵢ is the similarity of LastN item i and the candidate item q. Move q and watch which interests it keeps.",
        "DIN 用加权平均代替简单平均：权重 αᵢ 是候选物品 q 与用户 LastN 第 i 个物品的相似度，加权和 Σ αᵢxᵢ 作为用户特征。移动 q，看看哪些兴趣被保留。"),
    ("lang-toggle", "中文", "English"),
    ("lang-toggle-aria", "switch the language to Chinese", "切换到英文"),
    ("scene", "Scene", "场景"),
    ("candidate-panel", "Candidate q", "候选物品 q"),
    ("pick-candidate", "Pick a candidate", "选择候选物品"),
    ("custom", "custom (edited)", "自定义（已修改）"),
    ("needs-d8", "needs d = 8", "需要 d = 8"),
    ("settings", "Attention settings", "注意力设置"),
    ("similarity", "Similarity", "相似度"),
    ("sim-dot", "dot: q · x", "点积：q · x"),
    ("sim-cosine", "cosine: q · x / (|q| |x|)", "余弦：q · x / (|q| |x|)"),
    ("sim-scaled", "scaled dot: q · x / √d", "缩放点积：q · x / √d"),
    ("sim-unit", "paper: activation unit", "论文：激活单元"),
    ("sim-authors", "authors' code: unit, masked, ÷√d, softmax", "作者代码：激活单元、掩码、÷√d、softmax"),
    ("activation", "Activation", "激活函数"),
    ("maxlen", "Max length (padded)", "最大长度（补齐）"),
    ("padded", "padded slots", "个补齐位置"),
    ("density", "catalogue of candidates, coloured by what DIN gives each for this user (paper Fig. 6)", "候选物品目录，按 DIN 给该用户的打分着色（论文图 6）"),
    ("normalization", "Normalization", "归一化"),
    ("norm-softmax", "softmax over items", "对物品做 softmax"),
    ("temperature", "Temperature T", "温度 T"),
    ("lastn", "LastN items", "用户行为序列 LastN"),
    ("dim", "Vector length d", "向量维度 d"),
    ("dim-minus", "remove the last component", "删除最后一维"),
    ("dim-plus", "add a component", "增加一维"),
    ("label", "label", "名称"),
    ("add-item", "+ add item", "+ 添加物品"),
    ("alpha-sum-h", "sum of weights", "权重之和"),
    ("pooled-h", "weighted sum", "加权和"),
    ("mean-h", "plain average", "简单平均"),
    ("steps-panel", "Step through the lecture", "按步骤演示"),
    ("steps-on", "Start step-through", "开始分步演示"),
    ("steps-off", "Show everything", "显示全部"),
    ("prev", "◀ previous", "◀ 上一步"),
    ("next", "next ▶", "下一步 ▶"),
    ("steps-help", "With the panel focused: → Space PageDown for next, ← PageUp for previous.", "面板获得焦点后：→、空格、PageDown 下一步；←、PageUp 上一步。"),
    ("unit-panel", "Inside the activation unit (paper)", "激活单元内部（论文）"),
    ("unit-item", "LastN item", "LastN 物品"),
    ("unit-aria", "inside the activation unit: input, hidden layers, activation curve, score", "激活单元内部：输入、隐藏层、激活函数曲线、分数"),
    ("qkv-panel", "Attention view: query, keys, values", "注意力视角：query、key、value"),
    ("towers-panel", "Where can LastN go? Two-tower model vs ranking model", "LastN 特征放在哪里？双塔模型与精排模型"),
    ("place-user", "LastN in the user tower", "LastN 放进用户塔"),
    ("place-ranking", "LastN in the ranking model", "LastN 放进精排模型"),
    ("foot", "The pooled vector Σαᵢxᵢ is a user feature of the ranking model, which predicts click rate, like rate, … It cannot sit in the user tower of a two-tower model: that tower never sees the candidate q. Paper: Zhou et al., Deep Interest Network for Click-Through Rate Prediction, KDD 2018.",
        "加权和 Σαᵢxᵢ 是精排模型的一种用户特征，用于预估点击率、点赞率等。它不能用在双塔模型的用户塔里：用户塔看不到候选物品 q。论文：Zhou et al., Deep Interest Network for Click-Through Rate Prediction, KDD 2018。"),
    ("bars-aria", "bar chart of the attention weights alpha", "注意力权重 α 的条形图"),
    ("map-aria", "2-D map of the vectors; drag q or an item; arrow keys move q", "向量的二维图；拖动 q 或物品；方向键移动 q"),
    ("heatmap-aria", "heatmap of the vectors x, q, pooled and mean", "向量 x、q、加权和与平均的热力图"),
    ("fatal-title", "Something went wrong inside the visualiser", "可视化程序内部出错"),
    ("fatal-text", "This is a bug, not something you did. The message below helps us fix it.", "这是程序的错误，不是你的操作问题。下面的信息可以帮助我们修复。"),
    ("reload", "Reload the page", "重新加载页面"),
    ("restore", "Restore the last good scene", "恢复最后一个正常的场景"),
    ("remove-item", "remove", "删除"),
    ("gen-n", "generate n =", "生成 n ="),
    ("gen-n-aria", "number of items to generate", "要生成的物品数"),
    ("gen-d-aria", "dimension of the generated items", "生成物品的维度"),
    ("generate", "generate", "生成"),
    ("generated", "generated LastN", "生成的 LastN"),
    ("generate-bad", "generate: n and d must be whole numbers", "生成：n 和 d 必须是整数"),
    ("gen-note", "Generate a long LastN (up to 10,000 items, d up to 256) of clustered, seeded vectors: long histories as in SIM.", "生成很长的 LastN（最多 10,000 个物品，d 最大 256），向量成簇、由固定种子生成：类似 SIM 中的长序列。"),
    ("inputs-aria", "Inputs", "输入"),
    ("results-aria", "Results", "结果"),
    ("steps-aria", "step-through of the lecture: vectors, weights, weighted sum, ranking model", "分步演示：向量、权重、加权和、精排模型"),
    ("qkv-aria", "attention as query, keys and values", "注意力视角：query、key、value"),
    ("towers-aria", "two-tower model and ranking model", "双塔模型与精排模型"),
    ("maxlen-aria", "max length", "最大长度"),
    ("label-of", "label of", "名称："),
    ("pooled-k", "|pooled|", "|加权和|"),
    ("mean-k", "|mean|", "|平均|"),
    ("item-component", "component", "分量"),
    ("rounded-note", "Numbers underlined with dots are shown rounded: click one to see and edit its exact value.", "带点状下划线的数字为四舍五入后的显示：点击即可查看并编辑精确值。"),
    ("tools-aria", "Tools", "工具"),
    ("theme", "Theme", "主题"),
    ("theme-light", "light", "浅色"),
    ("theme-dark", "dark", "深色"),
    ("theme-contrast", "projector (high contrast)", "投影（高对比度）"),
    ("font", "Text size", "字号"),
    ("undo", "↶ undo", "↶ 撤销"),
    ("undo-title", "Undo the last edit (Ctrl+Z)", "撤销上一步修改（Ctrl+Z）"),
    ("redo", "↷ redo", "↷ 重做"),
    ("redo-title", "Redo (Ctrl+Shift+Z)", "重做（Ctrl+Shift+Z）"),
    ("reset", "reset scene", "重置场景"),
    ("reset-title", "Back to the scene as it was loaded (undoable)", "回到载入时的场景（可撤销）"),
    ("copy-link", "copy link", "复制链接"),
    ("link-copied", "Link copied: it opens exactly this scene, step and view.", "链接已复制：打开后就是当前的场景、步骤和视图。"),
    ("link-copy-by-hand", "Copy this link:", "请复制此链接："),
    ("export", "export…", "导出…"),
    ("import", "import…", "导入…"),
    ("export-title", "Export", "导出"),
    ("export-what", "What", "内容"),
    ("export-all", "whole widget (visible charts)", "整个组件（可见图表）"),
    ("panel-bars", "alpha bars", "权重 α 条形图"),
    ("panel-map", "2-D map", "二维图"),
    ("panel-heatmap", "heatmap", "热力图"),
    ("panel-steps", "step-through", "分步演示"),
    ("panel-unit", "inside the unit", "激活单元内部"),
    ("panel-qkv", "query, keys, values", "query、key、value 视角"),
    ("panel-towers", "two towers vs ranking", "双塔与精排"),
    ("export-png", "PNG 1920×1080", "PNG 图片 1920×1080"),
    ("export-png2", "PNG 3840×2160 (2×)", "PNG 3840×2160（2 倍）"),
    ("export-svg", "SVG", "SVG 矢量图"),
    ("export-json", "JSON scene", "JSON 场景"),
    ("export-csv", "CSV of alpha, pooled, mean", "α、加权和、平均的 CSV"),
    ("export-items", "CSV of the LastN items", "LastN 物品的 CSV"),
    ("export-note", "SVG is drawn by the same code as the canvas; PNG is rendered at slide size, not a screenshot.", "SVG 与画布使用同一套绘图代码；PNG 按幻灯片尺寸重新绘制，不是截图。"),
    ("import-title", "Import LastN items or a scene", "导入 LastN 物品或场景"),
    ("import-help", "Paste or drop CSV/TSV (one item per row: label, then d numbers), a JSON scene, or the Embedding Projector's vectors.tsv and metadata.tsv (choose or drop both files).",
        "粘贴或拖入 CSV/TSV（每行一个物品：名称，然后是 d 个数）、JSON 场景，或 Embedding Projector 的 vectors.tsv 与 metadata.tsv（同时选择或拖入两个文件）。"),
    ("import-text-aria", "text to import", "要导入的文本"),
    ("import-go", "import the text", "导入文本"),
    ("import-file", "choose files…", "选择文件…"),
    ("import-too-many", "Import takes one file, or the two Embedding Projector files (vectors.tsv and metadata.tsv).", "一次只能导入一个文件，或 Embedding Projector 的两个文件（vectors.tsv 和 metadata.tsv）。"),
    // Lecture mode (issue 11 §5).
    ("lecture-mode", "Lecture mode", "讲课模式"),
    ("lecture-mode-title", "One screen for the lecture: caption, q, the weights, pooled vs mean and the map, with the lecture panels as tabs (press again for the long page)",
        "讲课用的单屏布局：说明、q、权重、加权和与平均、二维图，讲课面板以标签页切换（再按一次回到长页面）"),
    ("tabs-aria", "Lecture panels", "讲课面板"),
    ("tab-steps", "Steps", "分步演示"),
    ("tab-unit", "The unit", "激活单元"),
    ("tab-qkv", "Q · K · V", "Q、K、V 视角"),
    ("tab-towers", "Two towers", "双塔与精排"),
    ("tab-heatmap", "Vectors", "向量"),
    ("readout-title", "Weighted sum vs plain average", "加权和与简单平均"),
    // Step-through and item colours (issue 11 §3, §4).
    ("colors-repeat", "More items than colours: an item's colour stays with it, and colours repeat every 12 (colour id k is drawn in colour k mod 12).",
        "物品多于颜色数：每个物品的颜色始终不变，颜色每 12 个重复一次（颜色编号 k 使用第 k mod 12 种颜色）。"),
    // Captions, shares, weight form and explanations (issue 11 §2, §6).
    ("weight", "Weight without softmax", "不做 softmax 时的权重"),
    ("weight-z", "paper: α = z", "论文：α = z"),
    ("weight-sigmoid", "this project's variant: α = sigmoid(z)", "本项目的变体：α = sigmoid(z)"),
    ("shares-aria", "weight per interest: attention beside the plain average", "各兴趣的权重：注意力与简单平均对比"),
    ("tip-keys", "Point at, focus or tap a bar, a map point or a row to see how its α is computed; with a chart focused, ↑ ↓ go through the items and Esc hides the explanation.",
        "指向、聚焦或轻触条形、图中的点或一行，可以看到它的 α 是怎样算出来的；图表获得焦点后，用 ↑ ↓ 逐个查看，Esc 隐藏说明。"),
    // The compact caption's button (polish after issue 11).
    ("caption-more", "more ▾", "展开 ▾"),
    ("caption-less", "less ▴", "收起 ▴"),
    ("caption-more-title", "The whole caption: every sentence and the scene's hint (Esc closes it)", "完整的说明：所有句子和场景提示（Esc 关闭）"),
];

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
