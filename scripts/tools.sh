# Sourced by the scripts: installs what building and testing the portal needs, when it is missing,
# into caches outside the clone, and puts it on PATH. Safe to run again: it only fills gaps.
# CYTRACK_TOOLS=build (scripts/run-demo) stops after what building needs: the test servers, the
# advisory check and the fuzzer are for scripts/test (about 9 minutes more on a cold machine).

CYTRACK_CACHE="${CYTRACK_CACHE:-$HOME/.cache/cytrack}"
mkdir -p "$CYTRACK_CACHE"
export PATH="$HOME/.cargo/bin:$CYTRACK_CACHE/npm/node_modules/.bin:$PATH"

cytrack_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CARGO_LEPTOS_VERSION="0.3.10"
BINARYEN_VERSION="132.0.0"
CARGO_AUDIT_VERSION="0.21.2"
MOTO_VERSION="5.2.5"
SCHEMATHESIS_VERSION="4.32.5"
WASM_BINDGEN_VERSION="$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' "$cytrack_root/Cargo.toml")"

say() { printf '\n== %s\n' "$*"; }

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi
if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 20 minutes on two cores, once)"
  cargo install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION"
fi
if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (the version the frontend pins)"
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION"
fi
# Debian's binaryen is too old (its wasm-opt breaks release bundles); npm's is current.
if ! wasm-opt --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"; then
  say "installing wasm-opt (binaryen $BINARYEN_VERSION from npm)"
  npm install --silent --no-audit --no-fund --prefix "$CYTRACK_CACHE/npm" "binaryen@$BINARYEN_VERSION"
fi
if [ "${CYTRACK_TOOLS:-all}" = build ]; then
  return 0
fi
# The mail tests talk to a real SMTP server: aiosmtpd, from Debian (run by Debian's python3)
if ! /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null; then
  say "installing python3-aiosmtpd (the SMTP server the mail tests send to)"
  apt-get update -qq && apt-get install -y -qq python3-aiosmtpd >/dev/null
fi
# ... and the IMAP poller's tests read a real mailbox: dovecot, from Debian (started per test).
if [ ! -x /usr/sbin/dovecot ]; then
  say "installing dovecot-imapd (the IMAP server the e-mail-in tests poll)"
  apt-get update -qq && apt-get install -y -qq dovecot-imapd >/dev/null
fi
# The scale-out benchmark (scripts/bench --scale-out) puts a real load balancer in front of the
# portals: nginx, from Debian, with the repository's site file (deploy/nginx/cytrack.conf).
if [ ! -x /usr/sbin/nginx ]; then
  say "installing nginx (the load balancer of the scale-out benchmark)"
  apt-get update -qq && apt-get install -y -qq nginx >/dev/null
  # Debian starts its own nginx on port 80 where a service manager runs: the benchmark starts
  # the nginx it measures itself, and nothing else should answer or use the cores meanwhile.
  { systemctl disable --now nginx || service nginx stop; } >/dev/null 2>&1 || true
fi
# The advisory check (scripts/audit) reads the RustSec snapshot with cargo-audit.
if ! cargo audit --version 2>/dev/null | grep -q "$CARGO_AUDIT_VERSION"; then
  say "installing cargo-audit $CARGO_AUDIT_VERSION (about 8 minutes on two cores, once)"
  cargo install cargo-audit --locked --version "$CARGO_AUDIT_VERSION"
fi
# The attachment tests keep files in a real S3-compatible server too: moto, from PyPI, in a
# virtual environment of its own (started per test, like the mail servers).
# (Read whole, then compared: under `pipefail`, `grep -q` closing the pipe early made pip fail
# with SIGPIPE and moto was installed again on every run.)
moto_installed="$("$CYTRACK_CACHE/moto/bin/pip" show moto 2>/dev/null | sed -n 's/^Version: //p')"
if [ "$moto_installed" != "$MOTO_VERSION" ]; then
  say "installing moto $MOTO_VERSION (the S3-compatible server the attachment tests use)"
  python3 -m venv "$CYTRACK_CACHE/moto"
  "$CYTRACK_CACHE/moto/bin/pip" install -q "moto[server]==$MOTO_VERSION"
fi
# The API fuzzer (scripts/fuzz): Schemathesis, from PyPI, in a virtual environment of its own,
# run against the OpenAPI document of a portal it starts.
fuzzer_installed="$("$CYTRACK_CACHE/schemathesis/bin/pip" show schemathesis 2>/dev/null | sed -n 's/^Version: //p')"
if [ "$fuzzer_installed" != "$SCHEMATHESIS_VERSION" ]; then
  say "installing Schemathesis $SCHEMATHESIS_VERSION (the API fuzzer)"
  python3 -m venv "$CYTRACK_CACHE/schemathesis"
  "$CYTRACK_CACHE/schemathesis/bin/pip" install -q "schemathesis==$SCHEMATHESIS_VERSION"
fi
