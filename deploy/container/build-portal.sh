#!/bin/sh
# Builds the portal image (deploy/container/Containerfile) from a server binary and a site
# directory built beforehand, copied into a throwaway build context: no Rust toolchain, source
# tree or target/ directory goes to the container engine.
#
#   deploy/container/build-portal.sh [SERVER_BINARY [SITE_DIR]]
#
# SERVER_BINARY  default: $CARGO_TARGET_DIR/server-release/server (cargo leptos build --release)
# SITE_DIR       default: target/site of the repository (pkg/ with the .br and .gz copies)
# Environment:   CONTAINER_ENGINE (podman or docker; default podman), TAG (localhost/cytrack:latest),
#                BASE_IMAGE (default: the Containerfile's, docker.io/library/debian:bookworm-slim;
#                localhost/debian:bookworm where deploy/base-image.sh made it).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
server=${1:-${CARGO_TARGET_DIR:-$repo/target}/server-release/server}
site=${2:-$repo/target/site}
engine=${CONTAINER_ENGINE:-podman}
tag=${TAG:-localhost/cytrack:latest}

[ -x "$server" ] || { echo "no server binary at $server: build it first (docs/operations.md, \"Building for production\")" >&2; exit 1; }
[ -d "$site/pkg" ] || { echo "no site at $site (expected $site/pkg): build it first" >&2; exit 1; }
ls "$site"/pkg/*.wasm.br >/dev/null 2>&1 || echo "note: $site/pkg has no .br copies (built without --precompress): the portal compresses as it sends" >&2

context=$(mktemp -d "${TMPDIR:-/tmp}/cytrack-image.XXXXXX")
trap 'rm -rf "$context"' EXIT INT TERM
cp "$server" "$context/server"
cp -R "$site" "$context/site"

set -- build -f "$here/Containerfile" -t "$tag"
[ -n "${BASE_IMAGE:-}" ] && set -- "$@" --build-arg "BASE_IMAGE=$BASE_IMAGE"
"$engine" "$@" "$context"
echo "built $tag"
