# SPDX-License-Identifier: MIT OR Apache-2.0
# BN254 pairing tests. Included from tests/CMakeLists.txt; expects the `peregrine` library
# (with src/curve/pairing.cpp) and GTest to be available.
add_executable(pairing_test ${CMAKE_CURRENT_LIST_DIR}/pairing_test.cpp)
target_link_libraries(pairing_test PRIVATE peregrine GTest::gtest_main)
target_compile_definitions(pairing_test PRIVATE PEREGRINE_PAIRING_DATA="${CMAKE_CURRENT_LIST_DIR}/data")
gtest_discover_tests(pairing_test DISCOVERY_TIMEOUT 60)
