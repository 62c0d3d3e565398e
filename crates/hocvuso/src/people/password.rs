//! Argon2id hashing, off the async threads (it is deliberately slow).
use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};

use crate::AppError;

/// At most one Argon2 computation per core at a time. Each takes ~19 MiB; without a bound, 32 parallel
/// failed sign-ins took the server from 127 MB to 720 MB. With it a flood queues (and the rate limits
/// answer it) while memory stays flat; throughput is the same, since the cores were the limit anyway.
static HASHING: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    tokio::sync::Semaphore::new(cores)
});

/// Hashes running right now, and the most ever seen at once (what the bound is tested by).
static IN_FLIGHT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static MOST_IN_FLIGHT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Run one Argon2 computation on this thread, counted.
fn counted<T>(f: impl FnOnce() -> T) -> T {
    use std::sync::atomic::Ordering::SeqCst;
    let now = IN_FLIGHT.fetch_add(1, SeqCst) + 1;
    MOST_IN_FLIGHT.fetch_max(now, SeqCst);
    let out = f();
    IN_FLIGHT.fetch_sub(1, SeqCst);
    out
}

async fn hashing_slot() -> Result<tokio::sync::SemaphorePermit<'static>, AppError> {
    HASHING
        .acquire()
        .await
        .map_err(|e| AppError::internal("hashing semaphore", e))
}

pub async fn hash(password: String) -> Result<String, AppError> {
    let _slot = hashing_slot().await?;
    tokio::task::spawn_blocking(move || {
        counted(|| {
            let salt = SaltString::generate(&mut OsRng);
            Argon2::default()
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
                // password_hash's error is not a std::error::Error (the crate is no_std): its text is the cause.
                .map_err(|e| AppError::internal("argon2", e.to_string()))
        })
    })
    .await
    .map_err(|e| AppError::internal("join", e))?
}

/// Verify; a missing hash (an account without a password) still costs one hash, so response time does
/// not tell which phone numbers have accounts.
pub(crate) async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    let _slot = hashing_slot().await?;
    tokio::task::spawn_blocking(move || {
        static DUMMY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
            let salt = SaltString::generate(&mut OsRng);
            Argon2::default()
                .hash_password(b"dummy-password", &salt)
                .map(|h| h.to_string())
                .unwrap_or_default()
        });
        let (hash, real) = match &stored {
            Some(h) => (h.as_str(), true),
            None => (DUMMY.as_str(), false),
        };
        let ok = counted(|| {
            PasswordHash::new(hash)
                .map(|parsed| {
                    Argon2::default()
                        .verify_password(password.as_bytes(), &parsed)
                        .is_ok()
                })
                .unwrap_or(false)
        });
        ok && real
    })
    .await
    .map_err(|e| AppError::internal("join", e))
}

/// A one-time password an admin reads out to a person: 12 characters without look-alikes (0/O, 1/l).
pub(crate) fn one_time_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    (0..12)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A flood of failed sign-ins (four per core, all at once) never runs more Argon2 computations at a
    /// time than there are cores: the rest wait, so memory stays at one hash per core.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_hashing_is_bounded_by_the_cores() {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let stored = hash("mật khẩu đúng của tôi".into()).await.expect("hash");
        let attempts: Vec<_> = (0..cores * 4)
            .map(|i| {
                let stored = stored.clone();
                tokio::spawn(async move { verify(format!("đoán sai {i}"), Some(stored)).await })
            })
            .collect();
        for a in attempts {
            assert!(
                !a.await.expect("join").expect("verify"),
                "wrong passwords fail"
            );
        }
        let most = MOST_IN_FLIGHT.load(std::sync::atomic::Ordering::SeqCst);
        assert!(
            most >= 1 && most <= cores,
            "{most} hashes at once on {cores} cores"
        );
    }
}
