#!/bin/sh
# SPDX-License-Identifier: MIT OR Apache-2.0
# ccache hit/miss report for one build step (installed as /usr/local/bin/pg-ccache in build stages):
#   pg-ccache begin          remember the cache's counters
#   pg-ccache end LABEL      print "pg-cache: ccache (LABEL): N compiled (misses), M from the cache (hits), ..."
# Counters are the cache's own, so a build running at the same time on the same cache mount
# shows up in both reports.
set -eu
snap=/tmp/.pg-ccache-before
stats() {
    ccache --print-stats 2>/dev/null | awk -F'\t' '
        $1=="direct_cache_hit" || $1=="preprocessed_cache_hit" {h+=$2}
        $1=="cache_miss" {m+=$2}
        $1=="files_in_cache" || $1=="cache_size_kibibyte" {v[$1]=$2}
        END {printf "%d %d %d %d\n", h, m, v["files_in_cache"], v["cache_size_kibibyte"]}'
}
case ${1:-} in
begin) stats >"$snap" ;;
end)
    read -r h0 m0 _ _ <"$snap" || { h0=0; m0=0; }
    set -- "${2:-build}" $(stats)
    echo "pg-cache: ccache ($1): $(($3 - m0)) compiled (misses), $(($2 - h0)) from the cache (hits); cache holds $4 files, $(($5 / 1024)) MiB"
    rm -f "$snap"
    ;;
*) echo "usage: pg-ccache begin | pg-ccache end LABEL" >&2; exit 2 ;;
esac
