//! Background jobs that run every so often until the server stops: the outbox dispatcher, the
//! push to the provincial platform and the sweep of overdue applications.

use std::future::Future;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

/// A running job; [`Periodic::stop`] lets the current round finish, then ends it.
pub struct Periodic {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Periodic {
    /// Runs `round` every `every` (the first round at once) until stopped.
    pub fn spawn<F, Fut>(every: Duration, mut round: F) -> Periodic
    where
        F: FnMut() -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send,
    {
        let (stop, mut stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = stopped.changed() => break,
                    _ = ticks.tick() => round().await,
                }
            }
        });
        Periodic { stop, task }
    }

    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// Drafts the 两书一函 of the month that ended last every `every` until stopped (idempotent: a
/// letter already drafted is left alone, so running every hour only catches the month's end).
pub fn spawn_letter_drafter(app: tongban_app::App, every: Duration) -> Periodic {
    Periodic::spawn(every, move || {
        let app = app.clone();
        async move {
            match app.draft_letters_for_last_month().await {
                Ok(r) if r.drafted > 0 => {
                    tracing::info!(month = %r.month, drafted = r.drafted, "letters drafted")
                }
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "drafting letters failed"),
            }
        }
    })
}

/// The name this process holds the indicator projector's lease under: the process id and a
/// random part, so that processes on several machines (or containers, all pid 1) differ.
pub fn indicator_holder() -> String {
    let random: u32 = rand::random();
    format!("tongban-{}-{random:08x}", std::process::id())
}

/// Projects new events into the indicator tables every `every` until stopped.
pub fn spawn_indicator_projector(app: tongban_app::App, every: Duration) -> Periodic {
    let holder = indicator_holder();
    Periodic::spawn(every, move || {
        let (app, holder) = (app.clone(), holder.clone());
        async move {
            match app.refresh_indicators(&holder).await {
                Ok(r) if r.events > 0 => tracing::info!(
                    events = r.events,
                    cases = r.cases,
                    ratings = r.ratings,
                    last_seq = r.last_seq,
                    "indicators projected"
                ),
                Ok(_) => {}
                Err(err) => tracing::error!(error = %err, "projecting indicators failed"),
            }
        }
    })
}
