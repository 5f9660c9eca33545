//! Errors of whole-model files and of queries on a model: each names the
//! field (`mlp.layers[1].weight`, `items[7].embedding`, `history[3]`) and
//! says what was expected and what was found, in English (`Display`) and
//! Chinese ([`Localized::zh`]), with a stable `E_MODEL_*` code.

use crate::errors::Localized;
use std::fmt;

/// A kind of JSON value a field must have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A JSON object.
    Object,
    /// A JSON array.
    Array,
    /// A string.
    Text,
    /// A number.
    Number,
    /// A whole number `>= 0`.
    Whole,
    /// An array of numbers.
    Numbers,
    /// An array of rows, each an array of numbers.
    Matrix,
}

impl Kind {
    fn en(self) -> &'static str {
        match self {
            Kind::Object => "a JSON object",
            Kind::Array => "an array",
            Kind::Text => "a string",
            Kind::Number => "a number",
            Kind::Whole => "a whole number >= 0",
            Kind::Numbers => "an array of numbers",
            Kind::Matrix => "an array of rows (arrays of numbers)",
        }
    }

    fn zh(self) -> &'static str {
        match self {
            Kind::Object => "JSON 对象",
            Kind::Array => "数组",
            Kind::Text => "字符串",
            Kind::Number => "数",
            Kind::Whole => "不小于 0 的整数",
            Kind::Numbers => "由数组成的数组",
            Kind::Matrix => "由行（数的数组）组成的数组",
        }
    }
}

/// What is wrong with a field.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// The text is not JSON (`field` is empty).
    Json { line: usize, column: usize, message: String },
    /// The text is longer than [`super::MAX_TEXT`] bytes.
    TooLarge { bytes: usize, max: usize },
    /// `format` is not [`super::FORMAT`].
    Format { got: String },
    /// A required field is absent.
    Missing,
    /// The field is not part of the format.
    Unknown,
    /// The field has the wrong JSON type; `got` describes what was there.
    Type { expected: Kind, got: String },
    /// A matrix of the wrong shape (rows x columns).
    Matrix { expected: (usize, usize), got: (usize, usize) },
    /// An array of the wrong length.
    Length { expected: usize, got: usize },
    /// A number or count outside its range; `expected` says the range in
    /// English and `expected_zh` in Chinese.
    Range { got: String, expected: String, expected_zh: String },
    /// A name that is not one of the allowed ones.
    Choice { got: String, choices: &'static [&'static str] },
    /// A name used twice (features, categories).
    Duplicate { name: String },
    /// A query names an item outside the catalogue.
    NoSuchItem { index: usize, items: usize },
    /// A query names a feature the model does not have.
    NoSuchFeature { name: String },
    /// A result is too large to represent.
    Overflow,
}

/// An error of a model file or a query, naming the field.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelError {
    /// The field, as a path into the file (`mlp.layers[1].weight`) or the query (`history[3]`).
    pub field: String,
    /// What is wrong.
    pub problem: Problem,
}

impl ModelError {
    /// An error of `field`.
    #[must_use]
    pub fn new(field: impl Into<String>, problem: Problem) -> Self {
        ModelError { field: field.into(), problem }
    }
}

fn choices(list: &[&str], or: &str) -> String {
    let quoted: Vec<String> = list.iter().map(|c| format!("\"{c}\"")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} {or} {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let field = &self.field;
        match &self.problem {
            Problem::Json { line, column, message } => {
                write!(f, "the model file is not valid JSON (line {line}, column {column}): {message}")
            }
            Problem::TooLarge { bytes, max } => {
                write!(f, "the model file has {bytes} bytes; at most {max} are accepted")
            }
            Problem::Format { got } => {
                write!(f, "format: expected \"{}\", got \"{got}\"", super::FORMAT)
            }
            Problem::Missing => write!(f, "{field}: missing"),
            Problem::Unknown => write!(f, "{field}: not a field of this format"),
            Problem::Type { expected, got } => write!(f, "{field}: expected {}, got {got}", expected.en()),
            Problem::Matrix { expected, got } => write!(
                f,
                "{field}: expected {} x {}, got {} x {} (rows x columns)",
                expected.0, expected.1, got.0, got.1
            ),
            Problem::Length { expected, got } => write!(f, "{field}: expected {expected} numbers, got {got}"),
            Problem::Range { got, expected, .. } => write!(f, "{field}: expected {expected}, got {got}"),
            Problem::Choice { got, choices: list } => {
                write!(f, "{field}: expected {}, got \"{got}\"", choices(list, "or"))
            }
            Problem::Duplicate { name } => write!(f, "{field}: the name \"{name}\" is used twice"),
            Problem::NoSuchItem { index, items } => {
                write!(f, "{field}: item {index} is not in the catalogue (items 0 to {})", items.saturating_sub(1))
            }
            Problem::NoSuchFeature { name } => write!(f, "{field}: the model has no feature \"{name}\""),
            Problem::Overflow => write!(f, "{field}: too large to represent (overflow)"),
        }
    }
}

impl std::error::Error for ModelError {}

impl Localized for ModelError {
    fn code(&self) -> &'static str {
        match self.problem {
            Problem::Json { .. } => "E_MODEL_JSON",
            Problem::TooLarge { .. } => "E_MODEL_TOO_LARGE",
            Problem::Format { .. } => "E_MODEL_FORMAT",
            Problem::Missing => "E_MODEL_MISSING",
            Problem::Unknown => "E_MODEL_UNKNOWN_FIELD",
            Problem::Type { .. } => "E_MODEL_TYPE",
            Problem::Matrix { .. } | Problem::Length { .. } => "E_MODEL_SHAPE",
            Problem::Range { .. } | Problem::Choice { .. } | Problem::Duplicate { .. } => "E_MODEL_VALUE",
            Problem::NoSuchItem { .. } => "E_MODEL_NO_ITEM",
            Problem::NoSuchFeature { .. } => "E_MODEL_NO_FEATURE",
            Problem::Overflow => "E_OVERFLOW",
        }
    }

    fn zh(&self) -> String {
        let field = &self.field;
        match &self.problem {
            Problem::Json { line, column, message } => {
                format!("模型文件不是合法的 JSON（第 {line} 行，第 {column} 列）：{message}")
            }
            Problem::TooLarge { bytes, max } => format!("模型文件有 {bytes} 字节；最多接受 {max} 字节"),
            Problem::Format { got } => format!("format：应为 \"{}\"，实际为 \"{got}\"", super::FORMAT),
            Problem::Missing => format!("{field}：缺少此字段"),
            Problem::Unknown => format!("{field}：不是此格式的字段"),
            Problem::Type { expected, got } => format!("{field}：应为{}，实际为 {got}", expected.zh()),
            Problem::Matrix { expected, got } => {
                format!("{field}：应为 {} × {}，实际为 {} × {}（行 × 列）", expected.0, expected.1, got.0, got.1)
            }
            Problem::Length { expected, got } => format!("{field}：应有 {expected} 个数，实际有 {got} 个"),
            Problem::Range { got, expected_zh, .. } => format!("{field}：应为{expected_zh}，实际为 {got}"),
            Problem::Choice { got, choices: list } => {
                format!("{field}：应为 {} 之一，实际为 \"{got}\"", choices(list, "或"))
            }
            Problem::Duplicate { name } => format!("{field}：名称 \"{name}\" 重复"),
            Problem::NoSuchItem { index, items } => {
                format!("{field}：物品 {index} 不在物品库中（物品编号 0 到 {}）", items.saturating_sub(1))
            }
            Problem::NoSuchFeature { name } => format!("{field}：模型没有特征 \"{name}\""),
            Problem::Overflow => format!("{field}：太大，无法表示（溢出）"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn messages_name_field_and_shape_in_both_languages() {
        let e = ModelError::new("mlp.layers[1].weight", Problem::Matrix { expected: (40, 80), got: (40, 79) });
        assert_eq!(e.to_string(), "mlp.layers[1].weight: expected 40 x 80, got 40 x 79 (rows x columns)");
        assert_eq!(e.message(Lang::Zh), "mlp.layers[1].weight：应为 40 × 80，实际为 40 × 79（行 × 列）");
        assert_eq!(e.code(), "E_MODEL_SHAPE");
        let e = ModelError::new("attention.weight", Problem::Choice { got: "tanh".into(), choices: &["a", "b", "c"] });
        assert_eq!(e.to_string(), "attention.weight: expected \"a\", \"b\" or \"c\", got \"tanh\"");
        assert_eq!(e.zh(), "attention.weight：应为 \"a\", \"b\" 或 \"c\" 之一，实际为 \"tanh\"");
        let e = ModelError::new("history[3]", Problem::NoSuchItem { index: 250, items: 120 });
        assert_eq!(e.to_string(), "history[3]: item 250 is not in the catalogue (items 0 to 119)");
        assert_eq!(e.code(), "E_MODEL_NO_ITEM");
    }
}
