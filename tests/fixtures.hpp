// SPDX-License-Identifier: MIT OR Apache-2.0
// Paths of the generated fixtures (tests/fixtures/make.sh writes them).
#pragma once
#include <string>
#include <vector>

namespace peregrine::test {

inline std::string fixture(const std::string& name, const std::string& file) {
    return std::string(PEREGRINE_FIXTURES) + "/" + name + "/" + file;
}

inline const std::vector<std::string>& fixture_circuits() {
    static const std::vector<std::string> names = {"multiplier", "poseidon", "multi_io", "no_public", "big"};
    return names;
}

}  // namespace peregrine::test
