//! Tests of the upload limits, type sniffing and the content-addressed blob store.

use super::*;

/// A unique directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        TempDir(std::env::temp_dir().join(format!(
            "tongban-uploads-{name}-{}",
            uuid::Uuid::new_v4().simple()
        )))
    }

    fn store(&self) -> BlobStore {
        BlobStore::open(self.0.clone()).unwrap()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Every file (not directory) below `dir`.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return files;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}

fn png() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend_from_slice("通办 申请材料 test".as_bytes());
    bytes
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".to_vec()
}

fn jpeg() -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
    bytes.extend_from_slice(b"JFIF\0 scanned ID card");
    bytes
}

/// An OFD skeleton (`OFD.xml` and `Doc_0/Document.xml`, deflated), made with Python's zipfile.
const OFD_HEX: &str = concat!(
    "504b030414000000080044ae7d5ddd23e3e983000000b7000000070000004f46442e786d6cb3b1afc8cd5128",
    "4b2d2acecccfb35532d433505248cd4bce4fc9cc4bb7550a0d71d3b550b2b7b3c94f4bb1f2777351002ace2b",
    "b602f26c95324a4a0aacf4f5cbcbcbf580fce282d464bdfca2747d23034333258530640321da5df2939df253",
    "2ae19ca0fcfc123b201d6fa00f244b7353f34af480c6dbe823cbc37910adfa5077d80100504b030414000000",
    "080044ae7d5dd9413481110000000f00000012000000446f635f302f446f63756d656e742e786d6cb3c94f4b",
    "b172c94f2ecd4dcd2bd1b70300504b0102140314000000080044ae7d5ddd23e3e983000000b7000000070000",
    "0000000000000000008001000000004f46442e786d6c504b0102140314000000080044ae7d5dd94134811100",
    "00000f0000001200000000000000000000008001a8000000446f635f302f446f63756d656e742e786d6c504b",
    "0506000000000200020075000000e90000000000",
);

/// A DOCX-like zip (`[Content_Types].xml`, `word/document.xml`), made with Python's zipfile.
const DOCX_HEX: &str = concat!(
    "504b030414000000080044ae7d5dc71c173c0a00000008000000130000005b436f6e74656e745f5479706573",
    "5d2e786d6cb309a92c482dd6b70300504b030414000000080044ae7d5ddd5a860d0f0000000d000000110000",
    "00776f72642f646f63756d656e742e786d6cb329b74ac94f2ecd4dcd2bd1b70300504b010214031400000008",
    "0044ae7d5dc71c173c0a000000080000001300000000000000000000008001000000005b436f6e74656e745f",
    "54797065735d2e786d6c504b0102140314000000080044ae7d5ddd5a860d0f0000000d000000110000000000",
    "0000000000008001",
    "3b000000776f72642f646f63756d656e742e786d6c504b0506000000000200020080000000790000000000",
);

fn ofd() -> Vec<u8> {
    hex::decode(OFD_HEX).unwrap()
}

fn docx() -> Vec<u8> {
    hex::decode(DOCX_HEX).unwrap()
}

#[test]
fn sm3_as_the_store_computes_it_matches_the_gbt_32905_example() {
    assert_eq!(
        to_hex(&sm3(b"abc")),
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    );
}

#[test]
fn the_stored_id_is_the_sm3_of_the_bytes() {
    let dir = TempDir::new("id");
    let blob = dir.store().put(&png(), &UploadLimits::default()).unwrap();
    // Computed independently with Python 3.11: hashlib.new('sm3', bytes).hexdigest() (OpenSSL).
    assert_eq!(
        blob.sm3_hex,
        "a5cef5b904a869740b889936f667c6215da9b13f7f792abb9a96ea4b62262036"
    );
    assert_eq!(blob.size, 32);
}

#[test]
fn a_blob_is_stored_under_the_first_two_byte_pairs_of_its_id() {
    let dir = TempDir::new("layout");
    let blob = dir.store().put(&pdf(), &UploadLimits::default()).unwrap();
    let id = &blob.sm3_hex;
    let expected = dir.0.join(&id[0..2]).join(&id[2..4]).join(id);
    assert_eq!(files_under(&dir.0), vec![expected.clone()]);
    assert_eq!(fs::read(expected).unwrap(), pdf());
}

#[test]
fn storing_the_same_bytes_twice_keeps_one_file_under_one_id() {
    let dir = TempDir::new("dedup");
    let store = dir.store();
    let first = store.put(&png(), &UploadLimits::default()).unwrap();
    let second = store.put(&png(), &UploadLimits::default()).unwrap();
    assert_eq!(first, second);
    assert_eq!(files_under(&dir.0).len(), 1);
}

#[test]
fn different_bytes_get_different_ids() {
    let dir = TempDir::new("distinct");
    let store = dir.store();
    let a = store.put(&png(), &UploadLimits::default()).unwrap();
    let b = store.put(&pdf(), &UploadLimits::default()).unwrap();
    assert_ne!(a.sm3_hex, b.sm3_hex);
    assert_eq!(files_under(&dir.0).len(), 2);
}

#[test]
fn a_file_over_the_limit_is_refused_and_nothing_is_written() {
    let dir = TempDir::new("too-large");
    let store = dir.store();
    let limits = UploadLimits {
        max_bytes: 16,
        ..UploadLimits::default()
    };
    let err = store.put(&png(), &limits).unwrap_err();
    assert_eq!(err, UploadError::TooLarge { max_bytes: 16 });
    assert_eq!(err.code(), "upload.too_large");
    assert!(files_under(&dir.0).is_empty());
    assert_eq!(fs::read_dir(&dir.0).unwrap().count(), 0);
}

#[test]
fn a_file_of_exactly_the_limit_is_accepted() {
    let dir = TempDir::new("at-limit");
    let limits = UploadLimits {
        max_bytes: 32,
        ..UploadLimits::default()
    };
    assert_eq!(png().len(), 32);
    assert!(dir.store().put(&png(), &limits).is_ok());
}

#[test]
fn a_successful_store_leaves_no_temporary_files() {
    let dir = TempDir::new("no-temp");
    let store = dir.store();
    for bytes in [png(), pdf(), jpeg(), ofd()] {
        store.put(&bytes, &UploadLimits::default()).unwrap();
    }
    let files = files_under(&dir.0);
    assert_eq!(files.len(), 4);
    for file in files {
        let name = file.file_name().unwrap().to_str().unwrap();
        assert!(check_id(name).is_ok(), "unexpected file {name}");
    }
}

#[test]
fn png_bytes_uploaded_under_a_pdf_name_are_stored_as_png() {
    // The store never sees the name "申请表.pdf" or its Content-Type: only the bytes count.
    let dir = TempDir::new("png-as-pdf");
    let blob = dir.store().put(&png(), &UploadLimits::default()).unwrap();
    assert_eq!(blob.media_type, MediaType::Png);
    assert_eq!(blob.media_type.mime(), "image/png");
}

#[test]
fn each_accepted_type_is_recognised_from_its_bytes() {
    assert_eq!(MediaType::sniff(&pdf()), Some(MediaType::Pdf));
    assert_eq!(MediaType::sniff(&jpeg()), Some(MediaType::Jpeg));
    assert_eq!(MediaType::sniff(&png()), Some(MediaType::Png));
    assert_eq!(MediaType::sniff(&ofd()), Some(MediaType::Ofd));
}

#[test]
fn a_zip_without_ofd_xml_is_not_an_ofd() {
    assert_eq!(MediaType::sniff(&docx()), None);
    // Only the zip signature, or a truncated archive, is not enough either.
    assert_eq!(MediaType::sniff(b"PK\x03\x04OFD.xml"), None);
    let ofd = ofd();
    assert_eq!(MediaType::sniff(&ofd[..ofd.len() - 30]), None);
}

#[test]
fn bytes_of_no_accepted_type_are_refused() {
    let dir = TempDir::new("unknown");
    let store = dir.store();
    for bytes in [
        b"GIF89a\x01\x00\x01\x00".to_vec(),
        b"plain text, not a document".to_vec(),
        b"MZ\x90\x00 an executable".to_vec(),
        docx(),
    ] {
        let err = store.put(&bytes, &UploadLimits::default()).unwrap_err();
        assert_eq!(err.code(), "upload.unsupported_type");
    }
    assert!(files_under(&dir.0).is_empty());
}

#[test]
fn a_recognised_type_outside_the_configured_list_is_refused() {
    let dir = TempDir::new("not-allowed");
    let limits = UploadLimits {
        allowed: vec![MediaType::Pdf, MediaType::Ofd],
        ..UploadLimits::default()
    };
    let err = dir.store().put(&png(), &limits).unwrap_err();
    assert_eq!(err.message(), "仅支持 PDF、OFD 格式的文件");
    assert!(files_under(&dir.0).is_empty());
}

#[test]
fn an_empty_file_is_refused() {
    let dir = TempDir::new("empty");
    let err = dir.store().put(&[], &UploadLimits::default()).unwrap_err();
    assert_eq!(err, UploadError::Empty);
    assert_eq!(err.code(), "upload.empty");
    assert!(files_under(&dir.0).is_empty());
}

#[test]
fn a_blob_survives_reopening_the_store() {
    let dir = TempDir::new("restart");
    let blob = dir.store().put(&ofd(), &UploadLimits::default()).unwrap();
    let reopened = BlobStore::open(dir.0.clone()).unwrap();
    assert!(reopened.exists(&blob.sm3_hex).unwrap());
    assert_eq!(reopened.get(&blob.sm3_hex).unwrap(), Some(ofd()));
}

#[test]
fn a_missing_blob_reads_as_none() {
    let dir = TempDir::new("missing");
    let store = dir.store();
    let id = to_hex(&sm3(b"never stored"));
    assert_eq!(store.get(&id).unwrap(), None);
    assert!(!store.exists(&id).unwrap());
}

#[test]
fn a_corrupted_blob_is_reported_corrupt_not_served() {
    let dir = TempDir::new("corrupt");
    let store = dir.store();
    let blob = store.put(&pdf(), &UploadLimits::default()).unwrap();
    let mut damaged = pdf();
    damaged[10] ^= 0x01;
    fs::write(store.path_for(&blob.sm3_hex), damaged).unwrap();
    let err = store.get(&blob.sm3_hex).unwrap_err();
    assert_eq!(
        err,
        UploadError::Corrupt {
            sm3_hex: blob.sm3_hex.clone()
        }
    );
    assert_eq!(err.code(), "upload.corrupt");
}

#[test]
fn storing_the_bytes_again_repairs_a_damaged_copy() {
    let dir = TempDir::new("repair");
    let store = dir.store();
    let blob = store.put(&jpeg(), &UploadLimits::default()).unwrap();
    fs::write(store.path_for(&blob.sm3_hex), b"truncated").unwrap();
    assert_eq!(store.put(&jpeg(), &UploadLimits::default()).unwrap(), blob);
    assert_eq!(store.get(&blob.sm3_hex).unwrap(), Some(jpeg()));
    assert_eq!(files_under(&dir.0).len(), 1);
}

#[test]
fn ids_that_are_not_64_lowercase_hex_digits_are_refused() {
    let dir = TempDir::new("bad-id");
    let store = dir.store();
    let good = to_hex(&sm3(b"x"));
    let traversal = format!("../{}", &good[3..]);
    for id in [
        "../x".to_owned(),
        String::new(),
        traversal,
        good.to_uppercase(),
        good[..63].to_owned(),
        format!("{good}0"),
        format!("{}/{}", &good[..31], &good[32..]),
        format!("{}g", &good[..63]),
    ] {
        assert_eq!(store.get(&id), Err(UploadError::BadId), "{id:?}");
        assert_eq!(store.exists(&id), Err(UploadError::BadId), "{id:?}");
    }
}

#[test]
fn messages_tell_the_citizen_what_to_do() {
    let defaults = UploadLimits::default();
    assert_eq!(defaults.max_bytes, 20 * 1024 * 1024);
    assert_eq!(
        defaults.check(&[b'x'; 1]).unwrap_err().message(),
        "仅支持 PDF、JPG、PNG、OFD 格式的文件"
    );
    assert_eq!(
        UploadError::TooLarge {
            max_bytes: defaults.max_bytes
        }
        .message(),
        "文件超过 20 MB，请压缩后重新上传"
    );
    assert_eq!(
        UploadError::TooLarge {
            max_bytes: 1536 * 1024
        }
        .message(),
        "文件超过 1.5 MB，请压缩后重新上传"
    );
    assert_eq!(
        UploadError::TooLarge {
            max_bytes: 512 * 1024
        }
        .message(),
        "文件超过 512 KB，请压缩后重新上传"
    );
    // Faults of the platform never show their cause to the citizen.
    let io = UploadError::Io("writing /srv/uploads/ab: disk full".into());
    assert!(!io.message().contains("/srv"));
}

#[test]
fn citizen_errors_become_field_errors_and_faults_internal_errors() {
    match AppError::from(UploadError::Empty) {
        AppError::Invalid { fields, .. } => {
            assert_eq!(fields.len(), 1);
            assert_eq!(fields[0].field, "file");
            assert_eq!(fields[0].code, "upload.empty");
            assert_eq!(fields[0].message, "文件内容为空，请重新选择文件上传");
        }
        other => panic!("expected a field error, got {other:?}"),
    }
    assert!(matches!(
        AppError::from(UploadError::BadId),
        AppError::Invalid { .. }
    ));
    assert!(matches!(
        AppError::from(UploadError::Io("disk full".into())),
        AppError::Internal(_)
    ));
    assert!(matches!(
        AppError::from(UploadError::Corrupt {
            sm3_hex: to_hex(&sm3(b"x"))
        }),
        AppError::Internal(_)
    ));
}

#[tokio::test]
async fn the_async_wrappers_store_and_read_back() {
    let dir = TempDir::new("async");
    let store = dir.store();
    let blob = store
        .put_async(png(), &UploadLimits::default())
        .await
        .unwrap();
    assert_eq!(blob.media_type, MediaType::Png);
    assert_eq!(store.get_async(&blob.sm3_hex).await.unwrap(), Some(png()));
    assert_eq!(store.get_async("../x").await, Err(UploadError::BadId));
}
