// SPDX-License-Identifier: MIT OR Apache-2.0
#include "groth16/verifier.hpp"

#include "curve/pairing.hpp"
#include "msm/msm.hpp"

namespace peregrine {

VerifyingKey verifying_key(const Zkey& z) {
    VerifyingKey vk;
    vk.alpha1 = z.alpha1();
    vk.beta2 = z.beta2();
    vk.gamma2 = z.gamma2();
    vk.delta2 = z.delta2();
    vk.ic.reserve(z.n_public() + 1);
    for (std::size_t i = 0; i <= z.n_public(); ++i) vk.ic.push_back(z.ic(i));
    return vk;
}

bool groth16_verify(const VerifyingKey& vk, const std::vector<Limbs>& pub, const Proof& proof) {
    if (vk.ic.empty() || pub.size() != vk.n_public()) {
        throw Error("wrong number of public signals: the verification key expects " + std::to_string(vk.n_public()) +
                    ", got " + std::to_string(pub.size()));
    }
    for (std::size_t i = 0; i < pub.size(); ++i) {
        if (!Fr::is_canonical(pub[i])) throw Error("public signal " + std::to_string(i) + " is not below the scalar field prime");
    }
    G1 vk_x = G1::from_affine(vk.ic[0]);
    if (pub.size() <= 32) {  // few terms: double-and-add beats setting up an MSM
        for (std::size_t i = 0; i < pub.size(); ++i) {
            if (!is_zero(pub[i])) vk_x = vk_x.add(G1::from_affine(vk.ic[i + 1]).mul(pub[i]));
        }
    } else {
        ThreadPool inline_pool(1);  // runs on the calling thread
        vk_x = vk_x.add(msm_g1(reinterpret_cast<const std::uint8_t*>(vk.ic.data() + 1), pub.data(), pub.size(), inline_pool));
    }
    return pairing_product_is_one({{proof.a.neg(), proof.b},
                                   {vk.alpha1, vk.beta2},
                                   {vk_x.to_affine(), vk.gamma2},
                                   {proof.c, vk.delta2}});
}

}  // namespace peregrine
