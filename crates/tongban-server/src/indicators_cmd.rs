//! `tongban indicators refresh`: project the new events of the log into the indicator tables
//! now, and print the city's headline figures.

use std::process::ExitCode;

use anyhow::Context as _;
use tongban_app::App;
use tongban_domain::indicators::{Indicator, Period, PeriodKind};

/// Projects every new event, then prints the city's figures for `year` (default: this year).
pub async fn refresh(app: &App, year: Option<i32>) -> anyhow::Result<ExitCode> {
    let report = app
        .refresh_indicators(&crate::periodic::indicator_holder())
        .await
        .context("projecting the indicators")?;
    if report.busy {
        println!("另一进程正在统计 / another process holds the projector's lease; try again later");
        return Ok(ExitCode::FAILURE);
    }
    println!(
        "已统计 / projected: {} 条事件 (events), {} 件办结 (completed cases), {} 条评价 (ratings), {} 步整改 (rectification steps); 游标 / cursor at {}",
        report.events, report.cases, report.ratings, report.rectification_steps, report.last_seq
    );
    let year = year.unwrap_or_else(|| app.now().to_offset(tongban_app::beijing()).year());
    print_city_figures(app, year).await
}

/// Prints the city's 办结件数, 全程网办率, 办理提速 and 按时办结率 for `year`.
pub async fn print_city_figures(app: &App, year: i32) -> anyhow::Result<ExitCode> {
    let Ok(jan1) = time::Date::from_calendar_date(year, time::Month::January, 1) else {
        anyhow::bail!("no such year: {year}");
    };
    let period = Period::containing(PeriodKind::Year, jan1);
    let c = app
        .indicator_city_counters(&period)
        .await
        .context("reading the city's counters")?;
    println!(
        "{} 全市 / city: 办结 {} 件, {} {}, {} {}, {} {}, {} {}",
        period.name_zh(),
        c.completed,
        Indicator::FullyOnlineRate.name_zh(),
        Indicator::FullyOnlineRate.value(&c).text(),
        Indicator::Speedup.name_zh(),
        Indicator::Speedup.value(&c).text(),
        Indicator::OnTimeRate.name_zh(),
        Indicator::OnTimeRate.value(&c).text(),
        Indicator::GoodRate.name_zh(),
        Indicator::GoodRate.value(&c).text(),
    );
    Ok(ExitCode::SUCCESS)
}
