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
            server::backup::backup(&config.database_url, &file).await?;
            println!("backed up to {}", file.display());
            return Ok(());
        }
        Some(Command::Restore { file }) => {
            server::backup::restore(&config.database_url, &file).await?;
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
    spawn_voucher_expiry(built.state.db.clone());
    spawn_reminders(built.state.db.clone());
    server::mailer::spawn(mailer, built.state.db.clone());
    if let Some(imap) = imap {
        tracing::info!("polling the IMAP mailbox for e-mail in");
        server::imap::spawn(imap, built.state.mailbox.clone(), built.state.db.clone());
    }
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    tracing::info!("CyTrack portal listening on http://{addr}");
    axum::serve(listener, built.router.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| format!("server error: {e}"))
}

/// Tells the reminders that come with the calendar (IRS renewals, voucher balances, deployment
/// completion), at start and then every hour; each is told once, whichever process gets there.
fn spawn_reminders(db: sea_orm::DatabaseConnection) {
    tokio::spawn(async move {
        let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            every_hour.tick().await;
            match app::ssr::services::reminders::send_due(&db, chrono::Utc::now()).await {
                Ok(0) => {}
                Ok(told) => tracing::info!(told, "reminders told"),
                Err(e) => tracing::warn!(error = %e.message, "reminders did not run"),
            }
        }
    });
}

/// Records expired voucher minutes as `expire` entries, at start and then every hour. Balances
/// never count expired minutes anyway; this keeps the ledger saying so.
fn spawn_voucher_expiry(db: sea_orm::DatabaseConnection) {
    tokio::spawn(async move {
        let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            every_hour.tick().await;
            match app::ssr::services::vouchers::expire_due(&db, chrono::Utc::now()).await {
                Ok(0) => {}
                Ok(minutes) => tracing::info!(minutes, "expired voucher minutes recorded"),
                Err(e) => tracing::warn!(error = %e.message, "voucher expiry did not run"),
            }
        }
    });
}
