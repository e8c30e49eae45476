# SPDX-License-Identifier: MIT OR Apache-2.0
# Tests of `peregrine serve` (src/server). Included from tests/CMakeLists.txt.
set(PEREGRINE_SERVER_TESTS ${CMAKE_CURRENT_LIST_DIR})

# Cancellation inside the prover (what DELETE /v1/proofs/<id> relies on).
peregrine_test(serve_cancel_test ${PEREGRINE_SERVER_TESTS}/cancel_test.cpp)

# The connection layer's checks before any handler (limits, Content-Length, timeouts) on bytes
# and a simulated clock.
peregrine_test(serve_request_reader_test ${PEREGRINE_SERVER_TESTS}/request_reader_test.cpp)
target_link_libraries(serve_request_reader_test PRIVATE peregrine_server)
# HttpFront::handle_connection (what fuzz_http drives): pipelining, keep-alive, refusals and
# timeouts on simulated time, through cpp-httplib's parser and a route of its own.
peregrine_test(serve_http_front_test ${PEREGRINE_SERVER_TESTS}/http_front_test.cpp)
target_link_libraries(serve_http_front_test PRIVATE peregrine_server PkgConfig::CPP_HTTPLIB)

# The service end to end: real servers on loopback, 16 concurrent clients, cancellation, limits,
# the rapidsnark-compatible routes, SIGTERM, RSS over 200 jobs; proofs judged by peregrine verify
# and snarkjs. Not run under qemu (aarch64 preset): emulated proving makes it far too slow.
if(NOT CMAKE_CROSSCOMPILING)
  add_test(NAME serve.e2e
    COMMAND python3 ${PEREGRINE_SERVER_TESTS}/serve_test.py $<TARGET_FILE:peregrine_cli> ${CMAKE_BINARY_DIR}/serve-test)
  set_tests_properties(serve.e2e PROPERTIES TIMEOUT 900)
  if(PEREGRINE_SANITIZE)
    # Instrumented circuit code compiles slowly at -O2; ASan's quarantine holds freed memory (RSS).
    set_tests_properties(serve.e2e PROPERTIES ENVIRONMENT
      "WITNESS_OPT=0;SERVE_TEST_RSS_MB=48;ASAN_OPTIONS=quarantine_size_mb=16:detect_leaks=1")
  endif()
endif()
# The connection layer's limits and access control (issue 15): slow clients, lying
# Content-Length headers, form bodies, the connection limit, a burst of 300 connections, bearer
# token, rate limit, rapidsnark routes. ~25 s. The soak test (16 clients, 400 mixed jobs, slow
# clients and bursts, SIGTERM mid-run; ~10 s) is a load test: release preset only. Both share
# serve.e2e's work directory (its circuits are built once), hence the lock.
if(NOT CMAKE_CROSSCOMPILING)
  add_test(NAME serve.limits
    COMMAND python3 ${PEREGRINE_SERVER_TESTS}/limits_test.py $<TARGET_FILE:peregrine_cli> ${CMAKE_BINARY_DIR}/serve-test)
  set_tests_properties(serve.limits PROPERTIES TIMEOUT 300)
  set_tests_properties(serve.e2e serve.limits PROPERTIES RESOURCE_LOCK peregrine_serve_work)
  if(PEREGRINE_SANITIZE)
    set_tests_properties(serve.limits PROPERTIES ENVIRONMENT "WITNESS_OPT=0;ASAN_OPTIONS=detect_leaks=1")
  else()
    add_test(NAME serve.soak
      COMMAND python3 ${PEREGRINE_SERVER_TESTS}/soak_test.py $<TARGET_FILE:peregrine_cli> ${CMAKE_BINARY_DIR}/serve-test)
    set_tests_properties(serve.soak PROPERTIES TIMEOUT 300 RESOURCE_LOCK peregrine_serve_work)
  endif()
endif()
if(CMAKE_CROSSCOMPILING)
  # Under the emulator the 2^12 fixture is enough (a 2^16 proof takes minutes there).
  target_compile_definitions(serve_cancel_test PRIVATE PEREGRINE_CANCEL_TEST_SMALL)
endif()

# Scale-out with a shared Redis store (issue 16).
include(${CMAKE_CURRENT_LIST_DIR}/redis.cmake)
