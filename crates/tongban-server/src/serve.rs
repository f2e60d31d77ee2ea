//! `tongban serve`, and the one place that hands the application to the web layer.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use tokio::net::TcpListener;
use tongban_app::App;

use crate::context::open_app;
use crate::notify;
use crate::periodic::Periodic;
use crate::settings::Settings;
use crate::upstream;

/// Binds the listening socket, with a message that says what to do when the port is taken.
pub async fn bind(addr: &str) -> anyhow::Result<TcpListener> {
    TcpListener::bind(addr).await.with_context(|| {
        format!("无法监听 / cannot listen on {addr} (in use? try --listen 127.0.0.1:8081)")
    })
}

/// Serves `app` on `listener` until Ctrl-C or SIGTERM, delivering notices through the senders
/// the settings choose and pushing events upstream, then lets the dispatcher and the pusher
/// finish their rounds and closes the store.
pub async fn run_web(app: App, listener: TcpListener, settings: &Settings) -> anyhow::Result<()> {
    let options = tongban_web::WebOptions {
        cookie_secure: settings.cookie_secure,
        trust_forwarded_for: settings.trust_forwarded_for,
        max_body_bytes: settings.max_body_bytes,
        max_upload_bytes: settings.max_upload_bytes,
    };
    // Rows written before sealing existed are sealed before serving (idempotent, cheap when
    // there is nothing left to seal; several servers may do it at once).
    let sealed = app
        .store()
        .seal_plaintext_pii(1000)
        .await
        .context("sealing personal fields stored in plaintext")?;
    if sealed.citizen_profiles + sealed.outbox + sealed.licences > 0 {
        tracing::info!(
            citizen_profiles = sealed.citizen_profiles,
            outbox = sealed.outbox,
            licences = sealed.licences,
            "sealed personal fields stored in plaintext"
        );
    }
    let app = app
        .with_senders(notify::senders(settings)?)
        .with_upstream(upstream::upstream(settings)?);
    let (sms, email) = notify::describe(settings);
    tracing::info!(%sms, %email, "delivering notices");
    let target = app.upstream().sender.as_ref().map(|s| s.target());
    tracing::info!(
        upstream = target.as_deref().unwrap_or("none"),
        "pushing events upstream"
    );
    let every = |ms: u64| Duration::from_millis(ms);
    let dispatcher = notify::spawn_dispatcher(app.clone(), every(settings.dispatch_every_ms));
    let pusher = upstream::spawn_pusher(app.clone(), every(settings.push_every_ms));
    let sweeper = spawn_sweeper(app.clone(), every(settings.sweep_every_ms));
    let drafter =
        crate::periodic::spawn_letter_drafter(app.clone(), every(settings.letters_every_ms));
    let projector = crate::periodic::spawn_indicator_projector(
        app.clone(),
        every(settings.indicators_every_ms),
    );
    let store = app.store().clone();
    let served = tongban_web::serve(app, listener, options).await;
    dispatcher.stop().await;
    pusher.stop().await;
    sweeper.stop().await;
    drafter.stop().await;
    projector.stop().await;
    store.close().await;
    served.context("serving HTTP")?;
    tracing::info!("stopped");
    Ok(())
}

/// Reloads the shared tables, ends overdue 容缺 cases and escalates overdue steps and 差评 cases
/// every `every` until stopped.
fn spawn_sweeper(app: App, every: Duration) -> Periodic {
    Periodic::spawn(every, move || {
        let app = app.clone();
        async move {
            // Another process may have imported a calendar year or a licence catalogue.
            if let Err(err) = app.reload_shared_tables().await {
                tracing::error!(error = %err, "reloading the calendar and catalogue failed");
            }
            match app.sweep_applications(500).await {
                Ok(r) if r.terminated + r.escalated > 0 => tracing::info!(
                    terminated = r.terminated,
                    escalated = r.escalated,
                    "applications swept"
                ),
                Ok(_) => {}
                Err(err) => tracing::error!(error = %err, "sweeping applications failed"),
            }
            // 好差评: overdue 差评 cases are escalated once.
            match app.sweep_rectifications(500).await {
                Ok(n) if n > 0 => tracing::info!(escalated = n, "差评 cases swept"),
                Ok(_) => {}
                Err(err) => tracing::error!(error = %err, "sweeping 差评 cases failed"),
            }
        }
    })
}

/// `serve`: open the configured database and serve it.
pub async fn serve(settings: &Settings) -> anyhow::Result<ExitCode> {
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        database = %settings.database_url_masked(),
        listen = %settings.listen,
        cookie_secure = settings.cookie_secure,
        "starting tongban"
    );
    let app = open_app(settings).await?;
    let listener = bind(&settings.listen).await?;
    let addr = listener.local_addr().context("reading the bound address")?;
    tracing::info!(%addr, "listening on http://{addr}/");
    run_web(app, listener, settings).await?;
    Ok(ExitCode::SUCCESS)
}
