//! `tongban demo`: a seeded demo city on a local SQLite file, served with its logins printed.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use tongban_demo::{
    CITIZEN_PASSWORD, DemoCity, DemoConfig, ENTERPRISE_PASSWORD, STAFF_PASSWORD, UnitKind,
};

use crate::context::open_app;
use crate::serve::{bind, run_web};
use crate::settings::Settings;

/// The fixed, easy staff logins of the demo city (see `tongban_demo`).
pub const STAFF_LOGINS: [&str; 8] = [
    "admin",
    "supervisor",
    "deptadmin",
    "clerk",
    "reviewer",
    "approver",
    "handler",
    "runner",
];

/// `demo [--listen ADDR] [--data DIR]`.
pub async fn demo(
    mut settings: Settings,
    data_dir: &Path,
    listen: Option<String>,
) -> anyhow::Result<ExitCode> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating the demo data directory {}", data_dir.display()))?;
    let db_path = data_dir.join("tongban.db");
    let db_path_text = db_path
        .to_str()
        .context("the demo data directory must be a UTF-8 path")?;
    settings.database_url = format!("sqlite://{db_path_text}");
    settings.secret_key_file = data_dir.join("secret.key");
    settings.licence_master_key_file = data_dir.join("licence-master.key");
    settings.notify_sms_file = data_dir.join("outbox").join("sms.jsonl");
    settings.notify_email_file = data_dir.join("outbox").join("email.jsonl");
    settings.uploads_dir = data_dir.join("uploads");
    settings.listen = listen.unwrap_or_else(|| "127.0.0.1:8080".to_string());
    settings.cookie_secure = false;

    let existed = db_path.exists();
    let app = open_app(&settings).await?;
    let city = tongban_demo::generate(&DemoConfig::default());
    let seeded = app
        .store()
        .child_divisions(None)
        .await
        .context("reading the demo database")?;
    if !existed || seeded.is_empty() {
        println!(
            "正在生成演示数据 / seeding the demo city into {} …",
            db_path.display()
        );
        let report = app
            .seed_demo(city.clone())
            .await
            .context("seeding the demo city")?;
        println!(
            "已写入 / seeded: {} 个行政区划 (divisions), {} 个部门 (departments), {} 个服务大厅 (halls), \
             {} 名工作人员 (staff), {} 名群众 (citizens), {} 家企业 (enterprises)",
            report.divisions,
            report.departments,
            report.halls,
            report.staff,
            report.citizens,
            report.enterprises
        );
    } else {
        println!(
            "使用已有演示数据库 / using the existing demo database {}",
            db_path.display()
        );
    }
    // The catalogue is seeded on its own, so a demo database made before it existed gains it.
    let items = app
        .seed_catalog(tongban_demo::catalog_items(&city))
        .await
        .context("seeding the demo catalogue")?;
    if items > 0 {
        println!("已写入 / seeded: {items} 个政务服务事项 (service items)");
    }
    // The lists (权责清单 …) likewise, after the catalogue their licensing list agrees with.
    let started = std::time::Instant::now();
    let editions = tongban_demo::list_editions(&city, &tongban_demo::catalog_items(&city))
        .into_iter()
        .map(|e| tongban_app::SeedEdition {
            kind: e.kind,
            year: e.year,
            entries: e.entries,
        })
        .collect();
    let rows = app
        .seed_lists(editions)
        .await
        .context("seeding the demo lists")?;
    if rows > 0 {
        println!(
            "已写入 / seeded: {rows} 行清单数据 (list rows: entries and duties, 6 editions) in {} ms",
            started.elapsed().as_millis()
        );
    }
    seed_history(&app, &city, settings.demo_applications).await?;
    seed_licences(&app, &city, settings.demo_licences).await?;
    // The indicators are projected from the seeded log before the first page asks for them.
    crate::indicators_cmd::refresh(&app, None).await?;

    let listener = bind(&settings.listen).await?;
    let addr = listener.local_addr().context("reading the bound address")?;
    println!();
    println!("演示站点已启动 / demo running at: http://{addr}/");
    println!();
    print!("{}", logins_table(&city));
    println!();
    println!("按 Ctrl-C 停止 / press Ctrl-C to stop");
    run_web(app, listener, &settings).await?;
    Ok(ExitCode::SUCCESS)
}

/// Seeds about `cases` cases of history (a year's at the default), unless there are some.
pub async fn seed_history(
    app: &tongban_app::App,
    city: &DemoCity,
    cases: usize,
) -> anyhow::Result<()> {
    if cases == 0 {
        return Ok(());
    }
    let started = std::time::Instant::now();
    // Every material of the history is the one sample PDF; put it where the cases point.
    if let Some(dir) = app.uploads_dir() {
        tongban_app::uploads::BlobStore::open(dir.to_path_buf())
            .and_then(|blobs| {
                blobs.put(
                    tongban_demo::SAMPLE_MATERIAL_PDF,
                    &tongban_app::uploads::UploadLimits::default(),
                )
            })
            .map_err(|e| anyhow::anyhow!("storing the sample material: {e}"))?;
    }
    let items = tongban_demo::catalog_items(city);
    let cfg = if cases >= crate::settings::DEFAULT_DEMO_APPLICATIONS as usize {
        tongban_demo::ApplicationsConfig::default()
    } else {
        tongban_demo::ApplicationsConfig::small(cases)
    };
    let plan = tongban_demo::application_plan(city, &items, &cfg);
    let online = plan
        .cases
        .iter()
        .filter(|c| !c.channel.counts_a_visit())
        .count();
    let report = app
        .seed_applications(plan)
        .await
        .context("seeding the demo history of applications")?;
    if !report.already_seeded {
        println!(
            "已写入 / seeded: {} 件办件 (applications, {} online), {} 条事件 (events) in {} ms",
            report.cases,
            online,
            report.events,
            started.elapsed().as_millis()
        );
    }
    Ok(())
}

/// Seeds the licence catalogue and `total` signed licences (once).
pub async fn seed_licences(
    app: &tongban_app::App,
    city: &DemoCity,
    total: usize,
) -> anyhow::Result<()> {
    if total == 0 {
        return Ok(());
    }
    let report = app
        .seed_licences(city, total)
        .await
        .context("seeding the demo licences")?;
    if !report.already_seeded {
        println!(
            "已写入 / seeded: {} 种证照类型 (licence types), {} 条互通互认 (recognitions), {} 张电子证照 (signed licences: {} from cases, {} historic), {} 条用证记录 (usage records) in {} ms",
            report.types,
            report.recognitions,
            report.from_cases + report.historic,
            report.from_cases,
            report.historic,
            report.usages,
            report.elapsed_ms
        );
    }
    Ok(())
}

/// The demo logins, one per line: login, password, role and unit.
pub fn logins_table(city: &DemoCity) -> String {
    let mut out = String::from("演示账号 / demo logins:\n");
    out.push_str(&format!(
        "  {:<12} {:<17} {}\n",
        "login", "password", "角色 role — 单位 unit"
    ));
    for login in STAFF_LOGINS {
        let Some(staff) = city.staff.iter().find(|s| s.login == login) else {
            continue;
        };
        let unit = unit_name(city, staff.unit_kind, &staff.unit_key);
        out.push_str(&format!(
            "  {:<12} {:<17} {} — {unit}\n",
            login,
            STAFF_PASSWORD,
            staff.role.name_zh()
        ));
    }
    if let Some(citizen) = city.citizens.first() {
        out.push_str(&format!(
            "  {:<12} {:<17} 自然人 citizen — {}\n",
            citizen.login, CITIZEN_PASSWORD, citizen.name
        ));
    }
    if let Some(enterprise) = city.enterprises.first() {
        out.push_str(&format!(
            "  {:<12} {:<17} 法人 enterprise — {}\n",
            enterprise.login, ENTERPRISE_PASSWORD, enterprise.name
        ));
    }
    out
}

fn unit_name(city: &DemoCity, kind: UnitKind, key: &str) -> String {
    let name = match kind {
        UnitKind::Division => city
            .divisions
            .iter()
            .find(|d| d.code == key)
            .map(|d| d.name.clone()),
        UnitKind::Department => city
            .departments
            .iter()
            .find(|d| d.key == key)
            .map(|d| d.name.clone()),
        UnitKind::Hall => city
            .halls
            .iter()
            .find(|h| h.key == key)
            .map(|h| h.name.clone()),
    };
    name.unwrap_or_else(|| key.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_logins_table_lists_every_fixed_login_with_its_password() {
        let city = tongban_demo::generate(&DemoConfig {
            seed: 1,
            citizens: 2,
            enterprises: 2,
        });
        let table = logins_table(&city);
        for login in STAFF_LOGINS {
            let line = table
                .lines()
                .find(|l| l.trim_start().starts_with(&format!("{login} ")))
                .unwrap_or_else(|| panic!("{login} missing from\n{table}"));
            assert!(line.contains(STAFF_PASSWORD), "{line}");
        }
        assert!(
            table.contains(&format!("citizen      {CITIZEN_PASSWORD}")),
            "{table}"
        );
        assert!(
            table.contains(&format!("enterprise   {ENTERPRISE_PASSWORD}")),
            "{table}"
        );
        assert!(table.contains("市场监督管理局"), "{table}");
    }
}
