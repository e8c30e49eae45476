#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
# Builds Peregrine's container images from docker/Dockerfile with BuildKit cache mounts
# (docs/containers.md): `docker buildx` when it is there, else buildah.
#
# Usage: docker/build.sh [options]
#   --circuits PATH    build the witgen image for the circuits in PATH (relative to the context;
#                      <name>.circom with `component main`, optionally <name>.zkey)
#   --target T         base: build the base image; witgen: the witgen image, on the existing base
#                      image (built first if missing); all: both (default: base, or witgen when
#                      --circuits is given)
#   --platform LIST    linux/amd64, linux/arm64 or both, comma-separated (default: this machine's)
#   --rebuild-base     rebuild the base image even if it exists (default: reuse it for witgen)
#   --no-cache         no layer cache (the cache mounts are still used: see docs/containers.md)
#   --tag TAG          image tag (default: latest); images are peregrine-base:TAG-ARCH and
#                      peregrine-witgen:TAG-ARCH, plus :TAG for this machine's architecture
#   --engine E         docker or buildah (default: docker if `docker buildx` works, else buildah)
#   --pull POLICY      buildah's --pull (default: missing; never when no registry is reachable)
#   --jobs N           compiler processes inside the build (default: all CPUs)
#   --circuit-opt L    C++ optimisation level of the circuits (default: 2)
#   --context DIR      build context (default: the repository)
#   --log-dir DIR      keep the build logs there (default: a temporary directory, removed)
#   --build-arg K=V    passed on (repeatable)
# Prints each stage's time, then the cache report of every step (apt, npm and ccache: how much
# was downloaded or compiled, how much came from the cache mounts).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
context=$(cd "$here/.." && pwd)
circuits="" target="" platforms="" rebuild_base=0 no_cache=0 tag=latest engine="" pull=missing
jobs="" circuit_opt="" log_dir="" extra_args=()
while [ $# -gt 0 ]; do
    case $1 in
        --circuits) circuits=$2; shift 2 ;;
        --target) target=$2; shift 2 ;;
        --platform) platforms=$2; shift 2 ;;
        --rebuild-base) rebuild_base=1; shift ;;
        --no-cache) no_cache=1; shift ;;
        --tag) tag=$2; shift 2 ;;
        --engine) engine=$2; shift 2 ;;
        --pull) pull=$2; shift 2 ;;
        --jobs) jobs=$2; shift 2 ;;
        --circuit-opt) circuit_opt=$2; shift 2 ;;
        --context) context=$(cd "$2" && pwd); shift 2 ;;
        --log-dir) log_dir=$2; shift 2 ;;
        --build-arg) extra_args+=(--build-arg "$2"); shift 2 ;;
        -h|--help) sed -n '3,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "build.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
die() { echo "build.sh: error: $*" >&2; exit 1; }
[ -n "$target" ] || { target=base; [ -z "$circuits" ] || target=witgen; }
case $target in base|witgen|all) ;; *) die "--target $target: expected base, witgen or all" ;; esac
if [ "$target" != base ]; then
    [ -n "$circuits" ] || die "the witgen image needs --circuits PATH (a directory in the build context)"
    case $circuits in /*) abs=$circuits ;; *) abs=$context/$circuits ;; esac
    [ -d "$abs" ] || die "--circuits $circuits: no such directory (it must be inside the build context $context)"
    abs=$(cd "$abs" && pwd)
    case $abs/ in "$context"/*) circuits=${abs#"$context"/} ;; *) die "--circuits $circuits is outside the build context $context" ;; esac
    ls "$abs"/*.circom >/dev/null 2>&1 || die "--circuits $circuits: no .circom file in it (expected <name>.circom with 'component main')"
fi

if [ -z "$engine" ]; then
    if command -v docker >/dev/null && docker buildx version >/dev/null 2>&1; then engine=docker
    elif command -v buildah >/dev/null; then engine=buildah
    else die "neither docker buildx nor buildah is installed (apt-get install buildah)"
    fi
fi
machine_arch() {
    case $(uname -m) in x86_64|amd64) echo amd64 ;; aarch64|arm64) echo arm64 ;; *) uname -m ;; esac
}
host=$(machine_arch)
[ -n "$platforms" ] || platforms=linux/$host

# This machine's package settings, for the builds' apt and npm (docs/containers.md, "Mirrors and proxies").
args=(--build-arg "JOBS=${jobs:-0}")
[ -z "$circuit_opt" ] || args+=(--build-arg "CIRCUIT_OPT=$circuit_opt")
secret_args=()
if command -v apt-config >/dev/null; then
    conf=$(apt-config dump 2>/dev/null | grep -E '^Acquire::(https?::Proxy|Check-Valid-Until|Check-Date) ' | tr '\n' ' ' || true)
    [ -z "$conf" ] || args+=(--build-arg "APT_CONF=$conf")
    mirror=$(awk 'BEGIN{RS=""} /Suites:[^\n]*bookworm([ \n]|$)/ && /Types: *deb([ \n]|$)/ {for(i=1;i<=NF;i++) if ($i=="URIs:") {print $(i+1); exit}}' \
        /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
    case $mirror in ""|http://deb.debian.org/debian|http://deb.debian.org/debian/) ;; *) args+=(--build-arg "APT_MIRROR=$mirror") ;; esac
fi
if command -v npm >/dev/null; then
    reg=$(npm config get registry 2>/dev/null || true)
    case $reg in ""|https://registry.npmjs.org|https://registry.npmjs.org/) ;; *) args+=(--build-arg "NPM_REGISTRY=$reg") ;; esac
    ca=$(npm config get cafile 2>/dev/null || true)
    [ -n "$ca" ] && [ "$ca" != null ] && [ "$ca" != undefined ] && [ -s "$ca" ] || ca=${NODE_EXTRA_CA_CERTS:-}
    [ -z "$ca" ] || [ ! -s "$ca" ] || secret_args+=(--secret "id=npm_ca,src=$ca")
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -z "$log_dir" ] || mkdir -p "$log_dir"
logs=${log_dir:-$tmp}

tag_image() { if [ $engine = docker ]; then docker tag "$1" "$2"; else buildah tag "$1" "$2"; fi; }
image_exists() {
    if [ $engine = docker ]; then docker image inspect "$1" >/dev/null 2>&1
    else buildah inspect --type image "$1" >/dev/null 2>&1; fi
}

# Prefixes every line with the time (seconds since the epoch, microseconds).
stamp() { while IFS= read -r l; do printf '%s %s\n' "${EPOCHREALTIME/,/.}" "$l"; done; }

# Per-stage times from a time-stamped log.
stage_report() {
    if [ $engine = buildah ]; then
        # "[i/n] STEP j/k: ..." lines name the stage (i) working; "FROM image AS name" names it.
        # Stages may interleave (a stage's FROM waits for the stages it needs), so the time from
        # one log line to the next goes to the stage of the last STEP line.
        awk '{ t=$1; $1=""; sub(/^ /, "") }
             NR > 1 && cur != "" { spent[cur] += t - prev }
             { prev = t }
             match($0, /^\[[0-9]+\/[0-9]+\] STEP [0-9]+\/[0-9]+: /) {
                 split(substr($0, 2), a, "/"); cur = a[1] + 0
                 if (!(cur in name)) { order[++n] = cur; name[cur] = "stage " cur }
                 if (match($0, /: FROM .* AS [^ ]+$/)) { k = split($0, w, " "); name[cur] = w[k] }
                 steps[cur]++
             }
             /^--> Using cache / { cached[cur]++ }
             END { for (k = 1; k <= n; k++) { i = order[k]
                     printf "  %-16s %7.1f s%s\n", name[i], spent[i], (cached[i] && cached[i] >= steps[i] - 1) ? "  (layer cache)" : "" } }' "$1"
    else
        # BuildKit plain progress: "#N [stage j/k] ..." then "#N DONE 1.2s" or "#N CACHED".
        awk '{ $1="" } match($0, /^ #[0-9]+ \[[^ \]]+ /) { split($0, a, " "); id=a[1]; st=a[2]; sub(/^\[/, "", st); stage[id]=st; if (!(st in seen)) { seen[st]=1; order[++n]=st } }
             / DONE [0-9.]+s$/ { split($0, a, " "); if (a[1] in stage) { d=a[3]; sub(/s$/, "", d); tot[stage[a[1]]]+=d } }
             / CACHED$/ { split($0, a, " "); if (a[1] in stage) c[stage[a[1]]]++ }
             END { for (k=1;k<=n;k++) printf "  %-16s %7.1f s%s\n", order[k], tot[order[k]], c[order[k]] ? "  (" c[order[k]] " steps cached)" : "" }' "$1"
    fi
}

# build TARGET ARCH IMAGE [extra build args...]
build() {
    local t=$1 arch=$2 image=$3 log t0 t1 rc
    shift 3
    log=$logs/$t-$arch.log
    local cmd
    if [ $engine = docker ]; then
        cmd=(docker buildx build --progress=plain --load --platform "linux/$arch" --target "$t" -t "$image")
        [ $no_cache = 0 ] || cmd+=(--no-cache)
    else
        # buildah 1.28 does not define BUILDPLATFORM for FROM --platform=$BUILDPLATFORM by itself.
        # --format docker: the OCI format has no HEALTHCHECK.
        cmd=(buildah build --isolation chroot --layers --format docker --pull="$pull" --platform "linux/$arch" --target "$t" -t "$image"
             --build-arg "BUILDPLATFORM=linux/$host" --build-arg "BUILDARCH=$host" --build-arg "TARGETPLATFORM=linux/$arch")
        [ $no_cache = 0 ] || cmd+=(--no-cache)
    fi
    cmd+=(-f "$here/Dockerfile" "${args[@]}" "${secret_args[@]}" "${extra_args[@]}" "$@" "$context")
    echo "== $t (linux/$arch) -> $image   [log: $log]"
    t0=$EPOCHREALTIME
    set +e
    DOCKER_BUILDKIT=1 BUILDKIT_PROGRESS=plain "${cmd[@]}" 2>&1 | stamp >"$log"
    rc=${PIPESTATUS[0]}
    set -e
    t1=$EPOCHREALTIME
    if [ "$rc" != 0 ]; then
        cut -d' ' -f2- "$log" | tail -40 >&2
        die "$t (linux/$arch) failed (exit $rc); full log: $log${log_dir:+}"
    fi
    stage_report "$log"
    cut -d' ' -f2- "$log" | grep -E '^(#[0-9]+ [0-9.]+ )?pg-cache: ' | sed -E 's/^(#[0-9]+ [0-9.]+ )?pg-cache: /  cache: /' || true
    awk -v a="${t0/,/.}" -v b="${t1/,/.}" 'BEGIN { printf "  %-16s %7.1f s\n", "total", b - a }'
}

IFS=, read -r -a plist <<<"$platforms"
for p in "${plist[@]}"; do
    arch=${p#linux/}
    case $arch in amd64|arm64) ;; *) die "--platform $p: expected linux/amd64 or linux/arm64" ;; esac
    base=peregrine-base:$tag-$arch
    [ $engine = docker ] || base=localhost/$base
    if [ "$target" = witgen ] && [ $rebuild_base = 0 ] && image_exists "$base"; then
        echo "== base (linux/$arch): reusing $base (--rebuild-base to rebuild it)"
    else
        build base "$arch" "$base"
        [ "$arch" != "$host" ] || tag_image "$base" "peregrine-base:$tag"
    fi
    if [ "$target" != base ]; then
        w=peregrine-witgen:$tag-$arch
        build witgen "$arch" "$w" --build-arg "BASE_IMAGE=$base" --build-arg "CIRCUITS_PATH=$circuits"
        [ "$arch" != "$host" ] || tag_image "$w" "peregrine-witgen:$tag"
    fi
done
