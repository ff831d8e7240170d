//! `server`: runs the portal (`serve`, the default), only its migrations (`migrate`), or backs up
//! and restores its SQLite database (`backup FILE`, `restore FILE`).

use clap::{Parser, Subcommand};
use server::config::Config;
use tracing_subscriber::EnvFilter;

/// Returns freed memory to the system (glibc kept each thread's Argon2 buffers).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "server", about = "The CyTrack support portal")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the portal (the default).
    Serve {
        /// Seed demo organisations, people and tickets when they are not there yet.
        #[arg(long, env = "PORTAL_DEMO_DATA")]
        demo: bool,
    },
    /// Apply pending migrations and exit.
    Migrate,
    /// Copy the SQLite database to FILE while the portal runs (PostgreSQL: use pg_dump).
    Backup { file: std::path::PathBuf },
    /// Replace the SQLite database with the backup FILE; the portal must be stopped.
    Restore { file: std::path::PathBuf },
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")))
        .init();
    if let Err(message) = run(Cli::parse()).await {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let config = Config::from_env()?;
    let demo = match cli.command {
        Some(Command::Migrate) => {
            server::startup::build(config).await?;
            println!("migrations applied");
            return Ok(());
        }
        Some(Command::Backup { file }) => {
            server::backup::backup(&config.database_url, config.files.file_dir(), &file).await?;
            println!("backed up to {}", file.display());
            return Ok(());
        }
        Some(Command::Restore { file }) => {
            server::backup::restore(&config.database_url, config.files.file_dir(), &file).await?;
            println!("restored from {}; start the portal to use it", file.display());
            return Ok(());
        }
        Some(Command::Serve { demo }) => demo,
        None => matches!(std::env::var("PORTAL_DEMO_DATA").as_deref(), Ok("1" | "true")),
    };
    let addr = config.leptos.site_addr;
    let mailer = server::mailer::Mailer::new(&config.mail)?;
    match &config.mail.smtp_url {
        Some(_) => tracing::info!(from = %config.mail.from, "mail goes out over SMTP"),
        None => {
            tracing::info!(dir = %config.mail.outbox_dir.display(), "no PORTAL_SMTP_URL: mail is written as .eml files")
        }
    }
    let imap = config.mail.imap_url.as_deref().map(server::imap::ImapMailbox::parse).transpose()?;
    let built = server::startup::build(config).await?;
    if demo {
        match server::demo::seed(&built.state.db).await {
            Ok(true) => tracing::info!("demo data seeded; sign in as sam@acme.test / {}", server::demo::DEMO_PASSWORD),
            Ok(false) => {}
            Err(e) => return Err(format!("demo data: {}", e.message)),
        }
    }
    // Expired voucher minutes become `expire` entries: balances never count them anyway; this
    // keeps the ledger saying so.
    spawn_hourly(built.state.db.clone(), "expired voucher minutes recorded", |db| async move {
        app::ssr::services::vouchers::expire_due(&db, chrono::Utc::now()).await
    });
    // Ended sessions and old sign-in failures are never read again.
    spawn_hourly(built.state.db.clone(), "ended sessions and old sign-in failures pruned", |db| async move {
        app::ssr::services::people::prune(&db, chrono::Utc::now()).await
    });
    // Reminders that come with the calendar (IRS renewals, voucher balances, deployment
    // milestones); each is told once, whichever process gets there first.
    spawn_hourly(built.state.db.clone(), "reminders told", |db| async move {
        app::ssr::services::reminders::send_due(&db, chrono::Utc::now()).await.map(|told| told as i64)
    });
    spawn_hourly(built.state.db.clone(), "presence of people long gone pruned", |db| async move {
        app::ssr::services::live::prune(&db, chrono::Utc::now()).await.map(|n| n as i64)
    });
    server::mailer::spawn(mailer, built.state.db.clone());
    if let Some(imap) = imap {
        tracing::info!("polling the IMAP mailbox for e-mail in");
        server::imap::spawn(imap, built.state.mailbox.clone(), built.state.tickets.clone());
    }
    let mut router = built.router;
    if matches!(std::env::var("PORTAL_TEST_CLOCK").as_deref(), Ok("1")) {
        tracing::warn!(
            "PORTAL_TEST_CLOCK=1: POST /api/v1/test/run-jobs runs the reminders as of a later day (tests only)"
        );
        router = router.merge(server::test_clock::router(built.state.db.clone()));
    }
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    // The address bound, not the one asked for: with port 0 the system chooses it.
    let bound = listener.local_addr().map_err(|e| format!("cannot read the address listened on: {e}"))?;
    tracing::info!("CyTrack portal listening on http://{bound}");
    axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown({
            // Event streams never end by themselves: they end when stopping begins.
            let live = built.state.live.clone();
            async move {
                shutdown_signal().await;
                live.close();
            }
        })
        .await
        .map_err(|e| format!("server error: {e}"))
}

/// Resolves on Ctrl-C or SIGTERM (what systemd, a container runtime or an orchestrator sends):
/// the server then stops accepting, answers every request in flight (the redemption queue's
/// waiting writes among them) and exits 0. Mail not yet sent stays in the outbox for the next
/// process.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {}
        _ = terminate => {}
    }
    tracing::info!("shutting down: finishing the requests in flight");
}

/// Runs `job` at start and then every hour for as long as the portal runs, logging what it did
/// (`what`, when it did anything) or why it could not.
fn spawn_hourly<F, Fut, N>(db: sea_orm::DatabaseConnection, what: &'static str, job: F)
where
    F: Fn(sea_orm::DatabaseConnection) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<N, app::error::AppError>> + Send,
    N: Into<i64>,
{
    tokio::spawn(async move {
        let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            every_hour.tick().await;
            match job(db.clone()).await.map(Into::into) {
                Ok(0) => {}
                Ok(count) => tracing::info!(count, "{what}"),
                Err(e) => tracing::warn!(error = %e.message, "{what}: the job did not run"),
            }
        }
    });
}
