#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
# Makes the `debian:bookworm-slim` image the Dockerfile starts from, locally, for machines that
# cannot pull from a registry: a `debootstrap --variant=minbase` root filesystem, slimmed like
# Debian's official slim images, packed as a tarball (cached, so re-runs take seconds) and imported
# with buildah. With several architectures the name is a manifest list, so
# `FROM --platform=... debian:bookworm-slim` picks the right one.
#
# Usage: docker/debian-base.sh [--arch ARCH]... [--mirror URL] [--name NAME] [--refresh]
#   --arch     Debian architecture (amd64, arm64); repeatable; default: this machine's
#   --mirror   Debian mirror; default: the one apt on this machine uses
#   --name     image name; default docker.io/library/debian:bookworm-slim
#   --refresh  rebuild the cached tarball(s)
# Tarballs: ${PEREGRINE_CONTAINER_CACHE:-$HOME/.cache/peregrine/containers}/debian-bookworm-slim-ARCH.tar
#
# A foreign architecture (arm64 on amd64) is bootstrapped in two stages; the second runs the
# target's maintainer scripts under qemu-user-static through binfmt_misc, which this script
# registers for the duration of the run when it is not registered yet (and removes afterwards).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

archs=() mirror="" name=docker.io/library/debian:bookworm-slim refresh=0
while [ $# -gt 0 ]; do
    case $1 in
        --arch) archs+=("$2"); shift 2 ;;
        --mirror) mirror=$2; shift 2 ;;
        --name) name=$2; shift 2 ;;
        --refresh) refresh=1; shift ;;
        -h|--help) sed -n '3,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "debian-base: unknown argument $1" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" = 0 ] || { echo "debian-base: run as root (debootstrap)" >&2; exit 1; }
native=$(dpkg --print-architecture)
[ ${#archs[@]} -gt 0 ] || archs=("$native")
cache=${PEREGRINE_CONTAINER_CACHE:-$HOME/.cache/peregrine/containers}
mkdir -p "$cache"
log() { echo "debian-base: $*" >&2; }

need=()
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v buildah >/dev/null || need+=(buildah)
for a in "${archs[@]}"; do
    [ "$a" = "$native" ] || dpkg-query -W -f='${Status}' qemu-user-static 2>/dev/null | grep -q 'ok installed' \
        || need+=(qemu-user-static)
done
if [ ${#need[@]} -gt 0 ]; then
    log "installing ${need[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# The mirror and security mirror apt uses here (deb822 .sources first, then one-line lists).
host_uris() {  # prints "URI SUITE" pairs
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk 'BEGIN{RS=""} { u=""; s=""; t="";
               for (i=1;i<=NF;i++) { if ($i=="URIs:") u=$(i+1); if ($i=="Suites:") s=$(i+1); if ($i=="Types:") t=$(i+1) }
               if (t ~ /^deb$/ && u != "" && s != "") print u, s }' "$f"
    done
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | grep -v '^[[:space:]]*#' | awk '$1=="deb" { u=$2; if (u ~ /^\[/) u=$3; for(i=2;i<=NF;i++) if ($i ~ /:\/\//) {u=$i; s=$(i+1); break}; print u, s }' || true
}
sec_mirror=""
if [ -z "$mirror" ]; then
    mirror=$(host_uris | awk '$2 ~ /^bookworm$/ {print $1; exit}')
    mirror=${mirror:-http://deb.debian.org/debian}
fi
sec_mirror=$(host_uris | awk '$2 ~ /^bookworm-security$/ {print $1; exit}')
sec_mirror=${sec_mirror:-http://deb.debian.org/debian-security}
# A proxy configured for apt is also what debootstrap (wget) needs.
proxy=$(apt-config dump 2>/dev/null | awk -F'"' '/^Acquire::http::Proxy /{print $2; exit}')
[ -n "$proxy" ] && [ "$proxy" != DIRECT ] && export http_proxy=$proxy

mounts_under() { awk -v r="$1" '$2 == r || index($2, r "/") == 1 {print $2}' /proc/mounts | sort -r; }
unmount_all() {
    local m
    for m in $(mounts_under "$1"); do umount "$m" 2>/dev/null || umount -l "$m"; done
    [ -z "$(mounts_under "$1")" ] || { log "still mounted under $1: $(mounts_under "$1" | tr '\n' ' ')"; return 1; }
}

binfmt_added=""
binfmt_cleanup() { [ -z "$binfmt_added" ] || bash "$here/binfmt.sh" disable "$binfmt_added"; binfmt_added=""; }
binfmt_enable() {  # ARCH: qemu-user-static for ARCH's programs, registered for this run if needed
    local r
    r=$(bash "$here/binfmt.sh" enable "$1") || return 1
    [ "$r" != registered ] || binfmt_added=$1
}

make_tarball() {  # ARCH TARBALL
    local arch=$1 tarball=$2 root
    root=$(mktemp -d "${TMPDIR:-/var/tmp}/debian-base-$arch.XXXXXX")
    trap 'unmount_all "'"$root"'" && rm -rf --one-file-system "'"$root"'"; binfmt_cleanup' EXIT
    if [ "$arch" = "$native" ]; then
        log "debootstrap $arch from $mirror (a few minutes)"
        debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 || { tail -20 "$root.log" >&2; return 1; }
    else
        log "debootstrap $arch from $mirror, first stage"
        debootstrap --variant=minbase --arch="$arch" --foreign bookworm "$root" "$mirror" >"$root.log" 2>&1 \
            || { tail -20 "$root.log" >&2; return 1; }
        if ! binfmt_enable "$arch"; then
            log "cannot register qemu-user-static with binfmt_misc here: the $arch root filesystem cannot run its"
            log "second stage (its maintainer scripts are $arch programs)"
            return 1
        fi
        log "debootstrap $arch, second stage under qemu-user-static (several minutes)"
        chroot "$root" /debootstrap/debootstrap --second-stage >>"$root.log" 2>&1 || { tail -20 "$root.log" >&2; return 1; }
        binfmt_cleanup
    fi
    unmount_all "$root"
    # Slim, as Debian's slim images are: no documentation, manual pages or translations, and
    # no apt lists or package cache; apt's docker-clean hook keeps it so (the Dockerfile turns
    # it off under its cache mounts).
    rm -rf "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/* \
           "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* \
           "$root"/var/log/*.log "$root"/var/log/apt/* "$root"/debootstrap "$root"/etc/apt/sources.list
    mkdir -p "$root"/var/lib/apt/lists/partial "$root"/etc/dpkg/dpkg.cfg.d
    printf '%s\n' '# Keep images small: no documentation, manual pages or translations.' \
        'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
        'path-exclude /usr/share/man/*' 'path-exclude /usr/share/info/*' \
        'path-exclude /usr/share/locale/*' 'path-include /usr/share/locale/locale.alias' \
        >"$root"/etc/dpkg/dpkg.cfg.d/slim
    printf '%s\n' '// Container images: remove downloaded packages after each dpkg run and keep no binary caches.' \
        'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };' \
        'APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };' \
        'Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";' >"$root"/etc/apt/apt.conf.d/docker-clean
    printf 'Types: deb\nURIs: %s\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\nTypes: deb\nURIs: %s\nSuites: bookworm-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
        "$mirror" "$sec_mirror" >"$root"/etc/apt/sources.list.d/debian.sources
    : >"$root"/etc/resolv.conf
    echo localhost >"$root"/etc/hostname
    # Never /proc, /sys or /dev contents (and never cross into another file system).
    tar --numeric-owner --one-file-system -C "$root" \
        --exclude='./proc/*' --exclude='./sys/*' --exclude='./dev/*' --exclude='./run/*' --exclude='./tmp/*' \
        -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    unmount_all "$root" && rm -rf --one-file-system "$root" "$root.log"
    trap - EXIT
    log "$tarball: $(du -h "$tarball" | cut -f1)"
}

refs=()
for arch in "${archs[@]}"; do
    tarball=$cache/debian-bookworm-slim-$arch.tar
    if [ $refresh = 1 ] || [ ! -s "$tarball" ]; then make_tarball "$arch" "$tarball"; fi
    ref=localhost/peregrine-debian:bookworm-slim-$arch
    if ! buildah inspect --type image "$ref" >/dev/null 2>&1 || [ $refresh = 1 ]; then
        ctr=$(buildah from --pull=never scratch)
        buildah add --quiet "$ctr" "$tarball" / >/dev/null
        buildah config --os linux --arch "$arch" --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
            --cmd bash "$ctr"
        buildah commit --quiet --rm "$ctr" "$ref" >/dev/null
        log "imported $ref"
    fi
    refs+=("$ref")
done
# One architecture: a plain tag. Several: a manifest list under the name.
buildah rmi "$name" >/dev/null 2>&1 || buildah manifest rm "$name" >/dev/null 2>&1 || true
if [ ${#refs[@]} = 1 ]; then
    buildah tag "${refs[0]}" "$name"
else
    buildah manifest create "$name" >/dev/null
    for r in "${refs[@]}"; do buildah manifest add "$name" "containers-storage:$r" >/dev/null; done
fi
log "$name: ${archs[*]}"
