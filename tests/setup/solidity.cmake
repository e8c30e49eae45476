# SPDX-License-Identifier: MIT OR Apache-2.0
# `peregrine export solidity | calldata` against snarkjs, with the contracts run in an in-process
# EVM (tests/setup/solidity_evm). Host builds only: node and solc run on the build machine.
# Under ASan/UBSan only the generator and the bad inputs run (the EVM part exercises no C++ code).
if(NOT CMAKE_CROSSCOMPILING)
  if(PEREGRINE_SANITIZE)
    set(_peregrine_solidity_mode quick)
  else()
    set(_peregrine_solidity_mode full)
  endif()
  add_test(NAME e2e.solidity
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/setup/solidity_evm/run.sh ${RUN_peregrine_cli} ${_peregrine_solidity_mode})
  set_tests_properties(e2e.solidity PROPERTIES TIMEOUT 300)
endif()
