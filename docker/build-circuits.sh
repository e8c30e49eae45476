#!/bin/sh
# SPDX-License-Identifier: MIT OR Apache-2.0
# Compiles every circuit of the witgen image (run inside docker/Dockerfile's `circuits` stage).
#
#   build-circuits.sh IN OUT PEREGRINE RUNTIME
#
# IN is the copy of CIRCUITS_PATH: each IN/<name>.circom that declares `component main` is a circuit
# (other .circom files are includes; IN and circomlib are include directories). Each is compiled with
# `PEREGRINE circuit build --runtime RUNTIME` into OUT/<name>/ (the witness library and command,
# .r1cs, .sym, the WebAssembly generator; circom's C++ sources are dropped). Its proving key is
# OUT/<name>.zkey: a copy of IN/<name>.zkey when there is one, else a link to /srv/peregrine/zkeys/<name>.zkey
# for a volume mounted there at run time. Circuits are built in parallel (JOBS at a time).
# Environment: CIRCUIT_OPT (C++ -O level, default 2), JOBS (compiler processes, default all CPUs),
# CIRCUITS_PATH (only for messages), CIRCOM_LIBS (extra include directories, colon-separated).
set -eu
in=$1 out=$2 peregrine=$3 runtime=$4
where="CIRCUITS_PATH=${CIRCUITS_PATH:-$in}"
if [ ! -d "$in" ] || [ -z "$(ls -A "$in")" ]; then
    echo "error: $where is empty: put your circuits there (<name>.circom with 'component main', optional <name>.zkey)" >&2
    exit 1
fi
mains=$(grep -l -E '^[[:space:]]*component[[:space:]]+main([[:space:]]|\{|=)' "$in"/*.circom 2>/dev/null || true)
if [ -z "$mains" ]; then
    echo "error: $where has no circuit: expected <name>.circom files declaring 'component main' at its top level; it holds:" >&2
    ls -A "$in" | sed 's/^/  /' >&2
    exit 1
fi
incs="-l $in"
[ -d /opt/circom/node_modules ] && incs="$incs -l /opt/circom/node_modules"
if [ -n "${CIRCOM_LIBS:-}" ]; then
    for d in $(echo "$CIRCOM_LIBS" | tr ':' ' '); do incs="$incs -l $d"; done
fi
jobs=${JOBS:-0}
[ "$jobs" -gt 0 ] 2>/dev/null || jobs=$(nproc)
mkdir -p "$out"
logs=$(mktemp -d)

one() {  # builds circuit SRC; its output goes to $logs/<name>.log, its status to $logs/<name>.status
    src=$1 name=$(basename "$1" .circom)
    t0=$(date +%s)
    # shellcheck disable=SC2086
    if "$peregrine" circuit build "$src" $incs -o "$out/$name" -O "${CIRCUIT_OPT:-2}" --runtime "$runtime" -j "$jobs" \
        >"$logs/$name.log" 2>&1; then
        rm -rf "$out/$name/${name}_cpp"
        if [ -f "$in/$name.zkey" ]; then
            cp "$in/$name.zkey" "$out/$name.zkey"
            key="zkey copied from $where"
        else
            ln -sfn "/srv/peregrine/zkeys/$name.zkey" "$out/$name.zkey"
            key="zkey expected at run time in /srv/peregrine/zkeys/$name.zkey"
        fi
        echo "circuit $name: built in $(( $(date +%s) - t0 ))s; $key" >>"$logs/$name.log"
        echo 0 >"$logs/$name.status"
    else
        echo 1 >"$logs/$name.status"
    fi
}

# At most $jobs circuit builds at once.
running=0
for src in $mains; do
    one "$src" &
    running=$((running + 1))
    if [ $running -ge "$jobs" ]; then wait; running=0; fi
done
wait
n=0 failed=""
for src in $mains; do
    name=$(basename "$src" .circom)
    cat "$logs/$name.log"
    if [ "$(cat "$logs/$name.status" 2>/dev/null)" = 0 ]; then n=$((n + 1)); else failed="$failed $name"; fi
done
rm -rf "$logs"
if [ -n "$failed" ]; then
    echo "error: circuit build failed for:$failed" >&2
    exit 1
fi
echo "$n circuit(s) in $out"
