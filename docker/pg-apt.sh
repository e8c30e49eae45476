#!/bin/sh
# SPDX-License-Identifier: MIT OR Apache-2.0
# apt inside image builds whose /var/cache/apt and /var/lib/apt are BuildKit cache mounts
# (see docker/Dockerfile and docs/containers.md).
#
#   pg-apt setup                  in build stages, once, in a layer: turn off Debian's docker-clean
#                                 hook (it deletes every downloaded .deb, which would leave the
#                                 cache mount empty), keep downloaded packages, apply the
#                                 APT_MIRROR / APT_CONF build arguments
#   pg-apt install [-opt]... PKG...
#                                 install without recommends, downloading only what the cache
#                                 lacks. Without a prior `setup` (the runtime image), the same
#                                 settings apply for this command only and are undone after it.
#
# The package lists come from the cache mount: `apt-get update` runs only when they are missing or
# older than APT_LISTS_MAX_AGE days (default 7), or when an install fails with them (it is then
# retried once). Every install prints "pg-cache: apt: N packages downloaded, ...", which is how
# docker/build.sh and scripts/test-containers.sh show that warm builds download nothing.
set -eu
keep=/etc/apt/apt.conf.d/90peregrine-keep-downloads
conf=/etc/apt/apt.conf.d/91peregrine-build

setup() {
    rm -f /etc/apt/apt.conf.d/docker-clean
    printf '%s\n' '// Peregrine image builds: /var/cache/apt is a cache mount; keep what was downloaded.' \
        'APT::Keep-Downloaded-Packages "true";' 'Binary::apt::APT::Keep-Downloaded-Packages "true";' >"$keep"
    if [ -n "${APT_MIRROR:-}" ]; then
        # The Debian archive (not the security archive) from another mirror.
        for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list; do
            [ -f "$f" ] || continue
            sed -i -E "s#https?://(deb|ftp|httpredir)\.debian\.org/debian([/ ]|\$)#${APT_MIRROR%/}\2#g" "$f"
        done
    fi
    if [ -n "${APT_CONF:-}" ]; then printf '%s\n' "$APT_CONF" >"$conf"; fi
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case $cmd in
setup) setup ;;
install)
    export DEBIAN_FRONTEND=noninteractive
    if [ ! -f "$keep" ]; then
        # Temporary settings: save what setup changes, restore it on the way out.
        saved=$(mktemp -d)
        cp -a /etc/apt/apt.conf.d /etc/apt/sources.list.d "$saved/"
        [ ! -f /etc/apt/sources.list ] || cp -a /etc/apt/sources.list "$saved/"
        trap 'rm -rf /etc/apt/apt.conf.d /etc/apt/sources.list.d; cp -a "$saved/apt.conf.d" "$saved/sources.list.d" /etc/apt/;
              [ ! -f "$saved/sources.list" ] || cp -a "$saved/sources.list" /etc/apt/; rm -rf "$saved"' EXIT
        setup
    fi
    opts=""
    while [ $# -gt 0 ]; do case $1 in -*) opts="$opts $1"; shift ;; *) break ;; esac; done
    mkdir -p /var/cache/apt/archives/partial /var/lib/apt/lists/partial
    debs() { find /var/cache/apt/archives -maxdepth 1 -name '*.deb' | wc -l; }
    before=$(debs)
    updated=no
    if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -"${APT_LISTS_MAX_AGE:-7}" | head -n 1)" ]; then
        apt-get update -q
        updated=yes
    fi
    # shellcheck disable=SC2086
    if ! apt-get install -y -q --no-install-recommends $opts "$@"; then
        [ $updated = no ] || exit 1
        echo "pg-apt: install failed with the cached package lists; updating them and retrying" >&2
        apt-get update -q
        updated=yes
        # shellcheck disable=SC2086
        apt-get install -y -q --no-install-recommends $opts "$@"
    fi
    after=$(debs)
    echo "pg-cache: apt: $((after - before)) packages downloaded, $before were in the cache; lists updated: $updated"
    ;;
*)
    echo "usage: pg-apt setup | pg-apt install [-apt-option]... PACKAGE..." >&2
    exit 2
    ;;
esac
