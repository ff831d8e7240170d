//! Argon2id password hashes, computed off the async threads.

use crate::error::AppError;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::sync::OnceLock;
use tokio::sync::{Semaphore, SemaphorePermit};

/// At most one Argon2 computation per core. Each takes 19 MiB and a core for tens of
/// milliseconds: more at once would only queue inside the operating system while multiplying
/// memory (a burst of sign-ins must not balloon the process).
async fn hashing_slot() -> Option<SemaphorePermit<'static>> {
    static SLOTS: OnceLock<Semaphore> = OnceLock::new();
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    SLOTS.get_or_init(|| Semaphore::new(cores)).acquire().await.ok()
}

pub async fn hash(password: String) -> Result<String, AppError> {
    let _slot = hashing_slot().await;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
    })
    .await
    .map_err(|_| AppError::internal())?
    .map_err(|e| {
        tracing::error!(error = %e, "could not hash a password");
        AppError::internal()
    })
}

/// Checks a password; with no stored hash it checks against a dummy one, so an unknown e-mail
/// costs the same time as a wrong password.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    let known = stored.is_some();
    let stored = stored.unwrap_or_else(|| dummy_hash().to_string());
    let _slot = hashing_slot().await;
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored)
            .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
        && known
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default().hash_password(b"not a real password", &salt).map(|h| h.to_string()).unwrap_or_default()
    })
}
