//! `tongban backup DEST [--uploads DIR]`: an online copy of the SQLite database taken while
//! `serve` keeps writing, verified (schema, SQLite integrity, audit chain, every case against
//! its events) before it is reported as a backup; with `--uploads`, the content-addressed
//! uploads are copied too, after the database, so every file the copy refers to is included.
//! PostgreSQL is refused with the `pg_dump` command to use instead.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;
use tongban_store::Store;

use crate::admin_cmd::describe_outcome;
use crate::context::{open_app, open_store};
use crate::settings::Settings;

/// What `backup` says on PostgreSQL.
const USE_PG_DUMP: &str = "PostgreSQL 请使用 pg_dump 备份 / back up PostgreSQL with pg_dump: \
     pg_dump -Fc -f tongban.dump \"$TONGBAN_DATABASE_URL\"; restore with \
     pg_restore --no-owner -d <empty database> tongban.dump, then run tongban audit verify";

/// `backup`: exit 0 when the copy is written and verifies, 1 when it does not verify, 2 when
/// the database is PostgreSQL.
pub async fn backup(
    settings: &Settings,
    dest: &Path,
    uploads: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let url = settings.database_url.trim();
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        eprintln!("{USE_PG_DUMP}");
        return Ok(ExitCode::from(2));
    }
    if dest.exists() {
        anyhow::bail!(
            "备份文件已存在 / the backup file {} already exists; choose a new name",
            dest.display()
        );
    }
    if let Some(parent) = dest.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating the directory {}", parent.display()))?;
    }
    let started = Instant::now();
    let store = open_store(settings).await?;
    let copied = store.backup_sqlite_into(dest).await;
    store.close().await;
    copied.with_context(|| format!("copying the database into {}", dest.display()))?;
    let size = std::fs::metadata(dest).map(|m| m.len()).unwrap_or(0);
    println!(
        "数据库已复制 / database copied: {} ({size} bytes, {:.1} s)",
        dest.display(),
        started.elapsed().as_secs_f64()
    );
    let uploads_line = match uploads {
        Some(to) => {
            let from = settings.uploads_dir.clone();
            let to_dir = to.to_path_buf();
            let (copied, present) =
                tokio::task::spawn_blocking(move || copy_uploads(&from, &to_dir))
                    .await
                    .context("copying the uploads")??;
            format!(
                "上传文件 / uploads: {copied} 个已复制 (copied), {present} 个已存在 (already there) → {}",
                to.display()
            )
        }
        None => format!(
            "上传文件未复制 / uploads NOT copied: back up {} too, or pass --uploads DIR",
            settings.uploads_dir.display()
        ),
    };
    println!("{uploads_line}");
    let ok = verify_copy(settings, dest).await?;
    if ok {
        println!(
            "备份完成且已校验 / backup written and verified in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        Ok(ExitCode::SUCCESS)
    } else {
        println!("备份校验失败，请勿使用此文件 / the copy did NOT verify: do not rely on it");
        Ok(ExitCode::FAILURE)
    }
}

/// Opens the copy as the server would and checks it: the schema is this build's (applied
/// migrations' checksums are checked on opening), SQLite finds it sound, the audit chain is
/// intact and every case equals the fold of its events. Prints one line per check.
async fn verify_copy(settings: &Settings, copy: &Path) -> anyhow::Result<bool> {
    let mut on_copy = settings.clone();
    on_copy.database_url = format!("sqlite://{}", copy.display());
    let app = open_app(&on_copy)
        .await
        .context("opening the copy (its migrations do not match this build?)")?;
    let store = app.store();
    let version = store.applied_schema_version().await?;
    let integrity = store.integrity_check().await?;
    let outcome = app.verify_audit_chain_as_operator().await?;
    let rebuilt = app.rebuild_applications().await?;
    store.close().await;
    let schema_ok = version == Store::schema_version();
    println!(
        "结构版本 / schema version {version}{}; 完整性 / integrity: {integrity}",
        if schema_ok {
            ""
        } else {
            " (this build expects another)"
        }
    );
    let (chain_ok, chain) = describe_outcome(&outcome);
    println!("{chain}");
    println!(
        "办件 / cases: {}, 事件 / events: {}, 不一致 / mismatches: {}",
        rebuilt.cases,
        rebuilt.events,
        rebuilt.mismatches.len()
    );
    Ok(schema_ok && integrity == "ok" && chain_ok && rebuilt.mismatches.is_empty())
}

/// Copies the blob store `from` (`ab/cd/<sm3>` files) into `to`: each missing file through a
/// temporary name, synced, then renamed; files already there (same name, same size) are
/// skipped, so a repeated backup into the same directory copies only what is new. Returns
/// (copied, already present).
fn copy_uploads(from: &Path, to: &Path) -> anyhow::Result<(u64, u64)> {
    let (mut copied, mut present) = (0, 0);
    if !from.is_dir() {
        return Ok((0, 0));
    }
    for first in read_dir(from)? {
        for second in read_dir(&first)? {
            let relative = second.strip_prefix(from).unwrap_or(&second).to_path_buf();
            let target_dir = to.join(&relative);
            let mut made_dir = false;
            for file in read_dir(&second)? {
                let Some(name) = file.file_name().and_then(|n| n.to_str()) else {
                    continue;
                };
                // Temporary files of uploads in progress start with a dot.
                if name.starts_with('.') || !file.is_file() {
                    continue;
                }
                let target = target_dir.join(name);
                let size = std::fs::metadata(&file)?.len();
                if std::fs::metadata(&target).is_ok_and(|m| m.len() == size) {
                    present += 1;
                    continue;
                }
                if !made_dir {
                    std::fs::create_dir_all(&target_dir)
                        .with_context(|| format!("creating {}", target_dir.display()))?;
                    made_dir = true;
                }
                copy_durably(&file, &target)?;
                copied += 1;
            }
            if made_dir {
                std::fs::File::open(&target_dir)?.sync_all()?;
            }
        }
    }
    Ok((copied, present))
}

/// The subdirectories or files of `dir`, sorted.
fn read_dir(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut paths = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()?;
    paths.sort();
    Ok(paths)
}

fn copy_durably(from: &Path, to: &Path) -> anyhow::Result<()> {
    let mut tmp = to.as_os_str().to_owned();
    tmp.push(".partial");
    let tmp = PathBuf::from(tmp);
    std::fs::copy(from, &tmp).with_context(|| format!("copying {}", from.display()))?;
    std::fs::File::open(&tmp)?.sync_all()?;
    std::fs::rename(&tmp, to).with_context(|| format!("renaming into {}", to.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_are_copied_once_and_temporary_files_are_left_out() {
        let root = std::env::temp_dir().join(format!("tongban-bkup-{}", std::process::id()));
        let (from, to) = (root.join("from"), root.join("to"));
        std::fs::create_dir_all(from.join("ab/cd")).unwrap();
        std::fs::write(from.join("ab/cd/abcd01"), b"one").unwrap();
        std::fs::write(from.join("ab/cd/.abcd02.x.tmp"), b"half").unwrap();
        assert_eq!(copy_uploads(&from, &to).unwrap(), (1, 0));
        assert_eq!(std::fs::read(to.join("ab/cd/abcd01")).unwrap(), b"one");
        assert!(!to.join("ab/cd/.abcd02.x.tmp").exists());
        std::fs::write(from.join("ab/cd/abcd03"), b"three").unwrap();
        assert_eq!(copy_uploads(&from, &to).unwrap(), (1, 1));
        std::fs::remove_dir_all(&root).unwrap();
    }
}
