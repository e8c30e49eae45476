# SPDX-License-Identifier: MIT OR Apache-2.0
# `peregrine ptau prepare` and `peregrine setup` against snarkjs (tests/setup/setup_e2e.sh): byte
# identity of the prepared ptau and of the initial zkeys, proofs with the new keys, bad inputs.
# Release: power 7 and three fixtures; ASan/UBSan: power 6, two fixtures; under qemu (aarch64)
# only the byte identity at power 4 with the smallest fixture.
if(CMAKE_CROSSCOMPILING)
  set(_peregrine_setup_mode minimal)
elseif(PEREGRINE_SANITIZE)
  set(_peregrine_setup_mode small)
else()
  set(_peregrine_setup_mode full)
endif()
add_test(NAME e2e.setup
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/setup/setup_e2e.sh ${RUN_peregrine_cli} ${_peregrine_setup_mode})
set_tests_properties(e2e.setup PROPERTIES TIMEOUT 600)
