# SPDX-License-Identifier: MIT OR Apache-2.0
# The Node.js package (bindings/node, issue 17): `npm pack`, `npm install` of the tarball into a
# fresh project (compiles the addon with cmake-js, through ccache), then its `node --test` suite
# (snarkjs verifies its proofs, snarkjs's own Groth16 steps, bad inputs, a circuit directory).
# Release preset only: skipped under the sanitizers (node would need the ASan runtime preloaded)
# and when cross-compiling (the addon is built for the host's node).
if(NOT PEREGRINE_SANITIZE AND NOT CMAKE_CROSSCOMPILING)
  add_test(NAME node.package
    COMMAND bash ${CMAKE_SOURCE_DIR}/bindings/node/test/ctest.sh ${CMAKE_BINARY_DIR}/node-package $<TARGET_FILE:peregrine_cli>)
  set_tests_properties(node.package PROPERTIES TIMEOUT 600 SKIP_RETURN_CODE 77)
endif()
