#!/bin/sh
# Builds the Debian bookworm base image from Debian's package mirror alone, for a machine that
# reaches Debian's packages but no container image registry (docker.io, quay.io): a minimal
# root filesystem by debootstrap, imported as a local image. Every container file in
# deploy/container/ then takes it as its base (--build-arg BASE_IMAGE=localhost/debian:bookworm).
# A machine that reaches docker.io does not need this: the default base is
# docker.io/library/debian:bookworm-slim. docs/operations.md, "Containers".
#
#   deploy/base-image.sh                       # podman, tag localhost/debian:bookworm
#   CONTAINER_ENGINE=docker deploy/base-image.sh
#   DEBIAN_MIRROR=http://mirror.example/debian deploy/base-image.sh localhost/debian:bookworm
#
# The mirror is the one this machine's apt uses for bookworm (and bookworm-security), unless
# DEBIAN_MIRROR (and DEBIAN_SECURITY_MIRROR) name others.
#
# Needs root and debootstrap (apt-get install debootstrap). About 2 minutes and 120 MB.
set -eu

tag=${1:-localhost/debian:bookworm}
engine=${CONTAINER_ENGINE:-podman}
suite=bookworm

# The mirror this machine's apt already uses for SUITE (deb822 .sources or one-line lists).
apt_mirror() {
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk -v suite="$1" '
            /^[[:space:]]*$/ { if (uri != "" && hit) { print uri; exit } uri = ""; hit = 0; next }
            /^URIs:/ { uri = $2 }
            /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) hit = 1 }
            END { if (uri != "" && hit) print uri }' "$f"
    done
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
        awk -v suite="$1" '$1 == "deb" { u = ($2 ~ /^\[/) ? $3 : $2; s = ($2 ~ /^\[/) ? $4 : $3; if (s == suite) print u }'
}
mirror=${DEBIAN_MIRROR:-$(apt_mirror "$suite" | head -n 1)}
security=${DEBIAN_SECURITY_MIRROR:-$(apt_mirror "$suite-security" | head -n 1)}
[ -n "$mirror" ] || { echo "no apt source for $suite here: set DEBIAN_MIRROR" >&2; exit 1; }
echo "mirror $mirror, security ${security:-none}" >&2

root=$(mktemp -d "${TMPDIR:-/var/tmp}/cytrack-rootfs.XXXXXX")
cleanup() {
    umount "$root/proc" 2>/dev/null || true
    rm -rf "$root"
}
trap cleanup EXIT INT TERM

debootstrap --variant=minbase "$suite" "$root" "$mirror"

# Like Debian's -slim images: no manuals, documentation or translations in what apt installs later,
# and no downloaded packages kept in a layer.
cat > "$root/etc/dpkg/dpkg.cfg.d/container-slim" <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/lintian/*
CFG
cat > "$root/etc/apt/apt.conf.d/container-clean" <<'CFG'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT::Install-Recommends "false";
CFG

# The suite, its updates and its security updates, as the official image has them.
rm -f "$root/etc/apt/sources.list"
cat > "$root/etc/apt/sources.list.d/debian.sources" <<CFG
Types: deb
URIs: $mirror
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
CFG
if [ -n "$security" ]; then
    cat >> "$root/etc/apt/sources.list.d/debian.sources" <<CFG

Types: deb
URIs: $security
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
CFG
fi

# Today's security and point-release updates, then nothing left behind that an image needs not.
mount -t proc proc "$root/proc"
chroot "$root" sh -c 'export DEBIAN_FRONTEND=noninteractive; apt-get update -q && apt-get upgrade -y -q && apt-get clean'
umount "$root/proc"
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/var/log/*.log "$root"/var/log/apt/* \
    "$root"/tmp/* "$root"/var/tmp/*
: > "$root/etc/hostname"
rm -f "$root/etc/resolv.conf"

tar --numeric-owner -C "$root" -c . | "$engine" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' \
    - "$tag"
echo "imported $tag"
