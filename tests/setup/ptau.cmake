# SPDX-License-Identifier: MIT OR Apache-2.0
# `peregrine ptau new|contribute|beacon|verify` against snarkjs powersoftau (tests/setup/ptau_e2e.sh).
# Under qemu (aarch64) only a minimal new -> contribute -> beacon -> verify chain at power 4, with
# our own verify; under ASan/UBSan the powers are 6 and 4 instead of 8 and 5.
if(CMAKE_CROSSCOMPILING)
  set(_peregrine_ptau_mode minimal)
else()
  set(_peregrine_ptau_mode full)
endif()
add_test(NAME e2e.ptau
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/setup/ptau_e2e.sh ${RUN_peregrine_cli} ${_peregrine_ptau_mode})
set_tests_properties(e2e.ptau PROPERTIES TIMEOUT 600)
if(PEREGRINE_SANITIZE)
  set_tests_properties(e2e.ptau PROPERTIES ENVIRONMENT PEREGRINE_SANITIZE=1)
endif()
