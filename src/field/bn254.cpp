#include "field/bn254.hpp"

#include <stdexcept>

namespace peregrine {

Fr fr_root_of_unity(unsigned k) {
    if (k > kFrTwoAdicity) throw std::invalid_argument("Fr has no root of unity of order 2^k for k > 28");
    // (r-1) / 2^28
    Limbs t = FrParams::MOD;
    t[0] -= 1;
    for (unsigned i = 0; i < kFrTwoAdicity; ++i) {
        for (int j = 0; j < 4; ++j) t[j] = (t[j] >> 1) | (j < 3 ? (t[j + 1] << 63) : 0);
    }
    Fr w = Fr::from_u64(kFrRootGenerator).pow(t);
    for (unsigned i = k; i < kFrTwoAdicity; ++i) w = w.square();
    return w;
}

}  // namespace peregrine
