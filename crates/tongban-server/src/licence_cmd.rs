//! `tongban licence verify FILE [--keys KEYS] [--status-list LIST]`: checks a licence fully
//! offline (no database, no network) against published keys and, optionally, a cached signed
//! status list; and `tongban licence keys --out FILE`, which exports the published keys from
//! the configured database so an offline verifier can be handed them.
//!
//! Exit codes of `verify`: 0 genuine and usable (signature good, face unchanged, in its
//! validity period and, with a status list, not listed); 1 refused (forged, unknown key, face
//! altered, listed as suspended or revoked, expired or not yet valid); 2 bad input.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use base64::Engine;
use clap::Subcommand;
use serde::Deserialize;
use time::Date;
use tongban_app::App;
use tongban_app::licences::PLATFORM_KEY_OWNER;
use tongban_domain::licence::{
    LicenceVerifier, Presented, SignatureCheck, SignedHeader, check_signed, read_presented,
};
use tongban_domain::mask_name;

/// Exit code: genuine and usable.
pub const EXIT_OK: u8 = 0;
/// Exit code: forged, unknown key, face altered, listed, expired.
pub const EXIT_REFUSED: u8 = 1;
/// Exit code: a file could not be read or is not what it should be.
pub const EXIT_BAD_INPUT: u8 = 2;

#[derive(Debug, Subcommand)]
pub enum LicenceCommand {
    /// Verify a licence offline: FILE is a licence file (JSON), the licence PDF, or a text file
    /// holding the QR text or URL. Exit 0 genuine and usable, 1 refused, 2 bad input.
    Verify {
        file: PathBuf,
        /// The published keys: the JSON of /api/v1/licences/keys (or `licence keys --out`), or
        /// a directory of `*.pem` files.
        #[arg(long, value_name = "KEYS")]
        keys: Option<PathBuf>,
        /// A cached status list (the JSON of /api/v1/licences/status-list); its signature must
        /// verify under a platform key in KEYS.
        #[arg(long, value_name = "LIST")]
        status_list: Option<PathBuf>,
    },
    /// Export every published key (current and retired) as JSON, as /api/v1/licences/keys
    /// serves it.
    Keys {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

/// What `verify` decided, and what it prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub exit: u8,
    /// `valid`, `expired`, `not_yet_valid`, `suspended`, `revoked`, `forged`, `face_altered`,
    /// `unknown_key` or `bad_input`.
    pub verdict: &'static str,
    pub text: String,
}

impl Outcome {
    fn bad_input(message: impl std::fmt::Display) -> Outcome {
        Outcome {
            exit: EXIT_BAD_INPUT,
            verdict: "bad_input",
            text: format!("结论：✘ 输入有误 — {message}\nverdict: bad_input\n"),
        }
    }
}

/// One trusted key.
struct TrustedKey {
    verifier: LicenceVerifier,
    owner: String,
    /// May sign the status list.
    platform: bool,
}

#[derive(Deserialize)]
struct KeyEntry {
    key_id: String,
    #[serde(default)]
    department_id: String,
    #[serde(default)]
    department_name: String,
    public_pem: String,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum KeysFile {
    Wrapped { keys: Vec<KeyEntry> },
    Bare(Vec<KeyEntry>),
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("无法读取 {}：{e}", path.display()))
}

/// Keys from a JSON file as served by `/api/v1/licences/keys`, or from a directory of `*.pem`
/// files (whose ids are computed from the keys; any of them may sign the status list).
fn load_keys(path: &Path) -> Result<BTreeMap<String, TrustedKey>, String> {
    let mut out = BTreeMap::new();
    if path.is_dir() {
        let entries =
            std::fs::read_dir(path).map_err(|e| format!("无法读取 {}：{e}", path.display()))?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "pem"))
            .collect();
        files.sort();
        for file in files {
            let pem = String::from_utf8(read(&file)?)
                .map_err(|_| format!("{} 不是文本", file.display()))?;
            let verifier =
                LicenceVerifier::from_pem(&pem).map_err(|e| format!("{}：{e}", file.display()))?;
            let owner = file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            out.insert(
                verifier.key_id().to_string(),
                TrustedKey {
                    verifier,
                    owner,
                    platform: true,
                },
            );
        }
        return Ok(out);
    }
    let bytes = read(path)?;
    let entries = match serde_json::from_slice::<KeysFile>(&bytes)
        .map_err(|e| format!("{} 不是公钥 JSON：{e}", path.display()))?
    {
        KeysFile::Wrapped { keys } | KeysFile::Bare(keys) => keys,
    };
    for k in entries {
        let verifier =
            LicenceVerifier::from_pem(&k.public_pem).map_err(|e| format!("{}：{e}", k.key_id))?;
        if verifier.key_id() != k.key_id {
            return Err(format!(
                "公钥 {} 的编号与公钥本身不符（应为 {}）",
                k.key_id,
                verifier.key_id()
            ));
        }
        out.insert(
            k.key_id.clone(),
            TrustedKey {
                verifier,
                owner: k.department_name,
                platform: k.department_id == PLATFORM_KEY_OWNER,
            },
        );
    }
    Ok(out)
}

#[derive(Deserialize)]
struct StatusListFile {
    list: String,
    signature: String,
    key_id: String,
}

#[derive(Deserialize)]
struct ListBody {
    format: String,
    generated_at_ms: i64,
    entries: Vec<ListEntry>,
}

#[derive(Deserialize)]
struct ListEntry {
    id: String,
    state: String,
    since_ms: i64,
}

/// The listed state of `id` (`suspended`/`revoked` and since when), after checking the list's
/// signature; and the list's generation time.
fn listed_state(
    path: &Path,
    keys: &BTreeMap<String, TrustedKey>,
    id: &str,
) -> Result<(Option<(String, i64)>, i64), String> {
    let file: StatusListFile = serde_json::from_slice(&read(path)?)
        .map_err(|e| format!("{} 不是状态列表 JSON：{e}", path.display()))?;
    let key = keys
        .get(&file.key_id)
        .filter(|k| k.platform)
        .ok_or_else(|| format!("状态列表的签名密钥 {} 不是 KEYS 中的平台公钥", file.key_id))?;
    let signature = base64::engine::general_purpose::STANDARD
        .decode(file.signature.trim())
        .map_err(|_| "状态列表的签名不是 base64".to_string())?;
    let ok = key
        .verifier
        .verify(file.list.as_bytes(), &signature)
        .map_err(|e| format!("状态列表的签名：{e}"))?;
    if !ok {
        return Err("状态列表的签名无效（被改动或伪造）".into());
    }
    let body: ListBody =
        serde_json::from_str(&file.list).map_err(|e| format!("状态列表内容不正确：{e}"))?;
    if body.format != "tongban-status-list/1" {
        return Err(format!("状态列表格式 {} 不受支持", body.format));
    }
    let entry = body
        .entries
        .into_iter()
        .find(|e| e.id == id)
        .map(|e| (e.state, e.since_ms));
    Ok((entry, body.generated_at_ms))
}

fn date(d: Date) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    d.format(&fmt).unwrap_or_default()
}

fn ms_text(ms: i64) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&fmt).ok())
        .unwrap_or_else(|| ms.to_string())
}

fn fields(h: &SignedHeader, key_owner: &str) -> String {
    let until = h.valid_until.map(date).unwrap_or_else(|| "-".into());
    let key = if key_owner.is_empty() {
        h.key_id.clone()
    } else {
        format!("{} ({key_owner})", h.key_id)
    };
    [
        ("id", h.id.as_str().to_string()),
        ("name", h.name.clone()),
        ("number", h.number.clone()),
        ("holder", mask_name(&h.holder_name)),
        ("holder-type", h.holder_kind.code().to_string()),
        ("issuer", h.issuer_name.clone()),
        ("issued", date(h.issued_on)),
        ("valid-from", date(h.valid_from)),
        ("valid-until", until),
        ("key", key),
    ]
    .iter()
    .map(|(k, v)| format!("{k}: {v}\n"))
    .collect()
}

/// Verifies `file` offline; `today` decides expiry.
pub fn verify(
    file: &Path,
    keys: Option<&Path>,
    status_list: Option<&Path>,
    today: Date,
) -> Outcome {
    let keys = match keys.map(load_keys).transpose() {
        Ok(keys) => keys.unwrap_or_default(),
        Err(e) => return Outcome::bad_input(e),
    };
    let bytes = match read(file) {
        Ok(b) => b,
        Err(e) => return Outcome::bad_input(e),
    };
    let (signed, face) = match read_presented(&bytes) {
        Ok(Presented::File(f)) => match f.signed() {
            Ok(s) => (s, Some(f.face)),
            Err(e) => return Outcome::bad_input(e),
        },
        Ok(Presented::Payload(s)) => (s, None),
        Err(e) => return Outcome::bad_input(e),
    };
    let check = match check_signed(&signed, face.as_ref(), |id| {
        keys.get(id).map(|k| &k.verifier)
    }) {
        Ok(c) => c,
        Err(e) => return Outcome::bad_input(e),
    };
    let h = check.header();
    let owner = keys
        .get(&h.key_id)
        .map(|k| k.owner.as_str())
        .unwrap_or_default();
    let mut text = String::new();
    let (exit, verdict, say) = match &check {
        SignatureCheck::Genuine(_) => (EXIT_OK, "valid", "✔ 签名有效，证照真实".to_string()),
        SignatureCheck::UnknownKey(_) => (
            EXIT_REFUSED,
            "unknown_key",
            if keys.is_empty() {
                "✘ 无法确认：未提供公钥（--keys）".to_string()
            } else {
                format!("✘ 无法确认：签名密钥 {} 不在所给公钥中", h.key_id)
            },
        ),
        SignatureCheck::Forged(_) => (
            EXIT_REFUSED,
            "forged",
            "✘ 无效：签名与数据不符，被改动或伪造".to_string(),
        ),
        SignatureCheck::FaceAltered(_) => (
            EXIT_REFUSED,
            "face_altered",
            "✘ 无效：照面内容与签名不符，已被改动".to_string(),
        ),
    };
    let (mut exit, mut verdict, mut say) = (exit, verdict, say);
    let mut list_line = "status-list: not checked\n".to_string();
    if exit == EXIT_OK {
        if today < h.valid_from {
            (exit, verdict) = (EXIT_REFUSED, "not_yet_valid");
            say = format!("! 证照真实，但 {} 才生效", date(h.valid_from));
        } else if let Some(until) = h.valid_until.filter(|u| today > *u) {
            (exit, verdict) = (EXIT_REFUSED, "expired");
            say = format!("! 证照真实，但已于 {} 过期", date(until));
        }
        if let Some(list) = status_list {
            match listed_state(list, &keys, h.id.as_str()) {
                Err(e) => return Outcome::bad_input(e),
                Ok((None, generated)) => {
                    list_line = format!(
                        "status-list: not listed (generated {})\n",
                        ms_text(generated)
                    );
                    if exit == EXIT_OK {
                        say.push_str("，未列入状态列表（暂停或注销）");
                    }
                }
                Ok((Some((state, since)), generated)) => {
                    list_line = format!(
                        "status-list: listed {state} since {} (generated {})\n",
                        ms_text(since),
                        ms_text(generated)
                    );
                    exit = EXIT_REFUSED;
                    if state == "revoked" {
                        verdict = "revoked";
                        say = "✘ 证照真实，但已被注销".into();
                    } else {
                        verdict = "suspended";
                        say = "✘ 证照真实，但已被暂停使用".into();
                    }
                }
            }
        }
    }
    text.push_str(&format!("结论：{say}\n"));
    text.push_str(&format!("verdict: {verdict}\n"));
    text.push_str(&format!("signature: {}\n", check.code()));
    text.push_str(&fields(h, owner));
    if face.is_some() {
        let face_line = if matches!(check, SignatureCheck::FaceAltered(_)) {
            "altered"
        } else if check.is_genuine() {
            "matches"
        } else {
            "not checked"
        };
        text.push_str(&format!("face: {face_line}\n"));
    }
    text.push_str(&list_line);
    Outcome {
        exit,
        verdict,
        text,
    }
}

/// Today in Beijing, for expiry.
pub fn today() -> Date {
    use tongban_app::Clock as _;
    tongban_app::SystemClock
        .now()
        .to_offset(tongban_app::beijing())
        .date()
}

/// `licence verify`: prints the outcome and returns its exit code.
pub fn verify_command(file: &Path, keys: Option<&Path>, status_list: Option<&Path>) -> ExitCode {
    let outcome = verify(file, keys, status_list, today());
    print!("{}", outcome.text);
    ExitCode::from(outcome.exit)
}

/// `licence keys --out FILE`.
pub async fn export_keys(app: &App, out: &Path) -> anyhow::Result<ExitCode> {
    let keys = app.published_keys().await?;
    let json = serde_json::to_string_pretty(&serde_json::json!({ "keys": keys }))?;
    std::fs::write(out, format!("{json}\n"))
        .with_context(|| format!("writing {}", out.display()))?;
    println!("exported {} key(s) to {}", keys.len(), out.display());
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
#[path = "licence_cmd_tests.rs"]
mod tests;
