//! Import: untrusted text in, LastN items (or a whole scene) out.
//!
//! Over 600 lines because the three ways in (CSV/TSV, the Projector pair, a
//! scene JSON) share one RFC 4180 reader and one error type whose every kind
//! names file, line and column in English and Chinese (about 280 lines);
//! about 390 lines are tests.
//!
//! Three ways in, all pure and all bounded by the scene's limits
//! (`n <= 10_000`, `1 <= d <= 256`, labels of at most 200 characters) and
//! by [`MAX_IMPORT_BYTES`]:
//!
//! * [`parse_items`]: CSV or TSV, one item per row, a label then `d` numbers.
//! * [`parse_projector`]: the TensorFlow Embedding Projector's pair of
//!   files, `vectors.tsv` (numbers only) and `metadata.tsv` (labels).
//! * [`import_text`]: what the page's import box calls; a scene JSON (what
//!   `Scene::to_json` and `din.state()` write) or CSV/TSV, applied to the
//!   current scene.
//!
//! Every refusal is an [`ImportError`] that names the file (for the
//! projector pair), the 1-based line of the original text (blank and
//! comment lines count) and the 1-based column, i.e. the field's index in
//! its row (the label is column 1). Messages exist in English (`Display`)
//! and Chinese ([`Localized::zh`]), with stable `E_IMPORT_*` codes.
//!
//! # The CSV/TSV rules of [`parse_items`]
//!
//! * A UTF-8 byte order mark at the start is ignored; lines may end in
//!   `\n` or `\r\n`.
//! * Lines that are empty or only whitespace, and lines whose first
//!   non-blank character is `#`, are skipped (but still counted).
//! * The delimiter is taken from the first line that is not skipped:
//!   a tab if it has one (outside quotes), else a comma, else `;` if it has
//!   one, else a comma.
//! * RFC 4180 quoting: a field that starts with `"` runs to the next lone
//!   `"`, may contain delimiters and line breaks, and writes a quote as
//!   `""`. Quoted labels are kept exactly; unquoted ones are trimmed.
//! * Header row: the first row is skipped as a header when its first field
//!   is `label` (any case), or when none of its fields is a number while
//!   every field after the first of the next row is. A header whose first
//!   field is `label` also declares column 1 to hold labels, so labels that
//!   look like numbers (`"42"`) survive: [`crate::export::items_csv`]
//!   always writes this header, which makes its output read back exactly.
//! * Numbers only: otherwise, if the first field of the first data row is
//!   a number, no row has a label (an Embedding Projector `vectors.tsv`)
//!   and the items are named `item 1`, `item 2`, ...
//! * Every row has as many numbers as the first data row; numbers follow
//!   [`parse_number`]: finite only, `NaN`, `inf` and `1e999` are refused.

use crate::attention::{mean, Attention};
use crate::errors::Localized;
use crate::scene::{round3, parse_number, parse_state, Definition, Item, NumberProblem, Scene, SceneError, MAX_D, MAX_LABEL, MAX_N};
use std::borrow::Cow;
use std::fmt;

/// The largest text accepted, in bytes (64 MiB): a full LastN of 10,000
/// items with d = 256 written at full precision (about 20 characters per
/// number, as `export::items_csv` writes them) fits in it.
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

/// At most this many characters of offending text are quoted in a message.
const QUOTE_CHARS: usize = 40;

/// File names used in the messages of [`parse_projector`].
const VECTORS: &str = "vectors.tsv";
const METADATA: &str = "metadata.tsv";

/// Why a text could not be imported, and where.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportError {
    /// The file, for the projector pair: `vectors.tsv` or `metadata.tsv`.
    pub file: Option<String>,
    /// 1-based line of the original text (skipped lines count).
    pub line: Option<usize>,
    /// 1-based field index in the row; the label is column 1.
    pub column: Option<usize>,
    /// What is wrong.
    pub kind: ImportErrorKind,
}

/// What is wrong with an imported text. Texts quoted here are at most 40
/// characters of the original (longer ones end in `…`), with control
/// characters escaped.
#[derive(Clone, Debug, PartialEq)]
pub enum ImportErrorKind {
    /// A number field holds something else.
    NotANumber { text: String },
    /// A number field is empty.
    EmptyField,
    /// A number field holds NaN or an infinity.
    NotFinite { text: String },
    /// A number field is beyond the range of `f64` (e.g. `1e999`).
    NumberTooLarge { text: String },
    /// A number written with a decimal comma, e.g. `0,5`.
    DecimalComma { text: String },
    /// A row has `got` numbers where the first data row (at `first_line`) has `want`.
    RaggedRow { got: usize, want: usize, first_line: usize },
    /// The first data row has a label but no numbers (d would be 0).
    NoNumbers,
    /// No item at all.
    Empty,
    /// More than `max` items.
    TooManyItems { max: usize },
    /// The first data row has more than `max` numbers.
    TooManyDims { got: usize, max: usize },
    /// A label longer than `max` characters.
    LabelTooLong { chars: usize, max: usize },
    /// A label holding a control character or noncharacter (see
    /// [`crate::scene::is_label_control`]) at character `position`.
    LabelControl { code_point: u32, position: usize },
    /// A number other than 0 so close to 0 that it would become 0 (`1e-400`).
    NumberTooSmall { text: String },
    /// `metadata.tsv` and `vectors.tsv` have different numbers of rows.
    CountMismatch { labels: usize, rows: usize },
    /// The text is longer than `max` bytes.
    TooLarge { bytes: usize, max: usize },
    /// A quoted field is never closed.
    UnclosedQuote,
    /// Text follows the closing quote of a field.
    TextAfterQuote { text: String },
    /// A scene JSON was refused (malformed, or a field is wrong). Boxed, as
    /// is `Scene`, to keep every `Result<_, ImportError>` small.
    Json(Box<SceneError>),
    /// The imported items were read but cannot make a scene (e.g. their
    /// similarities overflow).
    Scene(Box<SceneError>),
    /// A scene JSON lacks a required field (`items` or `query`).
    MissingField { field: &'static str },
    /// A scene JSON has a key that is not a state key (the message names it).
    UnknownKey(Box<crate::errors::Message>),
}

impl ImportError {
    fn new(file: Option<&str>, line: Option<usize>, column: Option<usize>, kind: ImportErrorKind) -> Self {
        ImportError { file: file.map(str::to_owned), line, column, kind }
    }

    /// Where, in English: `vectors.tsv, line 3, column 2`.
    fn place_en(&self) -> String {
        let mut parts = Vec::new();
        if let Some(f) = &self.file {
            parts.push(f.clone());
        }
        if let Some(l) = self.line {
            parts.push(format!("line {l}"));
        }
        if let Some(c) = self.column {
            parts.push(format!("column {c}"));
        }
        parts.join(", ")
    }

    /// Where, in Chinese: `vectors.tsv 第 3 行第 2 列`.
    fn place_zh(&self) -> String {
        let mut s = String::new();
        if let Some(f) = &self.file {
            s.push_str(f);
        }
        if self.line.is_some() && !s.is_empty() {
            s.push(' ');
        }
        if let Some(l) = self.line {
            s.push_str(&format!("第 {l} 行"));
        }
        if let Some(c) = self.column {
            s.push_str(&format!("第 {c} 列"));
        }
        s
    }

    /// `"vectors.tsv: "` or nothing, before sentences that name their line.
    fn file_prefix(&self, zh: bool) -> String {
        match (&self.file, zh) {
            (Some(f), false) => format!("{f}: "),
            (Some(f), true) => format!("{f}："),
            (None, _) => String::new(),
        }
    }

    fn line_or_1(&self) -> usize {
        self.line.unwrap_or(1)
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ImportErrorKind as K;
        let at = self.place_en();
        let pre = self.file_prefix(false);
        let line = self.line_or_1();
        match &self.kind {
            K::NotANumber { text } => write!(f, "{at}: \"{text}\" is not a number"),
            K::EmptyField => write!(f, "{at} is empty: a number is needed"),
            K::NotFinite { text } => write!(f, "{at}: \"{text}\" is not a finite number"),
            K::NumberTooLarge { text } => {
                write!(f, "{at}: {text} is too large; numbers must lie between -1.7e308 and 1.7e308")
            }
            K::DecimalComma { text } => write!(
                f,
                "{at}: \"{text}\" uses a comma as decimal separator; write {}",
                text.replace(',', ".")
            ),
            K::RaggedRow { got, want, first_line } => write!(
                f,
                "{pre}line {line} has {}, but line {first_line} has {want}",
                plural(*got, "number", "numbers")
            ),
            K::NoNumbers => write!(
                f,
                "{pre}line {line} has a label but no numbers; each row needs a label and at least one number"
            ),
            K::Empty => match &self.file {
                Some(file) => write!(f, "{file} contains no rows of numbers"),
                None => f.write_str(
                    "the text contains no items: write one item per line, a label and then its numbers, e.g. ramen,0.5,1.2",
                ),
            },
            K::TooManyItems { max } => {
                write!(f, "{at}: this is item {}; at most {max} items are allowed", max + 1)
            }
            K::TooManyDims { got, max } => {
                write!(f, "{pre}line {line} has {got} numbers; at most {max} are allowed (d <= {max})")
            }
            K::LabelTooLong { chars, max } => {
                write!(f, "{at}: the label has {chars} characters; at most {max} are allowed")
            }
            K::LabelControl { code_point, position } => write!(
                f,
                "{at}: the label contains U+{code_point:04X} ({}) at character {position}; {}",
                crate::scene::char_kind_en(*code_point),
                crate::scene::LABEL_RULE_EN
            ),
            K::NumberTooSmall { text } => write!(f, "{at}: {text} {}", crate::scene::UNDERFLOW_EN),
            K::CountMismatch { labels, rows } => write!(
                f,
                "{METADATA} has {}, but {VECTORS} has {}",
                plural(*labels, "label", "labels"),
                plural(*rows, "row", "rows")
            ),
            K::TooLarge { bytes, max } => write!(
                f,
                "{} has {bytes} bytes; at most {max} ({} MiB) can be imported",
                self.file.as_deref().unwrap_or("the text"),
                max / (1024 * 1024)
            ),
            K::UnclosedQuote => write!(f, "{at}: a quote opens here and is never closed"),
            K::TextAfterQuote { text } => write!(
                f,
                "{at}: \"{text}\" follows the closing quote; inside quotes, write \"\" for a quote"
            ),
            K::Json(e) => write!(f, "scene JSON: {e}"),
            K::Scene(e) => write!(f, "the imported items cannot be used: {e}"),
            K::MissingField { field } => write!(
                f,
                "the scene JSON has no \"{field}\": a scene file needs both \"query\" and \"items\""
            ),
            K::UnknownKey(m) => f.write_str(&m.en),
        }
    }
}

impl std::error::Error for ImportError {}

impl Localized for ImportError {
    fn code(&self) -> &'static str {
        use ImportErrorKind as K;
        match self.kind {
            K::NotANumber { .. } => "E_IMPORT_NOT_A_NUMBER",
            K::EmptyField => "E_IMPORT_EMPTY_FIELD",
            K::NotFinite { .. } => "E_IMPORT_NOT_FINITE",
            K::NumberTooLarge { .. } => "E_IMPORT_NUMBER_TOO_LARGE",
            K::DecimalComma { .. } => "E_IMPORT_DECIMAL_COMMA",
            K::RaggedRow { .. } => "E_IMPORT_RAGGED_ROW",
            K::NoNumbers => "E_IMPORT_NO_NUMBERS",
            K::Empty => "E_IMPORT_EMPTY",
            K::TooManyItems { .. } => "E_IMPORT_TOO_MANY_ITEMS",
            K::TooManyDims { .. } => "E_IMPORT_TOO_MANY_DIMS",
            K::LabelTooLong { .. } => "E_IMPORT_LABEL_TOO_LONG",
            K::LabelControl { .. } => "E_IMPORT_LABEL_CONTROL",
            K::NumberTooSmall { .. } => "E_IMPORT_NUMBER_TOO_SMALL",
            K::CountMismatch { .. } => "E_IMPORT_COUNT_MISMATCH",
            K::TooLarge { .. } => "E_IMPORT_TOO_LARGE",
            K::UnclosedQuote => "E_IMPORT_UNCLOSED_QUOTE",
            K::TextAfterQuote { .. } => "E_IMPORT_TEXT_AFTER_QUOTE",
            K::Json(_) => "E_IMPORT_JSON",
            K::Scene(_) => "E_IMPORT_SCENE",
            K::MissingField { .. } => "E_IMPORT_MISSING_FIELD",
            K::UnknownKey(_) => "E_IMPORT_UNKNOWN_KEY",
        }
    }

    fn zh(&self) -> String {
        use ImportErrorKind as K;
        let at = self.place_zh();
        let pre = self.file_prefix(true);
        let line = self.line_or_1();
        match &self.kind {
            K::NotANumber { text } => format!("{at}：\"{text}\" 不是数"),
            K::EmptyField => format!("{at}为空：这里需要一个数"),
            K::NotFinite { text } => format!("{at}：\"{text}\" 不是有限数"),
            K::NumberTooLarge { text } => format!("{at}：{text} 太大；数必须在 -1.7e308 到 1.7e308 之间"),
            K::DecimalComma { text } => {
                format!("{at}：\"{text}\" 用逗号作小数点；请写成 {}", text.replace(',', "."))
            }
            K::RaggedRow { got, want, first_line } => {
                format!("{pre}第 {line} 行有 {got} 个数，但第 {first_line} 行有 {want} 个")
            }
            K::NoNumbers => format!("{pre}第 {line} 行只有标签没有数；每行需要一个标签和至少一个数"),
            K::Empty => match &self.file {
                Some(file) => format!("{file} 中没有数据行"),
                None => "文本中没有物品：每行写一个物品，先写标签再写数，例如 ramen,0.5,1.2".to_owned(),
            },
            K::TooManyItems { max } => format!("{at}：这是第 {} 个物品；最多允许 {max} 个物品", max + 1),
            K::TooManyDims { got, max } => format!("{pre}第 {line} 行有 {got} 个数；最多允许 {max} 个（d ≤ {max}）"),
            K::LabelTooLong { chars, max } => format!("{at}：标签有 {chars} 个字符；最多允许 {max} 个"),
            K::LabelControl { code_point, position } => format!(
                "{at}：标签的第 {position} 个字符是 U+{code_point:04X}（{}）；{}",
                crate::scene::char_kind_zh(*code_point),
                crate::scene::LABEL_RULE_ZH
            ),
            K::NumberTooSmall { text } => format!("{at}：{text} {}", crate::scene::UNDERFLOW_ZH),
            K::CountMismatch { labels, rows } => {
                format!("{METADATA} 有 {labels} 个标签，但 {VECTORS} 有 {rows} 行")
            }
            K::TooLarge { bytes, max } => format!(
                "{}有 {bytes} 字节；最多可导入 {max} 字节（{} MiB）",
                self.file.as_ref().map_or("文本".to_owned(), |f| format!("{f} ")),
                max / (1024 * 1024)
            ),
            K::UnclosedQuote => format!("{at}：这里的引号没有闭合"),
            K::TextAfterQuote { text } => {
                format!("{at}：右引号后面还有 \"{text}\"；在引号内请用 \"\" 表示一个引号")
            }
            K::Json(e) => format!("场景 JSON：{}", e.zh()),
            K::Scene(e) => format!("导入的物品无法使用：{}", e.zh()),
            K::MissingField { field } => {
                format!("场景 JSON 中没有 \"{field}\"：场景文件需要同时包含 \"query\" 和 \"items\"")
            }
            K::UnknownKey(m) => m.zh.clone(),
        }
    }
}

/// At most [`QUOTE_CHARS`] characters of `t` (the last one `…` when cut),
/// with control characters escaped so a message stays on one line.
fn excerpt(t: &str) -> String {
    let cut = t.chars().count() > QUOTE_CHARS;
    let kept = t.chars().take(if cut { QUOTE_CHARS - 1 } else { QUOTE_CHARS });
    let mut s = String::new();
    for c in kept {
        if c.is_control() {
            s.extend(c.escape_default());
        } else {
            s.push(c);
        }
    }
    if cut {
        s.push('…');
    }
    s
}

/// A number field, with [`parse_number`]'s rules and its refusals mapped to
/// import errors. Plain numbers take a fast path with the same result.
fn number(text: &str) -> Result<f64, ImportErrorKind> {
    let t = text.trim();
    if let Ok(v) = t.parse::<f64>() {
        if v.is_finite() && v != 0.0 {
            return Ok(v);
        }
    }
    match parse_number("", t) {
        Ok(v) => Ok(v),
        Err(SceneError::BadNumber { problem, .. }) => Err(match problem {
            NumberProblem::Empty => ImportErrorKind::EmptyField,
            NumberProblem::NotANumber(_) => ImportErrorKind::NotANumber { text: excerpt(t) },
            NumberProblem::Comma(_) => ImportErrorKind::DecimalComma { text: excerpt(t) },
            NumberProblem::Overflow(_) => ImportErrorKind::NumberTooLarge { text: excerpt(t) },
            NumberProblem::NotFinite(_) => ImportErrorKind::NotFinite { text: excerpt(t) },
            NumberProblem::Underflow(_) => ImportErrorKind::NumberTooSmall { text: excerpt(t) },
        }),
        Err(_) => Err(ImportErrorKind::NotANumber { text: excerpt(t) }),
    }
}

/// A label's length and characters, as [`crate::scene::check_label`] checks them.
fn check_label_text(label: &str) -> Result<(), ImportErrorKind> {
    let chars = label.chars().count();
    if chars > MAX_LABEL {
        return Err(ImportErrorKind::LabelTooLong { chars, max: MAX_LABEL });
    }
    match crate::scene::label_control(label) {
        Some((position, c)) => Err(ImportErrorKind::LabelControl { code_point: u32::from(c), position }),
        None => Ok(()),
    }
}

fn is_number(f: &Field) -> bool {
    number(&f.text).is_ok()
}

/// Refuses a file of `bytes` bytes before it is read when it is over
/// [`MAX_IMPORT_BYTES`], naming the file and the limit (the page checks a
/// file's size before reading it, so a huge file is never loaded).
///
/// ```
/// use din_core::import::check_size;
/// assert!(check_size("items.csv", 1000.0).is_ok());
/// let e = check_size("huge.csv", 629145600.0).unwrap_err();
/// assert_eq!(e.to_string(), "huge.csv has 629145600 bytes; at most 67108864 (64 MiB) can be imported");
/// ```
///
/// # Errors
/// [`ImportErrorKind::TooLarge`] naming the file.
pub fn check_size(name: &str, bytes: f64) -> Result<(), ImportError> {
    if bytes.is_finite() && bytes >= 0.0 && bytes <= MAX_IMPORT_BYTES as f64 {
        return Ok(());
    }
    let shown = excerpt(name);
    // A size beyond usize (never on a real file) is reported as the largest.
    let bytes = if bytes.is_finite() && bytes >= 0.0 && bytes < usize::MAX as f64 { bytes as usize } else { usize::MAX };
    Err(ImportError::new(Some(&shown), None, None, ImportErrorKind::TooLarge { bytes, max: MAX_IMPORT_BYTES }))
}

/// Refuses texts over [`MAX_IMPORT_BYTES`], drops a leading BOM, and reads
/// a lone carriage return (classic Mac OS line ends) as a line end like
/// `\n` and `\r\n`.
fn prepare<'a>(text: &'a str, file: Option<&str>) -> Result<Cow<'a, str>, ImportError> {
    if text.len() > MAX_IMPORT_BYTES {
        return Err(ImportError::new(
            file,
            None,
            None,
            ImportErrorKind::TooLarge { bytes: text.len(), max: MAX_IMPORT_BYTES },
        ));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bytes = text.as_bytes();
    let lone_cr = bytes.iter().enumerate().any(|(i, &b)| b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
    Ok(if lone_cr { Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n")) } else { Cow::Borrowed(text) })
}

fn is_skipped(line: &str, skip_comments: bool) -> bool {
    let t = line.trim();
    t.is_empty() || (skip_comments && t.starts_with('#'))
}

/// The delimiter of the first line that is not skipped (see the module
/// documentation). Quoted fields are stepped over, so `"Smith, J.";1;2`
/// is read as semicolon-separated.
fn detect_delimiter(text: &str) -> char {
    let mut offset = 0;
    for line in text.split('\n') {
        if !is_skipped(line, true) {
            break;
        }
        offset += line.len() + 1;
    }
    let rest = text.get(offset..).unwrap_or("");
    let (mut tab, mut comma, mut semicolon) = (false, false, false);
    let mut chars = rest.chars().peekable();
    let (mut field_start, mut quoted) = (true, false);
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                } else {
                    quoted = false;
                }
            }
            continue;
        }
        match c {
            '\n' => break,
            '"' if field_start => {
                quoted = true;
                field_start = false;
            }
            '\t' => (tab, field_start) = (true, true),
            ',' => (comma, field_start) = (true, true),
            ';' => (semicolon, field_start) = (true, true),
            ' ' => {}
            _ => field_start = false,
        }
    }
    if tab {
        '\t'
    } else if comma || !semicolon {
        ','
    } else {
        ';'
    }
}

/// One field as read: its text (quotes removed), whether it was quoted, and
/// the line it starts on.
#[derive(Debug)]
struct Field {
    text: String,
    quoted: bool,
    line: usize,
}

/// One row: the line it starts on, its first fields and how many it has.
#[derive(Debug)]
struct Record {
    line: usize,
    /// At most [`KEPT_FIELDS`]; longer rows are refused by their `count`.
    fields: Vec<Field>,
    count: usize,
}

/// A label and [`MAX_D`] numbers: no accepted row has more fields.
const KEPT_FIELDS: usize = MAX_D + 1;

enum End {
    Delimiter,
    Line,
    Text,
}

/// Splits text into records, one at a time, tracking lines.
struct Reader<'a> {
    src: &'a str,
    pos: usize,
    line: usize,
    delimiter: char,
    file: Option<&'static str>,
    done: bool,
}

impl<'a> Reader<'a> {
    fn new(src: &'a str, delimiter: char, file: Option<&'static str>) -> Self {
        Reader { src, pos: 0, line: 1, delimiter, file, done: false }
    }

    fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn error(&self, kind: ImportErrorKind, line: usize, column: usize) -> ImportError {
        ImportError::new(self.file, Some(line), Some(column), kind)
    }

    /// Skips spaces (and tabs when they do not delimit).
    fn skip_blanks(&mut self, also_cr: bool) {
        while let Some(c) = self.peek() {
            let blank = c == ' ' || (c == '\t' && self.delimiter != '\t') || (also_cr && c == '\r');
            if !blank {
                break;
            }
            self.bump();
        }
    }

    fn end_of_field(&mut self) -> Option<End> {
        match self.peek() {
            None => Some(End::Text),
            Some('\n') => {
                self.bump();
                Some(End::Line)
            }
            Some(c) if c == self.delimiter => {
                self.bump();
                Some(End::Delimiter)
            }
            Some(_) => None,
        }
    }

    fn field(&mut self, column: usize) -> Result<(Field, End), ImportError> {
        self.skip_blanks(false);
        let line = self.line;
        if self.peek() == Some('"') {
            self.bump();
            let mut text = String::new();
            loop {
                match self.bump() {
                    None => return Err(self.error(ImportErrorKind::UnclosedQuote, line, column)),
                    Some('"') if self.peek() == Some('"') => {
                        self.bump();
                        text.push('"');
                    }
                    Some('"') => break,
                    Some(c) => text.push(c),
                }
            }
            self.skip_blanks(true);
            return match self.end_of_field() {
                Some(end) => Ok((Field { text, quoted: true, line }, end)),
                None => {
                    let stray = self.rest().split(['\n', self.delimiter]).next().unwrap_or("");
                    let kind = ImportErrorKind::TextAfterQuote { text: excerpt(stray.trim_end()) };
                    Err(self.error(kind, self.line, column))
                }
            };
        }
        let start = self.pos;
        loop {
            let here = self.pos;
            if let Some(end) = self.end_of_field() {
                let text = self.src.get(start..here).unwrap_or("").to_owned();
                return Ok((Field { text, quoted: false, line }, end));
            }
            self.bump();
        }
    }

    /// The next record, skipping blank and comment lines; `None` at the end.
    fn record(&mut self) -> Result<Option<Record>, ImportError> {
        loop {
            if self.pos >= self.src.len() {
                return Ok(None);
            }
            let line_text = self.rest().split('\n').next().unwrap_or("");
            if !is_skipped(line_text, true) {
                break;
            }
            self.pos += line_text.len();
            self.bump();
        }
        let line = self.line;
        let mut fields = Vec::new();
        let mut count = 0;
        loop {
            let (field, end) = self.field(count + 1)?;
            count += 1;
            if fields.len() < KEPT_FIELDS {
                fields.push(field);
            }
            if !matches!(end, End::Delimiter) {
                return Ok(Some(Record { line, fields, count }));
            }
        }
    }
}

impl Iterator for Reader<'_> {
    type Item = Result<Record, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let r = self.record().transpose();
        if !matches!(r, Some(Ok(_))) {
            self.done = true;
        }
        r
    }
}

/// How a CSV/TSV text was read, for the note shown after an import.
#[derive(Clone, Debug, PartialEq)]
struct Table {
    items: Vec<Item>,
    delimiter: char,
    header: bool,
    numbers_only: bool,
}

/// Turns records into items: every row has the first data row's `d`
/// numbers; labels come from column 1 unless `numbers_only`.
fn collect_items(
    records: impl Iterator<Item = Result<Record, ImportError>>,
    numbers_only: bool,
    file: Option<&'static str>,
) -> Result<Vec<Item>, ImportError> {
    let at = |kind, line, column| ImportError::new(file, Some(line), column, kind);
    let mut items: Vec<Item> = Vec::new();
    let mut shape: Option<(usize, usize)> = None;
    for record in records {
        let record = record?;
        let got = if numbers_only { record.count } else { record.count.saturating_sub(1) };
        match shape {
            None => {
                if got == 0 {
                    return Err(at(ImportErrorKind::NoNumbers, record.line, None));
                }
                if got > MAX_D {
                    return Err(at(ImportErrorKind::TooManyDims { got, max: MAX_D }, record.line, None));
                }
                shape = Some((got, record.line));
            }
            Some((want, first_line)) => {
                if items.len() >= MAX_N {
                    return Err(at(ImportErrorKind::TooManyItems { max: MAX_N }, record.line, None));
                }
                if got != want {
                    return Err(at(ImportErrorKind::RaggedRow { got, want, first_line }, record.line, None));
                }
            }
        }
        let mut fields = record.fields.into_iter();
        let label = if numbers_only {
            format!("item {}", items.len() + 1)
        } else {
            match fields.next() {
                Some(f) => {
                    let label = if f.quoted { f.text } else { f.text.trim().to_owned() };
                    // The apostrophe the exports put before formula-like labels.
                    let label = match crate::export::formula_unguard(&label) {
                        unguarded if unguarded.len() < label.len() => unguarded.to_owned(),
                        _ => label,
                    };
                    check_label_text(&label).map_err(|kind| at(kind, f.line, Some(1)))?;
                    label
                }
                None => String::new(),
            }
        };
        let first_column = if numbers_only { 1 } else { 2 };
        let mut vector = Vec::with_capacity(got);
        for (k, f) in fields.enumerate() {
            vector.push(number(&f.text).map_err(|kind| at(kind, f.line, Some(first_column + k)))?);
        }
        let color = u16::try_from(items.len()).unwrap_or(u16::MAX);
        items.push(Item { label, vector, color });
    }
    if items.is_empty() {
        return Err(ImportError::new(file, None, None, ImportErrorKind::Empty));
    }
    Ok(items)
}

/// Whether `first` is a header row, given the row after it; and whether it
/// declares column 1 to hold labels (first field `label`).
fn header_of(first: &Record, next: Option<&Record>) -> (bool, bool) {
    let named = first.fields.first().is_some_and(|f| f.text.trim().eq_ignore_ascii_case("label"));
    if named {
        return (true, true);
    }
    let words = first.fields.iter().all(|f| !is_number(f));
    let data_follows = next.is_some_and(|r| r.fields.iter().skip(1).all(is_number));
    (words && data_follows, false)
}

fn parse_table(text: &str) -> Result<Table, ImportError> {
    parse_prepared_table(&prepare(text, None)?)
}

/// [`parse_table`] of a text [`prepare`] has seen.
fn parse_prepared_table(text: &str) -> Result<Table, ImportError> {
    let delimiter = detect_delimiter(text);
    let mut reader = Reader::new(text, delimiter, None);
    let empty = || ImportError::new(None, None, None, ImportErrorKind::Empty);
    let first = reader.next().ok_or_else(empty)??;
    let second = reader.next().transpose()?;
    let (header, labelled) = header_of(&first, second.as_ref());
    let (data, pending) = if header { (second, None) } else { (Some(first), second) };
    let data = data.ok_or_else(empty)?;
    let numbers_only = !labelled && data.fields.first().is_some_and(is_number);
    let records = std::iter::once(data).chain(pending).map(Ok).chain(reader);
    let items = collect_items(records, numbers_only, None)?;
    Ok(Table { items, delimiter, header, numbers_only })
}

/// Reads LastN items from CSV or TSV text: one item per row, a label and
/// then `d` numbers (see the module documentation for every rule).
///
/// ```
/// use din_core::import::parse_items;
/// let items = parse_items("label\tx1\tx2\nramen\t0.5\t1.2\n\"SUV, big\"\t-1\t3e-2\n").unwrap();
/// assert_eq!(items.len(), 2);
/// assert_eq!(items[1].label, "SUV, big");
/// assert_eq!(items[1].vector, vec![-1.0, 0.03]);
/// // Numbers only: labels are made up.
/// assert_eq!(parse_items("0.5,1\n2,3\n").unwrap()[1].label, "item 2");
/// let e = parse_items("a,1,2\nb,3,x\n").unwrap_err();
/// assert_eq!(e.to_string(), "line 2, column 3: \"x\" is not a number");
/// ```
///
/// # Errors
/// An [`ImportError`] naming the line and column of the first problem.
pub fn parse_items(text: &str) -> Result<Vec<Item>, ImportError> {
    parse_table(text).map(|t| t.items)
}

/// Reads the TensorFlow Embedding Projector's two files: `vectors.tsv`
/// (tab-separated numbers, one row per item, no header, no labels) and
/// `metadata.tsv` (one label per line; when its first line has more than
/// one tab-separated column, that line is a header and labels are the
/// first column).
///
/// Blank lines are skipped in both files (so an empty label cannot be
/// given), and so are lines starting with `#` in `vectors.tsv`; metadata
/// lines are taken as they are (trimmed, no quote handling), as the
/// projector writes them. An empty (or blank)
/// `metadata` means there is no metadata file: items are named
/// `item 1`, `item 2`, ...
///
/// ```
/// use din_core::import::parse_projector;
/// let items = parse_projector("0.1\t0.2\n0.3\t0.4\n", "word\tcount\nramen\t3\nsushi\t5\n").unwrap();
/// assert_eq!(items[1].label, "sushi");
/// assert_eq!(items[1].vector, vec![0.3, 0.4]);
/// let e = parse_projector("1\t2\n3\t4\n", "ramen\n").unwrap_err();
/// assert_eq!(e.to_string(), "metadata.tsv has 1 label, but vectors.tsv has 2 rows");
/// ```
///
/// # Errors
/// An [`ImportError`] naming the file, and the line and column where one
/// applies; [`ImportErrorKind::CountMismatch`] when the counts differ.
pub fn parse_projector(vectors: &str, metadata: &str) -> Result<Vec<Item>, ImportError> {
    let text = prepare(vectors, Some(VECTORS))?;
    let mut items = collect_items(Reader::new(&text, '\t', Some(VECTORS)), true, Some(VECTORS))?;
    let metadata = prepare(metadata, Some(METADATA))?;
    if metadata.trim().is_empty() {
        return Ok(items);
    }
    let mut lines = metadata.split('\n').enumerate().filter(|(_, l)| !l.trim().is_empty()).peekable();
    let header = lines.peek().is_some_and(|(_, l)| l.contains('\t'));
    if header {
        lines.next();
    }
    let mut count = 0;
    for (i, line) in lines {
        let label = line.split('\t').next().unwrap_or("").trim();
        if let Some(item) = items.get_mut(count) {
            check_label_text(label).map_err(|kind| ImportError::new(Some(METADATA), Some(i + 1), Some(1), kind))?;
            label.clone_into(&mut item.label);
        }
        count += 1;
    }
    if count != items.len() {
        let kind = ImportErrorKind::CountMismatch { labels: count, rows: items.len() };
        return Err(ImportError::new(None, None, None, kind));
    }
    Ok(items)
}


fn items_en(n: usize) -> String {
    plural(n, "item", "items")
}

/// Imports the text of the page's import box into the current scene.
///
/// * Text whose first non-blank character is `{` is a scene JSON (as
///   `Scene::to_json` writes it; the page's state with extra keys also
///   works). It must contain `items` and `query`; its other fields are
///   optional and patch `current` as [`Scene::with_patch`] does.
/// * Anything else is CSV/TSV read by [`parse_items`]. The items are
///   replaced, the scene is named `imported`, the candidate is cleared and
///   the settings are kept. `q` is kept when its `d` equals the new `d`;
///   otherwise it becomes the mean of the imported items, each component
///   rounded to 3 decimals. If the activation unit was in use and `d`
///   changed, alpha falls back to the similarity (the unit is trained for
///   one `d`).
///
/// Returns the new scene, its attention, and a note saying what was
/// imported, in English and in Chinese.
///
/// ```
/// use din_core::import::import_text;
/// use din_core::presets::default_scene;
/// let (s, att, en, zh) = import_text("name,a,b\nx,1,0\ny,0,1\n", &default_scene()).unwrap();
/// assert_eq!(s.name, "imported");
/// assert_eq!(s.query, vec![0.5, 0.5]);
/// assert_eq!(att.alpha.len(), 2);
/// assert_eq!(en, "Imported 2 items with d = 2 (comma-separated; header row skipped). \
///                 q had d = 8, so q is now the mean of the imported items, rounded to 3 decimals.");
/// assert!(zh.starts_with("已导入 2 个物品，d = 2"));
/// ```
///
/// # Errors
/// [`ImportError`]: a CSV/TSV problem with its line and column; for JSON,
/// [`ImportErrorKind::Json`] (malformed, or a field refused, named in the
/// message) or [`ImportErrorKind::MissingField`]; and
/// [`ImportErrorKind::Scene`] when the imported items cannot be shown.
pub fn import_text(text: &str, current: &Scene) -> Result<(Scene, Attention, String, String), ImportError> {
    import_text_full(text, current).map(|i| (i.scene, i.attention, i.en, i.zh))
}

/// What [`import_text_full`] imported.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    /// The new scene.
    pub scene: Scene,
    /// Its attention.
    pub attention: Attention,
    /// A note saying what was imported, in English.
    pub en: String,
    /// The same in Chinese.
    pub zh: String,
    /// For a JSON state, its keys that are not the scene's (`lang`, `step`,
    /// `theme`, `font`, `panels`, ...), for the caller to apply; `None` for CSV/TSV.
    pub view: Option<serde_json::Map<String, serde_json::Value>>,
}

/// [`import_text`], also returning the view keys of a JSON state. A JSON
/// state with a key that is not a state key is refused, as `din.setState`
/// refuses it ([`crate::options::check_state_keys`]).
///
/// # Errors
/// As [`import_text`]; [`ImportErrorKind::UnknownKey`] for an unknown key.
pub fn import_text_full(text: &str, current: &Scene) -> Result<Imported, ImportError> {
    let body = prepare(text, None)?;
    if body.trim_start().starts_with('{') {
        return import_json(&body, current);
    }
    // Only the one leading byte order mark that prepare dropped is ignored.
    let table = parse_prepared_table(&body)?;
    let n = table.items.len();
    let d = table.items.first().map_or(0, |it| it.vector.len());
    let old_d = current.dim();
    let mut next = current.clone();
    next.name = "imported".to_owned();
    next.candidate = String::new();
    let keys: Vec<f64> = table.items.iter().flat_map(|it| it.vector.iter().copied()).collect();
    next.items = table.items;
    let (sep_en, sep_zh) = match table.delimiter {
        '\t' => ("tab-separated", "制表符分隔"),
        ';' => ("semicolon-separated", "分号分隔"),
        _ => ("comma-separated", "逗号分隔"),
    };
    let (mut how_en, mut how_zh) = (vec![sep_en.to_owned()], vec![sep_zh.to_owned()]);
    if table.header {
        how_en.push("header row skipped".to_owned());
        how_zh.push("已跳过表头行".to_owned());
    }
    if table.numbers_only {
        how_en.push(if n == 1 {
            "no labels, so the item is named item 1".to_owned()
        } else {
            format!("no labels, so the items are named item 1 to item {n}")
        });
        how_zh.push(if n == 1 {
            "没有标签，物品命名为 item 1".to_owned()
        } else {
            format!("没有标签，物品依次命名为 item 1 到 item {n}")
        });
    }
    let mut en = format!("Imported {} with d = {d} ({}).", items_en(n), how_en.join("; "));
    let mut zh = format!("已导入 {n} 个物品，d = {d}（{}）。", how_zh.join("；"));
    if d != old_d {
        next.query = mean(&keys, d).into_iter().map(round3).collect();
        en.push_str(&format!(
            " q had d = {old_d}, so q is now the mean of the imported items, rounded to 3 decimals."
        ));
        zh.push_str(&format!("原来的 q 的维度是 d = {old_d}，因此 q 改为导入物品的平均值（保留 3 位小数）。"));
        if next.definition != Definition::Similarity {
            next.definition = Definition::Similarity;
            let sim = next.similarity.name();
            en.push_str(&format!(" The activation unit needs d = {old_d}, so alpha now uses the {sim} similarity."));
            zh.push_str(&format!("激活单元需要 d = {old_d}，因此 α 改用 {sim} 相似度。"));
        }
    }
    let att = next.validate().map_err(|e| ImportError::new(None, None, None, ImportErrorKind::Scene(Box::new(e))))?;
    Ok(Imported { scene: next, attention: att, en, zh, view: None })
}

/// The keys of a state that belong to the scene (the rest are the view's).
const SCENE_KEYS: [&str; 9] = ["scene", "candidate", "query", "items", "similarity", "activation", "maxLen", "normalization", "temperature"];

fn import_json(text: &str, current: &Scene) -> Result<Imported, ImportError> {
    let wrap = |e: SceneError| {
        let (line, column) = match &e {
            SceneError::Json { line, column, .. } => (Some(*line), Some(*column)),
            _ => (None, None),
        };
        ImportError::new(None, line, column, ImportErrorKind::Json(Box::new(e)))
    };
    let value = parse_state(text).map_err(wrap)?;
    if let Err(m) = crate::options::check_state_keys(&value, "scene JSON") {
        return Err(ImportError::new(None, None, None, ImportErrorKind::UnknownKey(Box::new(m))));
    }
    for field in ["items", "query"] {
        if value.get(field).is_none() {
            return Err(ImportError::new(None, None, None, ImportErrorKind::MissingField { field }));
        }
    }
    let (scene, att) = current.with_patch(&value).map_err(wrap)?;
    let (n, d) = (scene.items.len(), scene.dim());
    let en = format!("Imported the scene \"{}\" from JSON: {} with d = {d}.", scene.name, items_en(n));
    let zh = format!("已从 JSON 导入场景“{}”：{n} 个物品，d = {d}。", scene.name);
    let view: serde_json::Map<String, serde_json::Value> = match value {
        serde_json::Value::Object(m) => m.into_iter().filter(|(k, _)| !SCENE_KEYS.contains(&k.as_str())).collect(),
        _ => serde_json::Map::new(),
    };
    Ok(Imported { scene, attention: att, en, zh, view: Some(view) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use crate::presets::{default_scene, preset};

    fn err(text: &str) -> ImportError {
        match parse_items(text) {
            Ok(items) => panic!("accepted {text:?} as {items:?}"),
            Err(e) => e,
        }
    }

    fn en(e: &ImportError) -> String {
        e.message(Lang::En)
    }

    fn zh(e: &ImportError) -> String {
        e.message(Lang::Zh)
    }

    /// `rows` rows of `label,d numbers`, deterministic, no header.
    fn generated_csv(rows: usize, d: usize) -> String {
        let mut s = String::new();
        for i in 0..rows {
            s.push_str(&format!("item-{i}"));
            for k in 0..d {
                s.push_str(&format!(",{}", ((i * 31 + k * 7) % 97) as f64 / 10.0 - 4.0));
            }
            s.push('\n');
        }
        s
    }

    #[test]
    fn generated_100_by_16_imports() {
        let text = generated_csv(100, 16);
        let items = parse_items(&text).unwrap();
        assert_eq!(items.len(), 100);
        assert!(items.iter().all(|it| it.vector.len() == 16));
        assert_eq!(items[0].label, "item-0");
        assert_eq!(items[99].label, "item-99");
        assert_eq!(items[3].vector[2], ((3 * 31 + 2 * 7) % 97) as f64 / 10.0 - 4.0);
        let (s, att, en, _) = import_text(&text.replace(',', "\t"), &default_scene()).unwrap();
        assert_eq!((s.items.len(), s.dim(), att.alpha.len()), (100, 16, 100));
        assert!(en.starts_with("Imported 100 items with d = 16 (tab-separated)."), "{en}");
    }

    #[test]
    fn bad_value_at_row_57_names_line_and_column() {
        let mut lines: Vec<String> = generated_csv(100, 16).lines().map(str::to_owned).collect();
        let mut fields: Vec<String> = lines[56].split(',').map(str::to_owned).collect();
        fields[3] = "abc".to_owned();
        lines[56] = fields.join(",");
        let e = err(&lines.join("\n"));
        assert_eq!((e.line, e.column), (Some(57), Some(4)));
        assert_eq!(en(&e), "line 57, column 4: \"abc\" is not a number");
        assert_eq!(zh(&e), "第 57 行第 4 列：\"abc\" 不是数");
        assert_eq!(e.code(), "E_IMPORT_NOT_A_NUMBER");
        // With a header, a comment and a blank line in front it moves to line 60.
        let e = err(&format!("label,a\n# made by hand\n\n{}", lines.join("\n")));
        assert_eq!((e.line, e.column), (Some(60), Some(4)));
    }

    #[test]
    fn number_errors() {
        let e = err("a,1,\n");
        assert_eq!(en(&e), "line 1, column 3 is empty: a number is needed");
        assert_eq!(zh(&e), "第 1 行第 3 列为空：这里需要一个数");
        assert_eq!(e.code(), "E_IMPORT_EMPTY_FIELD");
        let e = err("a,1\nb,NaN\n");
        assert_eq!(en(&e), "line 2, column 2: \"NaN\" is not a finite number");
        assert_eq!(zh(&e), "第 2 行第 2 列：\"NaN\" 不是有限数");
        assert_eq!(e.code(), "E_IMPORT_NOT_FINITE");
        assert_eq!(err("a,1\nb,-inf\n").code(), "E_IMPORT_NOT_FINITE");
        let e = err("a,1\nb,1e999\n");
        assert_eq!(en(&e), "line 2, column 2: 1e999 is too large; numbers must lie between -1.7e308 and 1.7e308");
        assert_eq!(zh(&e), "第 2 行第 2 列：1e999 太大；数必须在 -1.7e308 到 1.7e308 之间");
        assert_eq!(e.code(), "E_IMPORT_NUMBER_TOO_LARGE");
        let e = err("a;1;2\nb;0,5;1\n");
        assert_eq!(en(&e), "line 2, column 2: \"0,5\" uses a comma as decimal separator; write 0.5");
        assert_eq!(zh(&e), "第 2 行第 2 列：\"0,5\" 用逗号作小数点；请写成 0.5");
        assert_eq!(e.code(), "E_IMPORT_DECIMAL_COMMA");
        // Long offending text is cut to 40 characters, the last one `…`.
        let long = "x".repeat(100);
        let e = err(&format!("a,1\nb,{long}\n"));
        let want = format!("line 2, column 2: \"{}…\" is not a number", "x".repeat(39));
        assert_eq!(en(&e), want);
        // parse_number's extras are accepted.
        assert_eq!(parse_items("a, −0.5 ,+2,3e-2\n").unwrap()[0].vector, vec![-0.5, 2.0, 0.03]);
    }

    #[test]
    fn ragged_rows_and_shape_errors() {
        let mut text = generated_csv(11, 16);
        text.push_str("short,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n");
        let e = err(&text);
        assert_eq!(en(&e), "line 12 has 15 numbers, but line 1 has 16");
        assert_eq!(zh(&e), "第 12 行有 15 个数，但第 1 行有 16 个");
        assert_eq!(e.code(), "E_IMPORT_RAGGED_ROW");
        assert_eq!(en(&err("a,1,2\nb,3\n")), "line 2 has 1 number, but line 1 has 2");
        // Header rows are not data rows: the first data row is the reference.
        assert_eq!(en(&err("label,x\n\na,1\nb,1,2\n")), "line 4 has 2 numbers, but line 3 has 1");

        let e = err("ramen\n");
        assert_eq!(en(&e), "line 1 has a label but no numbers; each row needs a label and at least one number");
        assert_eq!(zh(&e), "第 1 行只有标签没有数；每行需要一个标签和至少一个数");
        assert_eq!(e.code(), "E_IMPORT_NO_NUMBERS");

        let wide = format!("a{}\n", ",1".repeat(MAX_D + 1));
        let e = err(&wide);
        assert_eq!(en(&e), "line 1 has 257 numbers; at most 256 are allowed (d <= 256)");
        assert_eq!(zh(&e), "第 1 行有 257 个数；最多允许 256 个（d ≤ 256）");
        assert_eq!(e.code(), "E_IMPORT_TOO_MANY_DIMS");
        assert_eq!(parse_items(&format!("a{}\n", ",1".repeat(MAX_D))).unwrap()[0].vector.len(), MAX_D);
        // A huge row is refused by its count without keeping every field.
        let e = err(&format!("a,1\nb{}\n", ",1".repeat(100_000)));
        assert_eq!(en(&e), "line 2 has 100000 numbers, but line 1 has 1");
    }

    #[test]
    fn empty_too_many_and_too_large() {
        for text in ["", "\n\n", "# only a comment\n", "\u{feff}", "label,x1\n"] {
            let e = err(text);
            assert_eq!(e.kind, ImportErrorKind::Empty, "{text:?}");
            assert_eq!(
                en(&e),
                "the text contains no items: write one item per line, a label and then its numbers, e.g. ramen,0.5,1.2"
            );
            assert_eq!(zh(&e), "文本中没有物品：每行写一个物品，先写标签再写数，例如 ramen,0.5,1.2");
            assert_eq!(e.code(), "E_IMPORT_EMPTY");
        }
        let max = "1\n".repeat(MAX_N);
        assert_eq!(parse_items(&max).unwrap().len(), MAX_N);
        let e = err(&format!("{max}1\n"));
        assert_eq!(en(&e), "line 10001: this is item 10001; at most 10000 items are allowed");
        assert_eq!(zh(&e), "第 10001 行：这是第 10001 个物品；最多允许 10000 个物品");
        assert_eq!(e.code(), "E_IMPORT_TOO_MANY_ITEMS");

        let big = " ".repeat(MAX_IMPORT_BYTES + 1);
        let e = err(&big);
        assert_eq!(en(&e), "the text has 67108865 bytes; at most 67108864 (64 MiB) can be imported");
        assert_eq!(zh(&e), "文本有 67108865 字节；最多可导入 67108864 字节（64 MiB）");
        assert_eq!(e.code(), "E_IMPORT_TOO_LARGE");
        let e = parse_projector(&big, "").unwrap_err();
        assert_eq!(en(&e), "vectors.tsv has 67108865 bytes; at most 67108864 (64 MiB) can be imported");
        assert_eq!(zh(&e), "vectors.tsv 有 67108865 字节；最多可导入 67108864 字节（64 MiB）");
        assert_eq!(import_text(&big, &default_scene()).unwrap_err().code(), "E_IMPORT_TOO_LARGE");
    }

    #[test]
    fn labels() {
        let ok = "é".repeat(MAX_LABEL); // 200 characters, 400 bytes
        assert_eq!(parse_items(&format!("{ok},1\n")).unwrap()[0].label, ok);
        let e = err(&format!("a,1\n{}x,2\n", ok));
        assert_eq!(en(&e), "line 2, column 1: the label has 201 characters; at most 200 are allowed");
        assert_eq!(zh(&e), "第 2 行第 1 列：标签有 201 个字符；最多允许 200 个");
        assert_eq!(e.code(), "E_IMPORT_LABEL_TOO_LONG");
        // Unquoted labels are trimmed, quoted ones kept exactly.
        let items = parse_items("  ramen  ,1\n\"  sushi \",2\n").unwrap();
        assert_eq!(items[0].label, "ramen");
        assert_eq!(items[1].label, "  sushi ");
    }

    #[test]
    fn quoting() {
        let text = "label,x1\n\"a, b\",1\n\"say \"\"hi\"\"\",2\n  \"spaced\"  ,4\n\"\",5\n";
        let items = parse_items(text).unwrap();
        let labels: Vec<&str> = items.iter().map(|it| it.label.as_str()).collect();
        assert_eq!(labels, ["a, b", "say \"hi\"", "spaced", ""]);
        assert_eq!(items[3].vector, vec![5.0]);
        // A label is one line of text: a quoted line break is refused where it is.
        let e = err("label,x1\n\"a\",1\n\"two\nlines\",3\n");
        assert_eq!((e.line, e.column), (Some(3), Some(1)));
        assert_eq!(en(&e), "line 3, column 1: the label contains U+000A (a line break) at character 4; labels are one line of text, without control characters");
        assert_eq!(e.code(), "E_IMPORT_LABEL_CONTROL");
        // A quoted number is a number; a stray quote inside an unquoted field is text.
        assert_eq!(parse_items("a,\"1.5\"\n").unwrap()[0].vector, vec![1.5]);
        assert_eq!(parse_items("5\" screen,1\n").unwrap()[0].label, "5\" screen");
        // Lines after a multi-line quoted field are counted.
        let e = err("a,\"1\n\n\",2\nd,x,3\n");
        assert_eq!((e.line, e.column), (Some(4), Some(2)));

        let e = err("a,1\n\"open,2\nb,3\n");
        assert_eq!(en(&e), "line 2, column 1: a quote opens here and is never closed");
        assert_eq!(zh(&e), "第 2 行第 1 列：这里的引号没有闭合");
        assert_eq!(e.code(), "E_IMPORT_UNCLOSED_QUOTE");
        let e = err("a,1\n\"b\"c,2\n");
        assert_eq!(en(&e), "line 2, column 1: \"c\" follows the closing quote; inside quotes, write \"\" for a quote");
        assert_eq!(zh(&e), "第 2 行第 1 列：右引号后面还有 \"c\"；在引号内请用 \"\" 表示一个引号");
        assert_eq!(e.code(), "E_IMPORT_TEXT_AFTER_QUOTE");
    }

    #[test]
    fn delimiters() {
        let t = parse_table("a\t1,5\t2\n").unwrap_err();
        assert_eq!(t.code(), "E_IMPORT_DECIMAL_COMMA", "a tab wins over a comma");
        assert_eq!(parse_table("a;1;2\n").unwrap().delimiter, ';');
        assert_eq!(parse_table("a,1;2\n").unwrap_err().code(), "E_IMPORT_NOT_A_NUMBER");
        // A quoted comma does not make a semicolon file comma-separated.
        let t = parse_table("\"Smith, J.\";1;2\n").unwrap();
        assert_eq!((t.delimiter, t.items[0].label.as_str()), (';', "Smith, J."));
        // d = 1 numbers only: no delimiter at all.
        let t = parse_table("1\n2\n").unwrap();
        assert_eq!((t.delimiter, t.items.len(), t.numbers_only), (',', 2, true));
        // Detection looks past blank and comment lines.
        assert_eq!(parse_table("\n# a, b\nx\t1\n").unwrap().delimiter, '\t');
    }

    #[test]
    fn header_detection() {
        let t = parse_table("name,x,y\na,1,2\n").unwrap();
        assert!(t.header && !t.numbers_only);
        assert_eq!(t.items.len(), 1);
        // `label` is a header even without data after it, and makes column 1 labels.
        let t = parse_table("label,x1\n42,1\n7,2\n").unwrap();
        assert!(t.header && !t.numbers_only);
        assert_eq!(t.items[0].label, "42");
        assert_eq!(t.items[1].label, "7");
        // Numbers in the first row: not a header (the row is an item).
        let t = parse_table("id,1,2\na,3,4\n").unwrap();
        assert!(!t.header);
        assert_eq!(t.items[0].label, "id");
        // A header needs a data row after it: a typo on the only row is an error.
        assert_eq!(en(&err("a,x,y\n")), "line 1, column 2: \"x\" is not a number");
        // A header over numbers only.
        let t = parse_table("x1\tx2\n0.1\t0.2\n").unwrap();
        assert!(t.header && t.numbers_only);
        assert_eq!(t.items[0].label, "item 1");
        // A second word row: the first is not a header and reports its error.
        assert_eq!(err("a,x\nb,y\n").line, Some(1));
    }

    #[test]
    fn bom_crlf_and_skipped_lines() {
        let text = "\u{feff}label,x1,x2\r\n# comment\r\n\r\nramen,1,2\r\n\"sushi\",3,4\r\n  \t \r\nudon,5,6";
        let items = parse_items(text).unwrap();
        assert_eq!(items.len(), 3);
        assert_eq!(items[0], Item::new("ramen", &[1.0, 2.0]));
        assert_eq!(items[1], Item::new("sushi", &[3.0, 4.0]).with_color(1));
        assert_eq!(items[2], Item::new("udon", &[5.0, 6.0]).with_color(2));
        let e = err("\u{feff}a,1\r\nb,x\r\n");
        assert_eq!(en(&e), "line 2, column 2: \"x\" is not a number");
    }

    #[test]
    fn numbers_only_file() {
        let text = "0.1\t0.2\t0.3\n-1\t0\t2e3\n";
        let t = parse_table(text).unwrap();
        assert!(t.numbers_only && !t.header);
        assert_eq!(t.items[0], Item::new("item 1", &[0.1, 0.2, 0.3]));
        assert_eq!(t.items[1], Item::new("item 2", &[-1.0, 0.0, 2000.0]).with_color(1));
        let e = err("1\t2\nx\t3\n");
        assert_eq!(en(&e), "line 2, column 1: \"x\" is not a number");
        assert_eq!(en(&err("1\t2\n3\n")), "line 2 has 1 number, but line 1 has 2");
    }

    #[test]
    fn projector_pair() {
        let vectors = "0.1\t0.2\n0.3\t0.4\n\n0.5\t0.6\n";
        let items = parse_projector(vectors, "ramen\nsushi\nudon\n").unwrap();
        assert_eq!(items[2], Item::new("udon", &[0.5, 0.6]).with_color(2));
        // Multi-column metadata: header line, first column, CRLF and BOM.
        let meta = "\u{feff}word\tfreq\r\nramen\t3\r\nsushi\t5\r\nudon\t1\r\n";
        let items = parse_projector(vectors, meta).unwrap();
        let labels: Vec<&str> = items.iter().map(|it| it.label.as_str()).collect();
        assert_eq!(labels, ["ramen", "sushi", "udon"]);
        // No metadata: made-up labels.
        assert_eq!(parse_projector(vectors, "").unwrap()[1].label, "item 2");

        let e = parse_projector(vectors, "a\nb\n").unwrap_err();
        assert_eq!(en(&e), "metadata.tsv has 2 labels, but vectors.tsv has 3 rows");
        assert_eq!(zh(&e), "metadata.tsv 有 2 个标签，但 vectors.tsv 有 3 行");
        assert_eq!(e.code(), "E_IMPORT_COUNT_MISMATCH");
        let e = parse_projector(vectors, "w\tf\na\t1\nb\t2\nc\t3\nd\t4\n").unwrap_err();
        assert_eq!(en(&e), "metadata.tsv has 4 labels, but vectors.tsv has 3 rows");
        // 100 rows and 99 labels, as in the brief.
        let e = parse_projector(&"1\t2\n".repeat(100), &"w\n".repeat(99)).unwrap_err();
        assert_eq!(en(&e), "metadata.tsv has 99 labels, but vectors.tsv has 100 rows");

        let e = parse_projector("0.1\t0.2\n0.3\tabc\n", "a\nb\n").unwrap_err();
        assert_eq!(en(&e), "vectors.tsv, line 2, column 2: \"abc\" is not a number");
        assert_eq!(zh(&e), "vectors.tsv 第 2 行第 2 列：\"abc\" 不是数");
        assert_eq!(e.file.as_deref(), Some("vectors.tsv"));
        let e = parse_projector("1\t2\n3\n", "").unwrap_err();
        assert_eq!(en(&e), "vectors.tsv: line 2 has 1 number, but line 1 has 2");
        assert_eq!(zh(&e), "vectors.tsv：第 2 行有 1 个数，但第 1 行有 2 个");
        let e = parse_projector("\n", "a\n").unwrap_err();
        assert_eq!(en(&e), "vectors.tsv contains no rows of numbers");
        assert_eq!(zh(&e), "vectors.tsv 中没有数据行");
        let e = parse_projector("1\n2\n", &format!("a\n{}\n", "x".repeat(201))).unwrap_err();
        assert_eq!(en(&e), "metadata.tsv, line 2, column 1: the label has 201 characters; at most 200 are allowed");
        // A labelled CSV passed as vectors.tsv says where it went wrong.
        let e = parse_projector("ramen\t1\n", "").unwrap_err();
        assert_eq!(en(&e), "vectors.tsv, line 1, column 1: \"ramen\" is not a number");
    }

    #[test]
    fn import_csv_keeps_settings_and_query_when_d_matches() {
        let cur = default_scene();
        let text = "a,1,0,0,0,0,0,0,0\nb,0,1,0,0,0,0,0,0\n";
        let (s, att, en, zh) = import_text(text, &cur).unwrap();
        assert_eq!(s.query, cur.query);
        assert_eq!((s.similarity, s.normalization, s.temperature), (cur.similarity, cur.normalization, cur.temperature));
        assert_eq!(s.name, "imported");
        assert_eq!(s.candidate, "");
        assert_eq!(att.alpha.len(), 2);
        assert_eq!(en, "Imported 2 items with d = 8 (comma-separated).");
        assert_eq!(zh, "已导入 2 个物品，d = 8（逗号分隔）。");
        let (_, _, en, zh) = import_text("0.5\t1\n", &cur).unwrap();
        assert_eq!(
            en,
            "Imported 1 item with d = 2 (tab-separated; no labels, so the item is named item 1). \
             q had d = 8, so q is now the mean of the imported items, rounded to 3 decimals."
        );
        assert_eq!(
            zh,
            "已导入 1 个物品，d = 2（制表符分隔；没有标签，物品命名为 item 1）。\
             原来的 q 的维度是 d = 8，因此 q 改为导入物品的平均值（保留 3 位小数）。"
        );
    }

    #[test]
    fn import_csv_new_d_takes_rounded_mean() {
        let (s, _, _, _) = import_text("a,1,0.0001,2\nb,0,0.0002,0\nc,0,0,0\n", &default_scene()).unwrap();
        assert_eq!(s.query, vec![0.333, 0.0, 0.667]);
        assert_eq!(s.query[1].to_bits(), 0f64.to_bits(), "no -0");
        // The activation unit cannot take another d: alpha falls back to the similarity.
        let unit = preset("interest-intensity").unwrap().scene;
        assert_eq!(unit.definition, Definition::Unit);
        let (s, _, en, zh) = import_text("a,1,2\n", &unit).unwrap();
        assert_eq!(s.definition, Definition::Similarity);
        assert!(en.ends_with(" The activation unit needs d = 8, so alpha now uses the dot similarity."), "{en}");
        assert!(zh.ends_with("激活单元需要 d = 8，因此 α 改用 dot 相似度。"), "{zh}");
        // Same d: the unit stays.
        let (s, _, _, _) = import_text("a,1,0,0,0,0,0,0,0\n", &unit).unwrap();
        assert_eq!(s.definition, Definition::Unit);
    }

    #[test]
    fn import_csv_unusable_items() {
        let e = import_text("a,1e200,1e200\n", &default_scene()).unwrap_err();
        assert_eq!(e.code(), "E_IMPORT_SCENE");
        assert!(en(&e).starts_with("the imported items cannot be used: the similarity of the query and key 1"), "{}", en(&e));
        assert!(zh(&e).starts_with("导入的物品无法使用："), "{}", zh(&e));
        assert_eq!(import_text("  \n", &default_scene()).unwrap_err().kind, ImportErrorKind::Empty);
    }

    #[test]
    fn import_json_scenes() {
        let cur = default_scene();
        let mut src = preset("interest-intensity").unwrap().scene;
        src.name = "saved".to_owned();
        let json = src.to_json().to_string();
        let (s, att, note_en, note_zh) = import_text(&format!("\u{feff}  \n{json}"), &cur).unwrap();
        assert_eq!(s, src);
        assert_eq!(att, src.validate().unwrap());
        assert_eq!(note_en, "Imported the scene \"saved\" from JSON: 10 items with d = 8.");
        assert_eq!(note_zh, "已从 JSON 导入场景“saved”：10 个物品，d = 8。");
        // The page's state, with keys the scene does not know.
        let state = r#"{"lang": "zh", "theme": "dark", "query": [1, 0], "items": [{"label": "a", "vector": [1, 0]}]}"#;
        let (s, _, _, _) = import_text(state, &cur).unwrap();
        assert_eq!((s.dim(), s.items.len()), (2, 1));

        let e = import_text(r#"{"query": [1, 0]}"#, &cur).unwrap_err();
        assert_eq!(en(&e), "the scene JSON has no \"items\": a scene file needs both \"query\" and \"items\"");
        assert_eq!(zh(&e), "场景 JSON 中没有 \"items\"：场景文件需要同时包含 \"query\" 和 \"items\"");
        assert_eq!(e.code(), "E_IMPORT_MISSING_FIELD");
        let e = import_text(r#"{"items": []}"#, &cur).unwrap_err();
        assert_eq!(e.kind, ImportErrorKind::MissingField { field: "query" });

        let e = import_text(r#"{"query": [1], "items": [{"label": "a", "vector": [1, "x"]}]}"#, &cur).unwrap_err();
        assert_eq!(e.code(), "E_IMPORT_JSON");
        assert_eq!(en(&e), "scene JSON: items[0].vector[1] must be a finite number, not a string");
        assert!(zh(&e).starts_with("场景 JSON：items[0].vector[1] 无效"), "{}", zh(&e));
        let e = import_text("{\"query\": [1],\n \"items\": [,]}", &cur).unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(12)));
        assert!(en(&e).starts_with("scene JSON: the state is not valid JSON (line 2, column 12)"), "{}", en(&e));
        assert!(zh(&e).starts_with("场景 JSON：状态不是合法的 JSON（第 2 行，第 12 列）"), "{}", zh(&e));
    }

    #[test]
    fn excerpts_escape_control_characters() {
        assert_eq!(excerpt("a\u{7}b"), "a\\u{7}b");
        assert_eq!(excerpt(&"é".repeat(40)), "é".repeat(40));
        assert_eq!(excerpt(&"é".repeat(41)).chars().count(), 40);
    }
}
