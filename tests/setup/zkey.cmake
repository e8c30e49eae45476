# SPDX-License-Identifier: MIT OR Apache-2.0
# `peregrine zkey contribute|beacon|verify` against snarkjs (tests/setup/zkey_e2e.sh): snarkjs
# accepts our contributions and we accept its, beacon bytes equal, the final key proves, tampered
# keys get the same verdict. Under ASan/UBSan and qemu (aarch64) only a quick chain with our own
# tools (multiplier, power 4).
if(CMAKE_CROSSCOMPILING OR PEREGRINE_SANITIZE)
  set(_peregrine_zkey_mode quick)
else()
  set(_peregrine_zkey_mode full)
endif()
add_test(NAME e2e.zkey
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/setup/zkey_e2e.sh ${RUN_peregrine_cli} ${_peregrine_zkey_mode})
set_tests_properties(e2e.zkey PROPERTIES TIMEOUT 600)
