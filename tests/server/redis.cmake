# SPDX-License-Identifier: MIT OR Apache-2.0
# `peregrine serve --store redis://` (scale-out) end to end: redis-server on a loopback port,
# three instances, 16 clients, 200+ jobs, kill -9 of a worker mid-job twice, a restart of every
# instance, Redis down for 10 s (about 55 s, of which 11 s build the circuit and 10 s verify 300
# proofs with snarkjs). Release preset only: skipped under the sanitizers (PEREGRINE_SANITIZE;
# kills and timing-bound waits under ASan add nothing but time) and under qemu
# (CMAKE_CROSSCOMPILING); built only when hiredis was found (PEREGRINE_HAVE_REDIS). Exit 77
# (skipped) when redis-server is missing.
if(PEREGRINE_HAVE_REDIS AND NOT PEREGRINE_SANITIZE AND NOT CMAKE_CROSSCOMPILING)
  add_test(NAME serve.redis
    COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/redis_test.py $<TARGET_FILE:peregrine_cli> ${CMAKE_BINARY_DIR}/serve-redis-test)
  set_tests_properties(serve.redis PROPERTIES TIMEOUT 300 SKIP_RETURN_CODE 77)
endif()
