//! `tongban lists import --list <code> --edition <year> FILE [--dry-run]`: check or import a
//! list edition from an xlsx or CSV file in the layout of `docs/import-format.md`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use tongban_app::App;
use tongban_app::import::ImportReport;
use tongban_domain::lists::{ListKind, edition_label, parse_edition};

use crate::calendar_cmd::EXIT_INPUT;

/// The report as text: one line per problem (sheet, row, column, reason), then the counts.
pub fn render_report(report: &ImportReport) -> String {
    let mut out = String::new();
    for p in &report.problems {
        let place = if p.row == 0 {
            p.sheet.clone()
        } else if p.column.is_empty() {
            format!("{} 第 {} 行", p.sheet, p.row)
        } else {
            format!(
                "{} 第 {} 行 {} 列（{}）",
                p.sheet, p.row, p.column, p.header
            )
        };
        out.push_str(&format!("{place}：{}\n", p.reason));
    }
    if report.problem_count > report.problems.len() {
        out.push_str(&format!(
            "……另有 {} 处问题未列出\n",
            report.problem_count - report.problems.len()
        ));
    }
    let label = edition_label(report.year);
    let what = format!(
        "{} 行，{} 个事项，{} 项责任事项",
        report.rows, report.entries, report.duties
    );
    out.push_str(&if report.problem_count > 0 {
        format!(
            "发现 {} 处问题，未导入 / {} problem(s), nothing written ({what})\n",
            report.problem_count, report.problem_count
        )
    } else if report.applied {
        format!("已导入为{label}草稿 / imported as a draft: {what}\n")
    } else {
        format!("检查通过，可以导入 / dry run ok: {what}\n")
    });
    out
}

/// `lists import`.
pub async fn import(
    app: &App,
    list: &str,
    edition: &str,
    file: &Path,
    dry_run: bool,
) -> anyhow::Result<ExitCode> {
    let (Some(kind), Some(year)) = (ListKind::parse(list), parse_edition(edition)) else {
        eprintln!(
            "错误 / error: 清单应为 power、licensing 或 trading，版本应为年份（如 2024） / bad --list or --edition"
        );
        return Ok(ExitCode::from(EXIT_INPUT));
    };
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(err) => {
            eprintln!(
                "错误 / error: 无法读取文件 / cannot read {}: {err}",
                file.display()
            );
            return Ok(ExitCode::from(EXIT_INPUT));
        }
    };
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let report = app
        .import_list_edition_as("cli", kind, year, &name, bytes, dry_run)
        .await
        .context("importing the list edition")?;
    print!("{}", render_report(&report));
    Ok(if report.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_INPUT)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tongban_app::import::ImportProblem;

    fn report(problems: usize) -> ImportReport {
        ImportReport {
            kind: ListKind::PowerDuty,
            year: 2024,
            file_name: "权责.xlsx".into(),
            dry_run: true,
            applied: false,
            rows: 3,
            entries: 1,
            duties: 3,
            problems: (0..problems.min(2))
                .map(|i| ImportProblem {
                    sheet: "职权".into(),
                    row: 1234 + i as u32,
                    column: "C".into(),
                    header: "事项类型".into(),
                    reason: "事项类型“行政处分”不存在".into(),
                })
                .collect(),
            problem_count: problems,
            edition: None,
        }
    }

    #[test]
    fn the_report_names_sheet_row_and_column_of_each_problem_and_counts_the_rest() {
        let text = render_report(&report(5));
        assert!(text.starts_with("职权 第 1234 行 C 列（事项类型）：事项类型“行政处分”不存在\n"));
        assert!(text.contains("……另有 3 处问题未列出"));
        assert!(text.contains("发现 5 处问题，未导入"));
    }

    #[test]
    fn a_clean_dry_run_says_it_may_be_imported() {
        assert!(render_report(&report(0)).contains("检查通过，可以导入"));
    }
}
