# SPDX-License-Identifier: MIT OR Apache-2.0
# Tests of native witness generation (issue 4). Included from tests/CMakeLists.txt:
#   include(${CMAKE_CURRENT_SOURCE_DIR}/witness/witness.cmake)
set(PEREGRINE_WITNESS_TESTS ${CMAKE_CURRENT_LIST_DIR})

add_executable(witness_build_tool ${PEREGRINE_WITNESS_TESTS}/build_tool.cpp)
target_link_libraries(witness_build_tool PRIVATE peregrine_witness)

add_executable(witness_lib_test ${PEREGRINE_WITNESS_TESTS}/witness_lib_test.cpp)
target_link_libraries(witness_lib_test PRIVATE peregrine_witness Threads::Threads)

# The field runtime against GMP, and the input JSON reader.
add_executable(witness_unit_test ${PEREGRINE_WITNESS_TESTS}/fr_test.cpp ${PEREGRINE_WITNESS_TESTS}/input_test.cpp)
target_link_libraries(witness_unit_test PRIVATE peregrine_witness_rt GTest::gtest_main ${GMPXX_LIB} ${GMP_LIB})
gtest_discover_tests(witness_unit_test DISCOVERY_TIMEOUT 60)

# The graph engine: its program file and runner, the reader of circom's generated C++.
add_executable(witness_graph_test ${PEREGRINE_WITNESS_TESTS}/graph_test.cpp)
target_link_libraries(witness_graph_test PRIVATE peregrine_witness GTest::gtest_main)
gtest_discover_tests(witness_graph_test DISCOVERY_TIMEOUT 60)

# End to end: circuits built with `circuit build`, witnesses judged by snarkjs; every bad input.
# The graph engine (no C++ compiler) on every test circuit; the native engine (a C++ compile
# per circuit) on ops (compare) and fail (bad_input).
# In a cross build (the aarch64 preset) the tool, the circuits and the in-process test run under
# the emulator (qemu-aarch64); without an emulator they are not run.
set(PEREGRINE_WITNESS_E2E_ENV "")
if(PEREGRINE_SANITIZE)
  # Instrumented circuit code compiles slowly at -O2.
  list(APPEND PEREGRINE_WITNESS_E2E_ENV WITNESS_OPT=0)
endif()
if(CMAKE_CROSSCOMPILING)
  list(JOIN CMAKE_CROSSCOMPILING_EMULATOR " " _pgw_emulator)
  # -O1: the cross compiler runs natively, but CI time matters more than the circuits' speed here.
  list(APPEND PEREGRINE_WITNESS_E2E_ENV "WITNESS_EMULATOR=${_pgw_emulator}" WITNESS_OPT=1)
endif()
if(NOT CMAKE_CROSSCOMPILING OR CMAKE_CROSSCOMPILING_EMULATOR)
  set(_pgw_e2e_tests "")
  foreach(engine graph native)
    set(_sfx "")
    if(engine STREQUAL "native")
      set(_sfx "_native")
    endif()
    add_test(NAME witness.e2e_compare${_sfx}
      COMMAND bash ${PEREGRINE_WITNESS_TESTS}/e2e.sh compare $<TARGET_FILE:witness_build_tool>
              $<TARGET_FILE:witness_lib_test> ${PEREGRINE_WITNESS_RUNTIME_DIR} ${CMAKE_BINARY_DIR}/witness-e2e/compare${_sfx} ${engine})
    add_test(NAME witness.e2e_bad_input${_sfx}
      COMMAND bash ${PEREGRINE_WITNESS_TESTS}/e2e.sh bad_input $<TARGET_FILE:witness_build_tool>
              $<TARGET_FILE:witness_lib_test> ${PEREGRINE_WITNESS_RUNTIME_DIR} ${CMAKE_BINARY_DIR}/witness-e2e/bad_input${_sfx} ${engine})
    list(APPEND _pgw_e2e_tests witness.e2e_compare${_sfx} witness.e2e_bad_input${_sfx})
  endforeach()
  set_tests_properties(${_pgw_e2e_tests} PROPERTIES TIMEOUT 1800)
  if(PEREGRINE_WITNESS_E2E_ENV)
    set_tests_properties(${_pgw_e2e_tests} PROPERTIES ENVIRONMENT "${PEREGRINE_WITNESS_E2E_ENV}")
  endif()
endif()
