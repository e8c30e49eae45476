#!/bin/bash
# SPDX-License-Identifier: MIT OR Apache-2.0
# HEALTHCHECK of the Peregrine images: GET /healthz from `peregrine serve` on 127.0.0.1:$PEREGRINE_PORT
# (default 9080); healthy on HTTP 200. Needs nothing but bash (no curl or wget in the image).
port=${PEREGRINE_PORT:-9080}
exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
printf 'GET /healthz HTTP/1.0\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
read -r -t 5 _ status _ <&3 || exit 1
[ "$status" = 200 ]
