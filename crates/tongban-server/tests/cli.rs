//! The `tongban` binary as an operator uses it: validation, the calendar, migrations and audit
//! verification (including tampering done directly in the SQLite file), and the upstream push.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use sqlx::{Connection as _, SqliteConnection};

/// A temporary working directory with its own database and secret key.
struct Sandbox {
    dir: PathBuf,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = std::env::temp_dir().join(format!("tongban-cli-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        Sandbox { dir }
    }

    fn db(&self) -> PathBuf {
        self.dir.join("db").join("tongban.db")
    }

    /// `tongban ARGS` pointed at this sandbox's database and secret key.
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tongban"));
        command
            .args(args)
            .current_dir(&self.dir)
            .env(
                "TONGBAN_DATABASE_URL",
                format!("sqlite://{}", self.db().display()),
            )
            .env("TONGBAN_SECRET_KEY_FILE", self.dir.join("secret.key"))
            .env("RUST_LOG", "warn");
        command
    }

    /// Runs `tongban ARGS` against this sandbox's database, with `stdin` as input.
    fn run(&self, args: &[&str], stdin: &str) -> Output {
        run_command(self.command(args), stdin)
    }

    /// Runs one SQL statement directly on the database file, as an intruder would.
    fn tamper(&self, sql: &'static str) {
        let url = format!("sqlite://{}", self.db().display());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let mut conn = SqliteConnection::connect(&url).await.unwrap();
            let done = sqlx::query(sql).execute(&mut conn).await.unwrap();
            assert_eq!(done.rows_affected(), 1, "{sql}");
            conn.close().await.unwrap();
        });
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn run_command(mut command: Command, stdin: &str) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A command that fails before reading its input (a usage error) closes the pipe early.
    if let Err(err) = child.stdin.take().unwrap().write_all(stdin.as_bytes()) {
        assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe, "{err}");
    }
    child.wait_with_output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn all_output(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

const CALENDAR_2027: &str = r#"{"year":2027,"source":"测试通知","holidays":[{"date":"2027-01-01","name":"元旦"}],"makeup_workdays":[{"date":"2027-02-06","name":"春节"}]}"#;
const CALENDAR_2028: &str = r#"{"year":2028,"source":"测试通知","holidays":[{"date":"2028-01-03","name":"元旦"}],"makeup_workdays":[]}"#;

/// A database whose chain holds three events: the built-in calendar, then 2027 and 2028.
fn sandbox_with_three_events() -> Sandbox {
    let sb = Sandbox::new();
    let y2027 = sb.write("2027.json", CALENDAR_2027);
    let y2028 = sb.write("2028.json", CALENDAR_2028);
    assert!(
        sb.run(&["calendar", "import", y2027.to_str().unwrap()], "")
            .status
            .success()
    );
    assert!(
        sb.run(&["calendar", "import", y2028.to_str().unwrap()], "")
            .status
            .success()
    );
    let out = sb.run(&["audit", "verify"], "");
    assert!(out.status.success(), "{}", all_output(&out));
    assert!(stdout(&out).contains("3 个事件"), "{}", stdout(&out));
    sb
}

#[test]
fn validate_resident_ids_reports_one_line_per_value() {
    let sb = Sandbox::new();
    let out = sb.run(
        &["validate", "--kind", "resident-id"],
        "11010519491231002X\n110105194912310021\nabc\n",
    );
    assert!(out.status.success(), "{}", all_output(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(lines[0], "ok");
    assert!(lines[1].starts_with("error: "), "{text}");
    assert!(lines[2].starts_with("error: "), "{text}");
    assert!(!sb.db().exists(), "validate must not need a database");
}

#[test]
fn validate_usccs_checks_the_gb_32100_check_character() {
    let sb = Sandbox::new();
    let out = sb.run(
        &["validate", "--kind", "uscc"],
        "91350200776049653A\n91350203M0001QAY9B\n",
    );
    assert!(out.status.success());
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(lines[0], "ok");
    assert!(lines[1].starts_with("error: "), "{text}");
}

#[test]
fn an_unknown_validate_kind_is_a_usage_error() {
    let out = Sandbox::new().run(&["validate", "--kind", "passport"], "x\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("passport"));
}

#[test]
fn calendar_show_2025_as_json_lists_365_days_of_which_248_are_working_days() {
    let sb = Sandbox::new();
    let out = sb.run(&["calendar", "show", "2025", "--json"], "");
    assert!(out.status.success(), "{}", all_output(&out));
    let days: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(days.len(), 365);
    assert_eq!(days.iter().filter(|d| d["working"] == true).count(), 248);
    let national_day = days.iter().find(|d| d["date"] == "2025-10-01").unwrap();
    assert_eq!(national_day["weekday"], "周三");
    assert_eq!(national_day["reason_kind"], "holiday");
    assert_eq!(national_day["holiday_name"], "国庆节、中秋节");
}

#[test]
fn calendar_show_in_text_ends_with_the_yearly_total() {
    let out = Sandbox::new().run(&["calendar", "show", "2025"], "");
    assert!(out.status.success(), "{}", all_output(&out));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 366);
    assert!(
        text.contains("2025-01-26  周日  工作日  调休上班（春节）"),
        "{text}"
    );
    assert_eq!(text.lines().last(), Some("2025 年共 248 个工作日"));
}

#[test]
fn calendar_show_for_a_year_that_is_not_loaded_fails_naming_the_year() {
    let out = Sandbox::new().run(&["calendar", "show", "2030"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("2030"),
        "{}",
        all_output(&out)
    );
}

#[test]
fn an_imported_year_can_then_be_shown() {
    let sb = Sandbox::new();
    let file = sb.write("2027.json", CALENDAR_2027);
    let out = sb.run(&["calendar", "import", file.to_str().unwrap()], "");
    assert!(out.status.success(), "{}", all_output(&out));
    assert!(stdout(&out).contains("2027"), "{}", stdout(&out));
    let out = sb.run(&["calendar", "show", "2027", "--json"], "");
    assert!(out.status.success(), "{}", all_output(&out));
    let days: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(days.len(), 365);
    let makeup = days.iter().find(|d| d["date"] == "2027-02-06").unwrap();
    assert_eq!(makeup["reason_kind"], "makeup_workday");
    assert_eq!(makeup["working"], true);
}

#[test]
fn an_invalid_calendar_file_is_refused_with_the_reason_in_chinese() {
    let sb = Sandbox::new();
    let bad = CALENDAR_2027.replace("2027-02-06", "2027-02-08");
    let file = sb.write("bad.json", &bad);
    let out = sb.run(&["calendar", "import", file.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("调休上班日只能是周六或周日"),
        "{}",
        all_output(&out)
    );
}

#[test]
fn migrate_then_audit_verify_succeeds_on_a_fresh_database() {
    let sb = Sandbox::new();
    let out = sb.run(&["migrate"], "");
    assert!(out.status.success(), "{}", all_output(&out));
    assert!(
        stdout(&out).contains(&format!(
            "schema version {}",
            tongban_store::Store::schema_version()
        )),
        "{}",
        stdout(&out)
    );
    let out = sb.run(&["audit", "verify"], "");
    assert!(out.status.success(), "{}", all_output(&out));
    assert!(stdout(&out).contains("intact"), "{}", stdout(&out));
}

#[test]
fn an_edited_event_payload_is_detected_and_named() {
    let sb = sandbox_with_three_events();
    sb.tamper("UPDATE events SET payload = '{}' WHERE seq = 2");
    let out = sb.run(&["audit", "verify"], "");
    assert_eq!(out.status.code(), Some(1), "{}", all_output(&out));
    let text = all_output(&out);
    assert!(text.contains("#2") || text.contains("seq 2"), "{text}");
    assert!(text.contains("BROKEN"), "{text}");
}

#[test]
fn a_deleted_middle_event_is_detected_and_named() {
    let sb = sandbox_with_three_events();
    sb.tamper("DELETE FROM events WHERE seq = 2");
    let out = sb.run(&["audit", "verify"], "");
    assert_eq!(out.status.code(), Some(1), "{}", all_output(&out));
    let text = all_output(&out);
    assert!(text.contains("事件 #2 缺失"), "{text}");
}

#[test]
fn a_deleted_last_event_shows_as_a_head_mismatch() {
    let sb = sandbox_with_three_events();
    sb.tamper("DELETE FROM events WHERE seq = 3");
    let out = sb.run(&["audit", "verify"], "");
    assert_eq!(out.status.code(), Some(1), "{}", all_output(&out));
    let text = all_output(&out);
    assert!(text.contains("seq 3") && text.contains("seq 2"), "{text}");
}

#[test]
fn version_needs_no_database() {
    let sb = Sandbox::new();
    let out = sb.run(&["version"], "");
    assert!(out.status.success());
    assert!(stdout(&out).contains(env!("CARGO_PKG_VERSION")));
    assert!(!sb.db().exists());
}

#[test]
fn a_config_file_supplies_settings_and_the_environment_overrides_them() {
    let sb = Sandbox::new();
    let file_db = sb.dir.join("from-file.db");
    let key = sb.dir.join("keys").join("file.key");
    let config = sb.write(
        "tongban.toml",
        &format!(
            "database_url = \"sqlite://{}\"\nsecret_key_file = \"{}\"\n",
            file_db.display(),
            key.display()
        ),
    );
    let config = config.to_str().unwrap();
    // TONGBAN_DATABASE_URL and TONGBAN_SECRET_KEY_FILE (set by `command`) win over the file.
    let out = sb.run(&["calendar", "show", "2025", "--config", config], "");
    assert!(out.status.success(), "{}", all_output(&out));
    assert!(sb.db().exists() && !file_db.exists() && !key.exists());
    // Without them, the file's values are used, and a fresh key is written owner-only.
    let mut command = sb.command(&["calendar", "show", "2025", "--config", config]);
    command
        .env_remove("TONGBAN_DATABASE_URL")
        .env_remove("TONGBAN_SECRET_KEY_FILE");
    let out = run_command(command, "");
    assert!(out.status.success(), "{}", all_output(&out));
    assert!(file_db.exists() && key.exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let text = std::fs::read_to_string(&key).unwrap();
    assert_eq!(text.trim().len(), 64);
    assert!(
        !all_output(&out).contains(text.trim()),
        "the secret key must never be printed"
    );
}

#[test]
fn a_missing_config_file_is_reported() {
    let out = Sandbox::new().run(&["migrate", "--config", "nope.toml"], "");
    assert!(!out.status.success());
    assert!(
        all_output(&out).contains("nope.toml"),
        "{}",
        all_output(&out)
    );
}

#[test]
fn applications_verify_passes_on_a_consistent_store_and_fails_on_a_row_without_events() {
    let sb = Sandbox::new();
    assert!(sb.run(&["migrate"], "").status.success());
    let out = sb.run(&["applications", "verify"], "");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("cases: 0") && text.contains("mismatches: 0"),
        "{text}"
    );

    // A forged row: a case with no event behind it (foreign keys off, as a raw edit would).
    forge(
        &sb,
        "INSERT INTO applications (id, number, item_id, item_version, department_id,
            division_code, applicant_account, agent_account, bundle_id, channel, status,
            role_due, assigned, visits, revision, state_json, created_at_ms, updated_at_ms)
         VALUES ('forged', '51190020261127000001', 'i', 1, 'd', '511900000000', 'a', '', '',
            'pc', 'completed', '', 0, 0, 1, '{}', 0, 0)",
    );
    let out = sb.run(&["applications", "verify"], "");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("mismatches: 1"), "{text}");
    assert!(text.contains("51190020261127000001"), "{text}");
}

fn forge(sb: &Sandbox, sql: &'static str) {
    use std::str::FromStr as _;
    let options =
        sqlx::sqlite::SqliteConnectOptions::from_str(&format!("sqlite://{}", sb.db().display()))
            .unwrap()
            .foreign_keys(false);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut conn = SqliteConnection::connect_with(&options).await.unwrap();
        sqlx::query(sql).execute(&mut conn).await.unwrap();
        conn.close().await.unwrap();
    });
}

#[test]
fn upstream_status_says_when_no_address_is_configured_and_push_then_fails() {
    let sb = Sandbox::new();
    let out = sb.run(&["upstream", "status"], "");
    assert!(out.status.success(), "{}", all_output(&out));
    let text = stdout(&out);
    assert!(text.starts_with("未配置上级平台地址"), "{text}");
    assert!(
        text.contains("licences: 已推送 / pushed 0, 待推送 / backlog 0"),
        "{text}"
    );
    let out = sb.run(&["upstream", "push"], "");
    assert_eq!(out.status.code(), Some(1), "{}", all_output(&out));
    let mut https = sb.command(&["upstream", "status"]);
    https.env("TONGBAN_UPSTREAM_URL", "https://gov.example/events");
    let out = run_command(https, "");
    assert!(!out.status.success());
    assert!(all_output(&out).contains("upstream_url must start with http://"));
}

/// One column of one row, read directly from the database file.
fn read_value(sb: &Sandbox, sql: &'static str) -> String {
    let url = format!("sqlite://{}", sb.db().display());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut conn = SqliteConnection::connect(&url).await.unwrap();
        let (value,): (String,) = sqlx::query_as(sql).fetch_one(&mut conn).await.unwrap();
        conn.close().await.unwrap();
        value
    })
}

#[test]
fn admin_seal_pii_seals_a_plaintext_profile_once() {
    let sb = Sandbox::new();
    assert!(sb.run(&["migrate"], "").status.success());
    sb.tamper(
        "INSERT INTO accounts (id, kind, login, display_name, password_hash, role, unit_kind,
             unit_id, disabled, created_at_ms)
         VALUES ('c1', 'citizen', 'old', '张三', 'x', NULL, NULL, NULL, 0, 0)",
    );
    sb.tamper(
        "INSERT INTO citizen_profiles (account_id, real_name, id_number, id_number_key, phone,
             division_code)
         VALUES ('c1', '张三', '11010519491231002X', 'k', '13812348000', NULL)",
    );
    let out = sb.run(&["admin", "seal-pii", "--batch", "10"], "");
    assert!(out.status.success(), "{}", all_output(&out));
    assert!(
        stdout(&out).contains("(citizen profiles) 1,"),
        "{}",
        stdout(&out)
    );
    let sealed = read_value(&sb, "SELECT id_number || phone FROM citizen_profiles");
    assert!(sealed.starts_with("sm4g1:"), "{sealed:.12}");
    assert!(!sealed.contains("11010519491231002X") && !sealed.contains("13812348000"));
    assert!(!all_output(&out).contains("11010519491231002X"));
    let again = sb.run(&["admin", "seal-pii"], "");
    assert!(
        stdout(&again).contains("(citizen profiles) 0,"),
        "{}",
        stdout(&again)
    );
    assert_eq!(
        read_value(&sb, "SELECT id_number || phone FROM citizen_profiles"),
        sealed
    );
}
