// SPDX-License-Identifier: MIT OR Apache-2.0
// Internal to `ptau contribute|beacon` (ptau_contribute.cpp, ptau_first.cpp) and their tests:
// applying a contribution whose key is known to a ptau file.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "formats/binwriter.hpp"
#include "setup/ptau.hpp"
#include "setup/ptau_file.hpp"

namespace peregrine::setup::detail {

// How the new points are made. slice(s, lo, m, first, out) writes points lo .. lo + m - 1 of
// section s (0 tauG1, 1 tauG2, 2 alphaTauG1, 3 betaTauG1, 4 betaG2) of the new file, i.e.
// (first tau^(i - lo)) times the input's point i, as LEM; `first` is already first_s tau^lo.
// Without a plan the input's points are multiplied (curve/batch_mul). n_sections and extra let a
// plan append sections after the contributions section (7).
struct ContributionPlan {
    std::function<void(int, std::size_t, std::size_t, const Fr&, std::uint8_t*)> slice;
    std::uint32_t n_sections = 7;
    std::function<void(BinWriter&)> extra;
};

// Writes in + the contribution `cur` (its key's secrets set) to out_path; returns the response
// hash. The secrets in cur are zeroed in the record written.
Hash64 apply_contribution(const PtauFile& in, const std::string& out_path, PtauContribution cur,
                          const Hash64& challenge, const PtauRunOptions& o, const ContributionPlan* plan = nullptr);

// Throws unless the file is a full ceremony file (not reduced).
void check_contributable(const PtauFile& f);
// The challenge the next contribution answers.
Hash64 last_challenge(const PtauFile& f);

// The first contribution to a fresh file (`ptau new`: no contributions, every point a
// generator), with the prepared sections 12..15 computed from the secrets directly: see
// ptau_first.cpp. Throws if `in` is not fresh.
Hash64 apply_first_contribution_prepared(const PtauFile& in, const std::string& out_path, PtauContribution cur,
                                         const Hash64& challenge, const PtauRunOptions& o);

}  // namespace peregrine::setup::detail
