//! The exact bytes a licence signature covers (the "signed header", format `TBL/1`) and the
//! face digest it carries; see docs/licence-format.md.
//!
//! The header is UTF-8 text, one `key=value` line per fact in a fixed order, each line ending in
//! LF. In values a backslash is written `\\` and a line break `\n`. The face fields are not in
//! the header: `face-sm3` is the SM3 of their canonical text (`key=value\n` lines sorted by
//! key, escaped the same way), so a QR code can carry the header alone and still be verified
//! offline, while the full licence file carries the face too.

use std::collections::BTreeMap;

use time::Date;
use time::macros::format_description;

use super::identifier::{LicenceId, LicenceTypeCode};
use super::kind::HolderKind;
use super::record::{Holder, LicenceFacts};
use crate::crypto::{sm3, to_hex};

/// The first line of every signed header.
pub const MAGIC: &str = "TBL/1";

/// The signed header, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeader {
    pub id: LicenceId,
    pub name: String,
    pub number: String,
    pub holder_name: String,
    pub holder_kind: HolderKind,
    /// SM3 of `id|holder code`, hex: binds the holder without printing the code in the QR.
    pub holder_code_sm3: String,
    pub issuer_name: String,
    pub issued_on: Date,
    pub valid_from: Date,
    pub valid_until: Option<Date>,
    /// The id of the key that signed (see `crypto::key_id`).
    pub key_id: String,
    pub face_sm3: String,
}

/// Why bytes are not a signed header.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("证照签名数据格式不正确：{0}")]
pub struct HeaderError(pub String);

fn escape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

fn unescape(v: &str) -> Result<String, HeaderError> {
    let mut out = String::with_capacity(v.len());
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            _ => return Err(HeaderError("转义符不正确".into())),
        }
    }
    Ok(out)
}

fn date_text(d: Date) -> String {
    let fmt = format_description!("[year]-[month]-[day]");
    d.format(&fmt).unwrap_or_default()
}

fn parse_date(s: &str) -> Result<Date, HeaderError> {
    let fmt = format_description!("[year]-[month]-[day]");
    Date::parse(s, &fmt).map_err(|_| HeaderError(format!("日期“{s}”不正确")))
}

/// The canonical text of a licence face.
pub fn face_text(face: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    for (k, v) in face {
        out.push_str(&escape(k));
        out.push('=');
        out.push_str(&escape(v));
        out.push('\n');
    }
    out
}

/// SM3 of the canonical face text, hex.
pub fn face_sm3(face: &BTreeMap<String, String>) -> String {
    to_hex(&sm3(face_text(face).as_bytes()))
}

/// SM3 of `id|holder code`, hex.
pub fn holder_code_sm3(id: &LicenceId, code: &str) -> String {
    to_hex(&sm3(format!("{}|{}", id.as_str(), code).as_bytes()))
}

impl SignedHeader {
    /// The header of a licence, to be signed by the key `key_id`.
    pub fn of(facts: &LicenceFacts, key_id: &str) -> Self {
        Self {
            id: facts.id.clone(),
            name: facts.name.clone(),
            number: facts.number.clone(),
            holder_name: facts.holder.name.clone(),
            holder_kind: facts.holder.kind,
            holder_code_sm3: holder_code_sm3(&facts.id, &facts.holder.code),
            issuer_name: facts.issuer_name.clone(),
            issued_on: facts.issued_on,
            valid_from: facts.valid_from,
            valid_until: facts.valid_until,
            key_id: key_id.to_string(),
            face_sm3: face_sm3(&facts.face),
        }
    }

    /// The exact bytes the signature covers.
    pub fn to_bytes(&self) -> Vec<u8> {
        let until = self
            .valid_until
            .map(date_text)
            .unwrap_or_else(|| "-".into());
        let lines: [(&str, String); 12] = [
            ("id", self.id.as_str().to_string()),
            ("name", self.name.clone()),
            ("number", self.number.clone()),
            ("holder", self.holder_name.clone()),
            ("holder-type", self.holder_kind.code().to_string()),
            ("holder-code-sm3", self.holder_code_sm3.clone()),
            ("issuer", self.issuer_name.clone()),
            ("issued", date_text(self.issued_on)),
            ("valid-from", date_text(self.valid_from)),
            ("valid-until", until),
            ("key", self.key_id.clone()),
            ("face-sm3", self.face_sm3.clone()),
        ];
        let mut out = String::with_capacity(512);
        out.push_str(MAGIC);
        out.push('\n');
        for (k, v) in lines {
            out.push_str(k);
            out.push('=');
            out.push_str(&escape(&v));
            out.push('\n');
        }
        out.into_bytes()
    }

    /// Reads a header back from its exact bytes; anything else (another order, a missing or
    /// extra line, CRLF) is refused, so the bytes verified are the bytes read.
    pub fn parse(bytes: &[u8]) -> Result<Self, HeaderError> {
        let text = std::str::from_utf8(bytes).map_err(|_| HeaderError("不是 UTF-8 文本".into()))?;
        let body = text
            .strip_prefix(MAGIC)
            .and_then(|r| r.strip_prefix('\n'))
            .ok_or_else(|| HeaderError("缺少 TBL/1 标记".into()))?;
        let body = body
            .strip_suffix('\n')
            .ok_or_else(|| HeaderError("末行应以换行结束".into()))?;
        let keys = [
            "id",
            "name",
            "number",
            "holder",
            "holder-type",
            "holder-code-sm3",
            "issuer",
            "issued",
            "valid-from",
            "valid-until",
            "key",
            "face-sm3",
        ];
        let lines: Vec<&str> = body.split('\n').collect();
        if lines.len() != keys.len() {
            return Err(HeaderError(format!(
                "应有 {} 行，实有 {} 行",
                keys.len(),
                lines.len()
            )));
        }
        let mut values = Vec::with_capacity(keys.len());
        for (line, key) in lines.iter().zip(keys) {
            let v = line
                .strip_prefix(key)
                .and_then(|r| r.strip_prefix('='))
                .ok_or_else(|| HeaderError(format!("应为 {key}= 行")))?;
            values.push(unescape(v)?);
        }
        let id = LicenceId::try_from(values[0].clone()).map_err(|e| HeaderError(e.to_string()))?;
        let holder_kind = HolderKind::from_code(&values[4])
            .ok_or_else(|| HeaderError("持证主体代码类型不正确".into()))?;
        let valid_until = match values[9].as_str() {
            "-" => None,
            s => Some(parse_date(s)?),
        };
        let header = Self {
            id,
            name: values[1].clone(),
            number: values[2].clone(),
            holder_name: values[3].clone(),
            holder_kind,
            holder_code_sm3: values[5].clone(),
            issuer_name: values[6].clone(),
            issued_on: parse_date(&values[7])?,
            valid_from: parse_date(&values[8])?,
            valid_until,
            key_id: values[10].clone(),
            face_sm3: values[11].clone(),
        };
        if header.to_bytes() != bytes {
            return Err(HeaderError("不是规范格式".into()));
        }
        Ok(header)
    }

    /// The type code, from the identifier.
    pub fn type_code(&self) -> LicenceTypeCode {
        self.id.parts().type_code
    }

    /// Whether `face` is the face this header was signed with.
    pub fn face_matches(&self, face: &BTreeMap<String, String>) -> bool {
        face_sm3(face) == self.face_sm3
    }

    /// Whether `code` is the holder's code.
    pub fn holder_is(&self, code: &str) -> bool {
        holder_code_sm3(&self.id, code) == self.holder_code_sm3
    }

    /// A holder with the code left out (the header never carries it).
    pub fn holder_without_code(&self) -> Holder {
        Holder {
            name: self.holder_name.clone(),
            kind: self.holder_kind,
            code: String::new(),
        }
    }
}
