//! Secrets that travel in mail (links, reply addresses): 256 random bits as hex, and the SHA-256
//! the database keeps instead, so a copy of the database opens nothing.

use sha2::{Digest, Sha256};

/// A new secret: 64 hex digits (256 bits) from the operating system's generator.
pub fn new_token() -> String {
    random_hex::<32>()
}

/// A secret for a reply address: 32 hex digits (128 bits), so `support+TOKEN` stays within the
/// 64 characters an address's local part may have (RFC 5321).
pub fn new_reply_token() -> String {
    random_hex::<16>()
}

fn random_hex<const N: usize>() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; N];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// What the database keeps of a secret.
pub fn digest(token: &str) -> String {
    hex(&Sha256::digest(token.trim().to_ascii_lowercase().as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_fresh_and_their_digest_ignores_case_and_spaces() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(new_reply_token().len(), 32);
        assert_eq!(digest(&a), digest(&format!(" {} ", a.to_uppercase())));
        assert_ne!(digest(&a), a);
    }
}
