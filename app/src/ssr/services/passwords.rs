//! Argon2id password hashes, computed off the async threads.

use crate::error::AppError;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::sync::OnceLock;
use tokio::sync::{Semaphore, SemaphorePermit};

/// At most one Argon2 computation per core. Each takes 19 MiB and a core for tens of
/// milliseconds: more at once would only queue inside the operating system while multiplying
/// memory (a burst of sign-ins must not balloon the process). A request that waits longer than
/// `HASHING_WAIT` for a slot is answered 503 with `Retry-After` instead of queueing without end
/// (issue 20, finding 2: a flood of sign-ins starved everything).
async fn hashing_slot() -> Result<SemaphorePermit<'static>, AppError> {
    static SLOTS: OnceLock<Semaphore> = OnceLock::new();
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    slot_within(SLOTS.get_or_init(|| Semaphore::new(cores)), HASHING_WAIT).await
}

/// How long a password check waits for a free core before the portal says it is busy.
const HASHING_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

async fn slot_within(slots: &Semaphore, wait: std::time::Duration) -> Result<SemaphorePermit<'_>, AppError> {
    match tokio::time::timeout(wait, slots.acquire()).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(AppError::unavailable("The portal is busy checking passwords; try again in a moment.", 2)),
    }
}

pub async fn hash(password: String) -> Result<String, AppError> {
    let _slot = hashing_slot().await?;
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
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    let known = stored.is_some();
    let stored = stored.unwrap_or_else(|| dummy_hash().to_string());
    let _slot = hashing_slot().await?;
    let matched = tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored)
            .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false);
    Ok(matched && known)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default().hash_password(b"not a real password", &salt).map(|h| h.to_string()).unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_check_that_finds_every_core_busy_is_told_to_come_back() {
        let slots = Semaphore::new(1);
        let held = slot_within(&slots, std::time::Duration::from_millis(10)).await.expect("a free slot");
        let busy = slot_within(&slots, std::time::Duration::from_millis(10)).await.unwrap_err();
        assert_eq!((busy.status(), busy.retry_after), (503, Some(2)));
        drop(held);
        assert!(slot_within(&slots, std::time::Duration::from_millis(10)).await.is_ok(), "free again");
    }
}
