//! Applicants' uploaded materials (申请材料): size and type limits, and a content-addressed blob
//! store on disk, keyed by the SM3 of the bytes, that survives restarts.
//!
//! A blob lives at `dir/ab/cd/<64 hex>` where `ab` and `cd` are the first two byte-pairs of its
//! SM3. It is written durably (temporary file in the same directory, write, fsync, rename into
//! place, fsync the directory), so after a crash a blob is either whole or absent. Storing the
//! same bytes twice writes nothing the second time. Reads re-check the SM3, so a damaged file is
//! reported as [`UploadError::Corrupt`], never served as wrong bytes.
//!
//! The type of a file is decided by its bytes alone (magic numbers), never by its name or the
//! declared `Content-Type`.

use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tongban_domain::crypto::to_hex;
use tongban_domain::sm3;

use crate::AppError;

const MIB: u64 = 1024 * 1024;

/// A file type the platform accepts, as recognised from the file's first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaType {
    Pdf,
    Jpeg,
    Png,
    /// OFD (GB/T 33190), the Chinese fixed-layout format: a zip archive with `OFD.xml` at its
    /// root.
    Ofd,
}

impl MediaType {
    /// Every type the store can recognise.
    pub const ALL: [MediaType; 4] = [
        MediaType::Pdf,
        MediaType::Jpeg,
        MediaType::Png,
        MediaType::Ofd,
    ];

    /// Recognises the type from the bytes themselves; `None` if they match no accepted type.
    pub fn sniff(bytes: &[u8]) -> Option<MediaType> {
        if bytes.starts_with(b"%PDF-") {
            Some(MediaType::Pdf)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(MediaType::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(MediaType::Png)
        } else if bytes.starts_with(b"PK\x03\x04") && zip_has_root_entry(bytes, "OFD.xml") {
            Some(MediaType::Ofd)
        } else {
            None
        }
    }

    /// The MIME type to serve the file with.
    pub fn mime(self) -> &'static str {
        match self {
            MediaType::Pdf => "application/pdf",
            MediaType::Jpeg => "image/jpeg",
            MediaType::Png => "image/png",
            MediaType::Ofd => "application/ofd",
        }
    }

    /// The name shown to citizens and staff.
    pub fn name_zh(self) -> &'static str {
        match self {
            MediaType::Pdf => "PDF 文件",
            MediaType::Jpeg => "JPG 图片",
            MediaType::Png => "PNG 图片",
            MediaType::Ofd => "OFD 版式文件",
        }
    }

    /// The short name used when listing accepted formats ("PDF、JPG、PNG、OFD").
    pub fn label(self) -> &'static str {
        match self {
            MediaType::Pdf => "PDF",
            MediaType::Jpeg => "JPG",
            MediaType::Png => "PNG",
            MediaType::Ofd => "OFD",
        }
    }

    /// The usual file extension, without the dot, for naming downloads.
    pub fn extension(self) -> &'static str {
        match self {
            MediaType::Pdf => "pdf",
            MediaType::Jpeg => "jpg",
            MediaType::Png => "png",
            MediaType::Ofd => "ofd",
        }
    }
}

/// Whether a zip archive's central directory lists `name` (ASCII case-insensitively).
///
/// Reads only the end-of-central-directory record and the central directory, with every offset
/// bounds-checked; anything malformed is simply "no".
fn zip_has_root_entry(bytes: &[u8], name: &str) -> bool {
    const EOCD: &[u8] = b"PK\x05\x06";
    const CENTRAL: &[u8] = b"PK\x01\x02";
    const EOCD_LEN: usize = 22;
    const CENTRAL_LEN: usize = 46;
    let u16_at = |at: usize| -> Option<usize> {
        let b = bytes.get(at..at.checked_add(2)?)?;
        Some(usize::from(u16::from_le_bytes([b[0], b[1]])))
    };
    let u32_at = |at: usize| -> Option<usize> {
        let b = bytes.get(at..at.checked_add(4)?)?;
        usize::try_from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])).ok()
    };
    let Some(last) = bytes.len().checked_sub(EOCD_LEN) else {
        return false;
    };
    // The record ends with a comment of at most 65,535 bytes; search backwards for it.
    let first = last.saturating_sub(usize::from(u16::MAX));
    let Some(eocd) = (first..=last)
        .rev()
        .find(|&at| bytes.get(at..at + EOCD.len()) == Some(EOCD))
    else {
        return false;
    };
    let (Some(count), Some(mut at)) = (u16_at(eocd + 10), u32_at(eocd + 16)) else {
        return false;
    };
    for _ in 0..count {
        if bytes.get(at..at.saturating_add(CENTRAL.len())) != Some(CENTRAL) {
            return false;
        }
        let (Some(name_len), Some(extra_len), Some(comment_len)) =
            (u16_at(at + 28), u16_at(at + 30), u16_at(at + 32))
        else {
            return false;
        };
        // Offsets come from the file: saturate rather than overflow on hostile values.
        let start = at.saturating_add(CENTRAL_LEN);
        match bytes.get(start..start.saturating_add(name_len)) {
            Some(entry) if entry.eq_ignore_ascii_case(name.as_bytes()) => return true,
            Some(_) => {}
            None => return false,
        }
        at = start
            .saturating_add(name_len)
            .saturating_add(extra_len)
            .saturating_add(comment_len);
    }
    false
}

/// What an upload may be: how big and of which types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadLimits {
    pub max_bytes: u64,
    pub allowed: Vec<MediaType>,
}

impl Default for UploadLimits {
    /// 20 MiB; PDF, JPEG, PNG and OFD.
    fn default() -> UploadLimits {
        UploadLimits {
            max_bytes: 20 * MIB,
            allowed: MediaType::ALL.to_vec(),
        }
    }
}

impl UploadLimits {
    /// Checks size and type, and returns the type recognised from the bytes.
    pub fn check(&self, bytes: &[u8]) -> Result<MediaType, UploadError> {
        if bytes.is_empty() {
            return Err(UploadError::Empty);
        }
        if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > self.max_bytes {
            return Err(UploadError::TooLarge {
                max_bytes: self.max_bytes,
            });
        }
        match MediaType::sniff(bytes) {
            Some(media_type) if self.allowed.contains(&media_type) => Ok(media_type),
            _ => Err(UploadError::UnsupportedType {
                allowed: self.allowed.clone(),
            }),
        }
    }
}

/// A stored blob: its id (the SM3 of its bytes), size and recognised type.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StoredBlob {
    /// 64 lower-case hexadecimal digits.
    pub sm3_hex: String,
    pub size: u64,
    pub media_type: MediaType,
}

/// Why an upload was refused or a blob could not be stored or read.
///
/// For the citizen's own mistakes the display text is the Chinese message to show; for `Corrupt`
/// and `Io` it is for logs only (see [`UploadError::message`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    #[error("文件超过 {}，请压缩后重新上传", size_zh(*max_bytes))]
    TooLarge { max_bytes: u64 },
    #[error("文件内容为空，请重新选择文件上传")]
    Empty,
    #[error("{}", unsupported_zh(allowed))]
    UnsupportedType { allowed: Vec<MediaType> },
    #[error("文件编号无效")]
    BadId,
    #[error("blob {sm3_hex} on disk does not match its SM3: it is corrupted")]
    Corrupt { sm3_hex: String },
    #[error("upload storage: {0}")]
    Io(String),
}

impl UploadError {
    /// A stable machine-readable code, part of the API contract.
    pub fn code(&self) -> &'static str {
        match self {
            UploadError::TooLarge { .. } => "upload.too_large",
            UploadError::Empty => "upload.empty",
            UploadError::UnsupportedType { .. } => "upload.unsupported_type",
            UploadError::BadId => "upload.bad_id",
            UploadError::Corrupt { .. } => "upload.corrupt",
            UploadError::Io(_) => "upload.io",
        }
    }

    /// The message for the citizen, in Chinese.
    pub fn message(&self) -> String {
        match self {
            UploadError::Corrupt { .. } => "文件已损坏，请联系工作人员".to_owned(),
            UploadError::Io(_) => "文件保存或读取失败，请稍后重试".to_owned(),
            user => user.to_string(),
        }
    }

    /// Whether the citizen caused it (and can fix it), as opposed to a fault of the platform.
    pub fn is_user_error(&self) -> bool {
        !matches!(self, UploadError::Corrupt { .. } | UploadError::Io(_))
    }
}

impl From<UploadError> for AppError {
    fn from(err: UploadError) -> AppError {
        if err.is_user_error() {
            AppError::field("file", err.code(), err.message())
        } else {
            AppError::Internal(err.to_string())
        }
    }
}

/// "20 MB", "1.5 MB", "512 KB": a size limit as citizens read it.
fn size_zh(bytes: u64) -> String {
    let (unit, name) = if bytes >= MIB {
        (MIB, "MB")
    } else if bytes >= 1024 {
        (1024, "KB")
    } else {
        return format!("{bytes} 字节");
    };
    if bytes.is_multiple_of(unit) {
        format!("{} {name}", bytes / unit)
    } else {
        let tenths = (u128::from(bytes) * 10 + u128::from(unit) / 2) / u128::from(unit);
        format!("{}.{} {name}", tenths / 10, tenths % 10)
    }
}

fn unsupported_zh(allowed: &[MediaType]) -> String {
    if allowed.is_empty() {
        return "当前不接受上传文件".to_owned();
    }
    let labels: Vec<&str> = allowed.iter().map(|t| t.label()).collect();
    format!("仅支持 {} 格式的文件", labels.join("、"))
}

/// Content-addressed store of uploaded materials in one directory.
///
/// Cheap to clone; clones share the directory. Several processes may share one directory: writes
/// of the same blob race harmlessly (same bytes, atomic rename).
#[derive(Debug, Clone)]
pub struct BlobStore {
    root: Arc<Path>,
}

impl BlobStore {
    /// Opens the store in `dir`, creating the directory if needed.
    pub fn open(dir: PathBuf) -> Result<BlobStore, UploadError> {
        let existed = dir.is_dir();
        fs::create_dir_all(&dir).map_err(|e| io_error("creating", &dir, &e))?;
        if !existed && let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
            sync_dir(parent)?;
        }
        Ok(BlobStore {
            root: Arc::from(dir),
        })
    }

    /// The directory the blobs live in.
    pub fn dir(&self) -> &Path {
        &self.root
    }

    /// Checks `bytes` against `limits` and stores them durably under their SM3.
    ///
    /// Storing bytes that are already stored writes nothing and returns the same [`StoredBlob`].
    /// A stored copy found damaged is replaced by the good bytes.
    pub fn put(&self, bytes: &[u8], limits: &UploadLimits) -> Result<StoredBlob, UploadError> {
        let media_type = limits.check(bytes)?;
        let blob = StoredBlob {
            sm3_hex: to_hex(&sm3(bytes)),
            size: u64::try_from(bytes.len()).unwrap_or(u64::MAX),
            media_type,
        };
        let path = self.path_for(&blob.sm3_hex);
        if holds_exactly(&path, bytes)? {
            return Ok(blob);
        }
        let shard = self.shard_dir(&blob.sm3_hex)?;
        write_durably(&shard, &path, &blob.sm3_hex, bytes)?;
        Ok(blob)
    }

    /// The bytes stored under `sm3_hex`, `None` if there are none.
    ///
    /// The id must be 64 lower-case hex digits ([`UploadError::BadId`] otherwise). The SM3 of
    /// what is read is checked against the id ([`UploadError::Corrupt`] if it differs).
    pub fn get(&self, sm3_hex: &str) -> Result<Option<Vec<u8>>, UploadError> {
        check_id(sm3_hex)?;
        let path = self.path_for(sm3_hex);
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_error("reading", &path, &e)),
        };
        if to_hex(&sm3(&bytes)) != sm3_hex {
            tracing::error!(blob = sm3_hex, "stored upload does not match its SM3");
            return Err(UploadError::Corrupt {
                sm3_hex: sm3_hex.to_owned(),
            });
        }
        Ok(Some(bytes))
    }

    /// Whether a blob is stored under `sm3_hex` (without reading or checking its bytes).
    pub fn exists(&self, sm3_hex: &str) -> Result<bool, UploadError> {
        check_id(sm3_hex)?;
        let path = self.path_for(sm3_hex);
        match fs::metadata(&path) {
            Ok(meta) => Ok(meta.is_file()),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(false),
            Err(e) => Err(io_error("inspecting", &path, &e)),
        }
    }

    /// [`BlobStore::put`] on tokio's blocking pool, for async callers.
    pub async fn put_async(
        &self,
        bytes: Vec<u8>,
        limits: &UploadLimits,
    ) -> Result<StoredBlob, UploadError> {
        let store = self.clone();
        let limits = limits.clone();
        tokio::task::spawn_blocking(move || store.put(&bytes, &limits))
            .await
            .map_err(|e| UploadError::Io(format!("storing task failed: {e}")))?
    }

    /// [`BlobStore::get`] on tokio's blocking pool, for async callers.
    pub async fn get_async(&self, sm3_hex: &str) -> Result<Option<Vec<u8>>, UploadError> {
        check_id(sm3_hex)?;
        let store = self.clone();
        let id = sm3_hex.to_owned();
        tokio::task::spawn_blocking(move || store.get(&id))
            .await
            .map_err(|e| UploadError::Io(format!("reading task failed: {e}")))?
    }

    /// `dir/ab/cd/abcd…`; only for ids already checked by [`check_id`] or computed here.
    fn path_for(&self, sm3_hex: &str) -> PathBuf {
        self.root
            .join(&sm3_hex[0..2])
            .join(&sm3_hex[2..4])
            .join(sm3_hex)
    }

    /// Creates `dir/ab/cd` as needed, syncing each parent that gained an entry.
    fn shard_dir(&self, sm3_hex: &str) -> Result<PathBuf, UploadError> {
        let outer = ensure_dir(&self.root, &sm3_hex[0..2])?;
        ensure_dir(&outer, &sm3_hex[2..4])
    }
}

/// Accepts exactly 64 lower-case hex digits, so an id can never name another path.
fn check_id(sm3_hex: &str) -> Result<(), UploadError> {
    let ok = sm3_hex.len() == 64
        && sm3_hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if ok { Ok(()) } else { Err(UploadError::BadId) }
}

/// Whether `path` already holds exactly `bytes` (a damaged copy does not count).
fn holds_exactly(path: &Path, bytes: &[u8]) -> Result<bool, UploadError> {
    let same_len = match fs::metadata(path) {
        Ok(meta) => u64::try_from(bytes.len()).ok() == Some(meta.len()),
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(io_error("inspecting", path, &e)),
    };
    let intact = same_len
        && match fs::read(path) {
            Ok(existing) => existing == bytes,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(io_error("reading", path, &e)),
        };
    if !intact {
        tracing::warn!(path = %path.display(), "replacing a damaged stored upload");
    }
    Ok(intact)
}

/// Writes `bytes` to a temporary file in `shard`, syncs it, renames it to `target` and syncs
/// `shard`. The temporary file is removed if any step before the rename fails.
fn write_durably(
    shard: &Path,
    target: &Path,
    sm3_hex: &str,
    bytes: &[u8],
) -> Result<(), UploadError> {
    // A leading dot and a suffix: never a valid id, so `get` can never see a half-written file.
    let temp = TempFile {
        path: shard.join(format!(".{sm3_hex}.{}.tmp", uuid::Uuid::new_v4().simple())),
        kept: false,
    };
    let temp_path = temp.path.clone();
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp_path)
        .map_err(|e| io_error("creating", &temp_path, &e))?;
    file.write_all(bytes)
        .map_err(|e| io_error("writing", &temp_path, &e))?;
    file.sync_all()
        .map_err(|e| io_error("syncing", &temp_path, &e))?;
    drop(file);
    fs::rename(&temp_path, target).map_err(|e| io_error("renaming into", target, &e))?;
    temp.keep();
    sync_dir(shard)
}

/// Creates `parent/name` if missing; a new entry is made durable by syncing `parent`.
fn ensure_dir(parent: &Path, name: &str) -> Result<PathBuf, UploadError> {
    let dir = parent.join(name);
    match fs::create_dir(&dir) {
        Ok(()) => sync_dir(parent)?,
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
        Err(e) => return Err(io_error("creating", &dir, &e)),
    }
    Ok(dir)
}

/// Makes a directory's entries (a rename, a new file or folder) durable.
fn sync_dir(dir: &Path) -> Result<(), UploadError> {
    #[cfg(unix)]
    {
        fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| io_error("syncing", dir, &e))
    }
    #[cfg(not(unix))]
    {
        // Directories cannot be opened as files here; nothing more can be done.
        let _ = dir;
        Ok(())
    }
}

fn io_error(action: &str, path: &Path, err: &std::io::Error) -> UploadError {
    UploadError::Io(format!("{action} {}: {err}", path.display()))
}

/// A temporary file, removed on drop unless kept.
struct TempFile {
    path: PathBuf,
    kept: bool,
}

impl TempFile {
    /// The file was renamed into place: nothing to remove.
    fn keep(mut self) {
        self.kept = true;
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.kept {
            // Best effort: it may never have been created.
            let _ = fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
#[path = "uploads_tests.rs"]
mod tests;
