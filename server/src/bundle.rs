//! The browser bundle compressed once, at start, when the build did not.
//!
//! A first visit downloads the JavaScript, the WASM and the stylesheet. `cargo leptos build
//! --release --precompress` writes each as brotli at its highest quality beside it (`app.wasm.br`),
//! which the bundle's file service sends as it is (`startup::router`). A release built without
//! `--precompress` (a plain `cargo leptos build --release --split`, `scripts/run-demo --release`)
//! had only the compression layer, which compresses every response as it sends it, at a quality
//! fast enough for that: the same first visit transferred a fifth more (docs/benchmarks.md). So a
//! release portal writes the missing `.br` files itself, in the background, once per build: until
//! they are there, the compression layer answers as before.

use std::io::Write;
use std::path::{Path, PathBuf};

/// What a browser downloads from the bundle's folder and compresses well.
const COMPRESSED_KINDS: &[&str] = &["js", "wasm", "css"];

/// brotli's highest quality, and the largest window its decoders must accept, as cargo-leptos's
/// `--precompress` writes.
const QUALITY: u32 = 11;
const WINDOW_BITS: u32 = 22;

/// In a release portal, starts writing the missing or out-of-date `.br` files of `dir` on a
/// blocking thread, and logs what it did. A portal that cannot write there (a read-only image)
/// says so once and compresses as it sends. A debug portal serves a debug bundle, not worth the
/// minutes brotli's highest quality takes on it, and under `cargo leptos watch` the files change
/// while it runs: neither compresses.
pub fn precompress_in_background(dir: PathBuf) {
    if cfg!(debug_assertions) || std::env::var_os("LEPTOS_WATCH").is_some() {
        return;
    }
    tokio::task::spawn_blocking(move || match precompress(&dir) {
        Ok(0) => {}
        Ok(written) => tracing::info!(dir = %dir.display(), written, "compressed the browser bundle with brotli"),
        Err(e) => tracing::warn!(
            dir = %dir.display(),
            "cannot write the compressed bundle ({e}); build with `--precompress` to send it smaller"
        ),
    });
}

/// Writes `NAME.br` beside every file of `dir` (and its folders) a browser downloads, where it is
/// missing or older than its file. Each is written under a temporary name and renamed, so the file
/// service never sends half of one, and portals that share the folder never write into one
/// another's. Returns how many it wrote.
/// A `.gz` older than its file (an earlier build's `--precompress`) is removed: the file service
/// would send it to a browser without brotli.
pub fn precompress(dir: &Path) -> std::io::Result<usize> {
    let mut written = 0;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            written += precompress(&path)?;
            continue;
        }
        let kind = path.extension().and_then(|e| e.to_str()).unwrap_or_default();
        if kind == "partial" {
            remove_if_abandoned(&path)?;
            continue;
        }
        if !COMPRESSED_KINDS.contains(&kind) {
            continue;
        }
        let made = std::fs::metadata(&path)?.modified()?;
        if older_than(&with_suffix(&path, "gz"), made)? == Some(true) {
            std::fs::remove_file(with_suffix(&path, "gz"))?;
        }
        if older_than(&with_suffix(&path, "br"), made)? != Some(false) {
            compress(&path)?;
            written += 1;
        }
    }
    Ok(written)
}

/// How long a copy being written may go untouched before it counts as abandoned: writing the
/// largest bundle file takes seconds.
const ABANDONED_AFTER: std::time::Duration = std::time::Duration::from_secs(3600);

/// Removes a copy left half-written by a portal stopped while it compressed (the benchmark stops
/// its portals; an operator restarts one): it is never sent, but would stay in the folder.
/// Another portal's copy still being written is left alone.
fn remove_if_abandoned(partial: &Path) -> std::io::Result<()> {
    let touched = std::fs::metadata(partial)?.modified()?;
    let idle = std::time::SystemTime::now().duration_since(touched).unwrap_or_default();
    if idle > ABANDONED_AFTER {
        std::fs::remove_file(partial)?;
    }
    Ok(())
}

/// Whether the copy at `path` was made before `made`; `None` when there is none.
fn older_than(path: &Path, made: std::time::SystemTime) -> std::io::Result<Option<bool>> {
    match std::fs::metadata(path) {
        Ok(copy) => Ok(Some(copy.modified()? < made)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

fn compress(path: &Path) -> std::io::Result<()> {
    let content = std::fs::read(path)?;
    // Each process its own: the portals of one machine may share a site folder.
    let partial = with_suffix(path, &format!("br.{}.partial", std::process::id()));
    {
        let mut out = brotli::CompressorWriter::new(std::fs::File::create(&partial)?, 64 * 1024, QUALITY, WINDOW_BITS);
        out.write_all(&content)?;
        out.flush()?;
        out.into_inner().sync_all()?;
    }
    std::fs::rename(&partial, with_suffix(path, "br"))
}

/// `app.wasm` with `br`: `app.wasm.br`.
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::time::{Duration, SystemTime};

    fn unpacked(path: &Path) -> Vec<u8> {
        let mut out = Vec::new();
        brotli::Decompressor::new(std::fs::File::open(path).unwrap(), 4096).read_to_end(&mut out).unwrap();
        out
    }

    fn set_modified(path: &Path, at: SystemTime) {
        std::fs::File::options().write(true).open(path).unwrap().set_modified(at).unwrap();
    }

    #[test]
    fn writes_what_is_missing_or_stale_and_leaves_the_rest() {
        let dir = std::env::temp_dir().join(format!("cytrack-bundle-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(dir.join("chunks")).unwrap();
        let wasm: Vec<u8> = (0..200_000u32).flat_map(|i| (i % 251).to_le_bytes()).collect();
        let files: &[(&str, &[u8])] = &[
            ("app.wasm", &wasm),
            ("app.js", b"export function start() { return 42; }\n"),
            ("chunks/lazy.js", b"export const lazy = true;\n"),
            ("app.css", b"body { margin: 0 }\n"),
            ("favicon.ico", b"not compressed"),
            ("stale.js", b"const fresh = 'new';\n"),
            ("fresh.js", b"const kept = 1;\n"),
        ];
        for (name, content) in files {
            std::fs::write(dir.join(name), content).unwrap();
        }
        // A stale `.br` from an older build, and a fresh one that must not be rewritten.
        let long_ago = SystemTime::now() - Duration::from_secs(3600);
        std::fs::write(dir.join("stale.js.br"), b"old").unwrap();
        set_modified(&dir.join("stale.js.br"), long_ago);
        set_modified(&dir.join("fresh.js"), long_ago);
        std::fs::write(dir.join("fresh.js.br"), b"kept as it is").unwrap();
        // Gzip copies: an older build's is removed, one as new as its file kept.
        std::fs::write(dir.join("stale.js.gz"), b"old").unwrap();
        set_modified(&dir.join("stale.js.gz"), long_ago);
        std::fs::write(dir.join("fresh.js.gz"), b"kept too").unwrap();
        // Half-written copies: one a stopped portal left long ago, one another portal is writing.
        std::fs::write(dir.join("app.js.br.41.partial"), b"").unwrap();
        set_modified(&dir.join("app.js.br.41.partial"), long_ago - Duration::from_secs(60));
        std::fs::write(dir.join("app.css.br.42.partial"), b"").unwrap();

        assert_eq!(precompress(&dir).unwrap(), 5, "app.wasm, app.js, chunks/lazy.js, app.css, stale.js");
        for (name, content) in files.iter().filter(|(name, _)| !["favicon.ico", "fresh.js"].contains(name)) {
            assert_eq!(&unpacked(&dir.join(format!("{name}.br"))), content, "{name}.br holds {name}");
        }
        assert!(std::fs::metadata(dir.join("app.wasm.br")).unwrap().len() < wasm.len() as u64 / 10);
        assert!(!dir.join("favicon.ico.br").exists(), "only what a browser downloads compressed");
        assert_eq!(std::fs::read(dir.join("fresh.js.br")).unwrap(), b"kept as it is");
        assert!(!dir.join("stale.js.gz").exists(), "a gzip copy older than its file is never sent");
        assert_eq!(std::fs::read(dir.join("fresh.js.gz")).unwrap(), b"kept too");
        assert!(!dir.join("app.js.br.41.partial").exists(), "an abandoned copy is removed");
        assert!(dir.join("app.css.br.42.partial").exists(), "a copy being written is left to its writer");
        let partials = std::fs::read_dir(&dir)
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().to_string_lossy().ends_with(".partial"));
        assert_eq!(partials.count(), 1, "and this process left none of its own");
        assert_eq!(precompress(&dir).unwrap(), 0, "a second start writes nothing");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_folder_it_cannot_read_is_an_error_not_a_panic() {
        let missing = std::env::temp_dir().join(format!("cytrack-bundle-missing-{}", uuid::Uuid::new_v4()));
        assert!(precompress(&missing).is_err());
    }
}
