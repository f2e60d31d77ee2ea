//! `tongban backup` under write load, and a restore from its copy: a new server on the copied
//! database and uploads opens, verifies and holds everything acknowledged before the backup
//! began. PostgreSQL and an existing destination are refused.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::load::{Target, Worker};
use crate::seed;
use crate::server::{Sandbox, Server, all_output};

const WORKERS: usize = 3;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_under_write_load_restores_with_everything_acknowledged_before_it() {
    let sandbox = Sandbox::new("backup");
    let seeded = seed::seed(&sandbox, WORKERS).await;
    let mut server = sandbox.serve();
    let target = Arc::new(Target::new(
        &server.wait_ready().await,
        sandbox.uploads(),
        &seeded,
    ));
    let mut workers: Vec<Worker> = (0..WORKERS)
        .map(|i| Worker::new(i, &seeded.citizens[i % seeded.citizens.len()], 7))
        .collect();
    for worker in &mut workers {
        worker.sign_in(&target).await.unwrap();
        worker.run_steps(&target, 25).await.unwrap();
    }
    let before: Vec<Worker> = workers.iter().map(Worker::acknowledged_so_far).collect();
    let writes_before: u64 = workers.iter().map(|w| w.acked_writes).sum();

    // The writers keep writing while `tongban backup` runs beside the server.
    let stop = Arc::new(AtomicBool::new(false));
    let running: Vec<_> = workers
        .into_iter()
        .map(|mut worker| {
            let (target, stop) = (target.clone(), stop.clone());
            tokio::spawn(async move {
                worker.run_until(&target, &stop).await;
                worker
            })
        })
        .collect();
    let copy = sandbox.dir.join("backup").join("tongban.db");
    let copy_uploads = sandbox.dir.join("backup").join("uploads");
    let mut command = sandbox.command(&[
        "backup",
        copy.to_str().unwrap(),
        "--uploads",
        copy_uploads.to_str().unwrap(),
    ]);
    let out = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    stop.store(true, Ordering::SeqCst);
    let mut writes_after = 0;
    for worker in running {
        writes_after += worker.await.unwrap().acked_writes;
    }
    server.kill();
    assert!(out.status.success(), "{}", all_output(&out));
    let printed = all_output(&out);
    println!("{printed}");
    assert!(
        printed.contains("backup written and verified") && printed.contains("audit chain intact"),
        "{printed}"
    );
    assert!(
        writes_after > writes_before,
        "the writers wrote while the backup ran"
    );

    // Restore: a new server on the copy and the copied uploads.
    let mut serve_copy = sandbox.command_on(&copy, &["serve", "--listen", "127.0.0.1:0"]);
    serve_copy.env("TONGBAN_UPLOADS_DIR", &copy_uploads);
    let mut restored = Server::start(serve_copy);
    let target = Target::new(&restored.wait_ready().await, copy_uploads, &seeded);
    let mut cases = 0;
    for mut worker in before {
        worker.settle(&target).await.unwrap();
        cases += worker.ledger.len();
    }
    restored.kill();
    assert!(cases > 0, "cases were acknowledged before the backup");
    for args in [["audit", "verify"], ["applications", "verify"]] {
        let out = sandbox.command_on(&copy, &args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", all_output(&out));
    }
}

#[test]
fn a_backup_never_overwrites_a_file_and_postgresql_is_sent_to_pg_dump() {
    let sandbox = Sandbox::new("backup-refusals");
    let taken = sandbox.dir.join("taken.db");
    std::fs::write(&taken, b"keep me").unwrap();
    let out = sandbox
        .command(&["backup", taken.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        all_output(&out).contains("already exists"),
        "{}",
        all_output(&out)
    );
    assert_eq!(std::fs::read(&taken).unwrap(), b"keep me");

    let out = sandbox
        .command(&["backup", "pg.db"])
        .env("TONGBAN_DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", all_output(&out));
    assert!(
        all_output(&out).contains("pg_dump -Fc"),
        "{}",
        all_output(&out)
    );
    assert!(!sandbox.dir.join("pg.db").exists());
}
