# SPDX-License-Identifier: MIT OR Apache-2.0
# `peregrine serve --store redis://` (scale-out, issue 16). Built only when hiredis was found
# (PEREGRINE_HAVE_REDIS, src/server/server.cmake).
if(NOT PEREGRINE_HAVE_REDIS)
  return()
endif()

# The --store/--role values (no Redis needed; every preset).
peregrine_test(serve_redis_url_test ${CMAKE_CURRENT_LIST_DIR}/redis_url_test.cpp)
target_link_libraries(serve_redis_url_test PRIVATE peregrine_server)

# End to end: redis-server on a loopback port, three instances, 16 clients, 250+ jobs, kill -9 of
# a worker mid-job twice, a restart of every instance, Redis down for 10 s (about 45 s, of which
# a few build the circuit and 8 verify the proofs with snarkjs). Release preset only: skipped
# under the sanitizers (PEREGRINE_SANITIZE: kills and timing-bound waits under ASan add only time)
# and under qemu (CMAKE_CROSSCOMPILING). Exit 77 (skipped) when redis-server is missing.
if(NOT PEREGRINE_SANITIZE AND NOT CMAKE_CROSSCOMPILING)
  add_test(NAME serve.redis
    COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/redis_test.py $<TARGET_FILE:peregrine_cli> ${CMAKE_BINARY_DIR}/serve-redis-test)
  set_tests_properties(serve.redis PROPERTIES TIMEOUT 300 SKIP_RETURN_CODE 77)
endif()

# rediss:// (TLS through OpenSSL, as Debian's hiredis 0.14 has none): a throwaway CA and
# certificates made with the openssl CLI, redis-server on a TLS-only port, an API and a worker
# instance proving a few jobs, wrong CA / host / missing client certificate -> 503 with the
# reason; the dead-consumer clean-up, peregrine_results_stored, no witness left after the jobs,
# SIGTERM without waiting for unfetched results (about 10 s). Release preset only (as above);
# exit 77 when redis-server has no TLS.
if(NOT PEREGRINE_SANITIZE AND NOT CMAKE_CROSSCOMPILING)
  add_test(NAME serve.redis_tls
    COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/redis_tls_test.py $<TARGET_FILE:peregrine_cli> ${CMAKE_BINARY_DIR}/serve-redis-tls-test)
  set_tests_properties(serve.redis_tls PROPERTIES TIMEOUT 120 SKIP_RETURN_CODE 77)
endif()
