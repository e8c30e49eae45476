// SPDX-License-Identifier: MIT OR Apache-2.0
// Per-circuit glue of a native witness generator, compiled by `circuit build` next to circom's
// generated <name>.cpp (with the generated calcwit.hpp/circom.hpp on the include path) and
// linked with libperegrine_witness_rt.a. It provides:
//   * Peregrine's implementation of the Circom_CalcWit methods the generated code declares
//     (circom's calcwit.cpp is not used: it aborts on errors and never frees its memory);
//   * the circuit data (circom's <name>.dat, embedded in the binary by pgw_dat.S), parsed once
//     per process and then shared read-only by every witness calculation;
//   * the C API of pg_witness.h.
// The build also generates pgw_inputs.inc: the circuit name and its main inputs (names from the
// .sym file, checked here against the input hash table of the .dat).
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "calcwit.hpp"
#include "circom.hpp"
#include "pg_witness.h"
#include "runtime.hpp"

#define PGW_EXPORT extern "C" __attribute__((visibility("default")))

extern void run(Circom_CalcWit* ctx);

extern "C" const unsigned char pgw_dat_begin[];
extern "C" const unsigned char pgw_dat_end[];

namespace {

struct InputDef {
    const char* name;
    unsigned offset;
    unsigned size;
    const char* dims;  // "2,3" or ""
};

#include "pgw_inputs.inc"  // kCircuitName, kInputDefs[], kInputDefCount

using peregrine::witness::AssertFailure;
using peregrine::witness::CircuitError;
using peregrine::witness::InputError;
using peregrine::witness::InputSignal;

class InternalError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

std::uint64_t fnv1a_hash(const std::string& s) {
    std::uint64_t h = 0xCBF29CE484222325ull;
    for (unsigned char c : s) {
        h ^= c;
        h *= 0x100000001B3ull;
    }
    return h;
}

// circom's "Failed assert in template/function T line N. Followed trace of components: C" as
// "assert or constraint failed: template T, line N, component C".
std::string describe_assert(const std::string& m) {
    const std::string a = "Failed assert in template/function ", b = " line ", c = ". Followed trace of components: ";
    const auto pb = m.find(b, a.size()), pc = m.find(c);
    if (m.rfind(a, 0) != 0 || pb == std::string::npos || pc == std::string::npos || pc < pb) return m;
    return "assert or constraint failed: template " + m.substr(a.size(), pb - a.size()) + ", line " +
           m.substr(pb + b.size(), pc - pb - b.size()) + ", component " + m.substr(pc + c.size());
}

struct Circuit {
    Circom_Circuit cc{};
    std::vector<std::uint32_t> io_words;  // the .dat's IO map, copied (lengths arrays point into it)
    std::vector<std::unique_ptr<IOFieldDef[]>> def_store;
    std::vector<IOFieldDefPair> bus;
    std::vector<InputSignal> inputs;
    std::string error;  // set when the embedded data is inconsistent
};

class DatReader {
public:
    DatReader(const unsigned char* p, std::size_t n) : p_(p), n_(n) {}
    const unsigned char* take(std::size_t bytes, const char* what) {
        if (bytes > n_ - pos_) throw InternalError(std::string("embedded circuit data is truncated (") + what + ")");
        const unsigned char* r = p_ + pos_;
        pos_ += bytes;
        return r;
    }
    std::uint32_t u32(const char* what) {
        std::uint32_t v;
        std::memcpy(&v, take(4, what), 4);
        return v;
    }
    std::size_t pos() const { return pos_; }

private:
    const unsigned char* p_;
    std::size_t n_;
    std::size_t pos_ = 0;
};

// Reads one IOFieldDefPair list entry (as circom's .dat encodes them) into c's storage.
IOFieldDefPair read_defs(Circuit& c, std::size_t& word) {
    IOFieldDefPair pair;
    pair.len = c.io_words.at(word++);
    c.def_store.emplace_back(new IOFieldDef[pair.len ? pair.len : 1]);
    pair.defs = c.def_store.back().get();
    for (std::uint32_t j = 0; j < pair.len; ++j) {
        IOFieldDef& d = pair.defs[j];
        d.offset = c.io_words.at(word++);
        d.len = c.io_words.at(word++);
        if (d.len > c.io_words.size() - word) throw InternalError("embedded circuit data: bad IO map");
        d.lengths = c.io_words.data() + word;
        word += d.len;
        d.size = c.io_words.at(word++);
        d.busId = c.io_words.at(word++);
    }
    return pair;
}

void load_into(Circuit& c) {
    const std::size_t total = (std::size_t)(pgw_dat_end - pgw_dat_begin);
    DatReader r(pgw_dat_begin, total);
    const std::size_t nh = get_size_of_input_hashmap(), nw = get_size_of_witness(), nc = get_size_of_constants();
    c.cc.InputHashMap = reinterpret_cast<HashSignalInfo*>(const_cast<unsigned char*>(
        r.take(nh * sizeof(HashSignalInfo), "input hash map")));
    c.cc.witness2SignalList =
        reinterpret_cast<u64*>(const_cast<unsigned char*>(r.take(nw * sizeof(u64), "witness list")));
    c.cc.circuitConstants =
        reinterpret_cast<FrElement*>(const_cast<unsigned char*>(r.take(nc * sizeof(FrElement), "constants")));
    c.cc.busInsId2FieldInfo = nullptr;
    const std::size_t total_signals = get_total_signal_no();
    for (std::size_t i = 0; i < nw; ++i) {
        u64 s;
        std::memcpy(&s, reinterpret_cast<const unsigned char*>(c.cc.witness2SignalList) + 8 * i, 8);
        if (s >= total_signals) throw InternalError("embedded circuit data: witness list out of range");
    }
    const std::size_t nio = get_size_of_io_map();
    if (nio > 0) {
        std::vector<std::uint32_t> ids(nio);
        for (auto& id : ids) id = r.u32("IO map");
        const std::size_t rest = (total - r.pos()) / 4;
        c.io_words.resize(rest);
        std::memcpy(c.io_words.data(), r.take(rest * 4, "IO map"), rest * 4);
        std::size_t word = 0;
        for (std::size_t i = 0; i < nio; ++i) c.cc.templateInsId2IOSignalInfo[ids[i]] = read_defs(c, word);
        const std::size_t nbus = get_size_of_bus_field_map();
        c.bus.resize(nbus ? nbus : 1);
        for (std::size_t i = 0; i < nbus; ++i) c.bus[i] = read_defs(c, word);
        c.cc.busInsId2FieldInfo = c.bus.data();
    }

    // The main inputs, checked against the hash table circom wrote.
    const std::uint32_t start = get_main_input_signal_start(), n = get_main_input_signal_no();
    for (std::size_t i = 0; i < kInputDefCount; ++i) {
        const InputDef& d = kInputDefs[i];
        InputSignal s;
        s.name = d.name;
        s.offset = d.offset;
        s.size = d.size;
        for (const char* p = d.dims; *p;) {
            char* end;
            s.dims.push_back((std::uint32_t)std::strtoul(p, &end, 10));
            p = *end ? end + 1 : end;
        }
        if ((std::uint64_t)s.offset + s.size > n) throw InternalError("input table out of range for " + s.name);
        const std::uint64_t h = fnv1a_hash(s.name);
        bool found = false;
        for (std::size_t k = 0, pos = nh ? h % nh : 0; k < nh; ++k, pos = (pos + 1) % nh) {
            HashSignalInfo e;
            std::memcpy(&e, reinterpret_cast<const unsigned char*>(c.cc.InputHashMap) + pos * sizeof e, sizeof e);
            if (e.hash == h) {
                if (e.signalid != start + s.offset || e.signalsize != s.size)
                    throw InternalError("input table disagrees with the circuit data for " + s.name);
                found = true;
                break;
            }
            if (e.signalid == 0) break;
        }
        if (!found) throw InternalError("input " + s.name + " is not in the circuit's input hash table");
        c.inputs.push_back(std::move(s));
    }
}

// Loaded once per process (thread-safe), destroyed when the library is unloaded.
const Circuit& circuit() {
    static Circuit c;
    static const bool loaded = [] {
        try {
            load_into(c);
        } catch (const std::exception& e) {
            c.error = e.what();
        }
        return true;
    }();
    (void)loaded;
    return c;
}

}  // namespace

// ---- Circom_CalcWit, as declared by circom's generated calcwit.hpp ----

u64 fnv1a(std::string s) { return fnv1a_hash(s); }

void pgw_release_component(Circom_CalcWit* ctx, unsigned pos) {
    Circom_Component& c = ctx->componentMemory[pos];
    delete[] c.subcomponents;
    c.subcomponents = nullptr;
    delete[] c.subcomponentsParallel;
    c.subcomponentsParallel = nullptr;
    delete[] c.outputIsSet;
    c.outputIsSet = nullptr;
    delete[] c.mutexes;
    c.mutexes = nullptr;
    delete[] c.cvs;
    c.cvs = nullptr;
    delete[] c.sbct;
    c.sbct = nullptr;
}

Circom_CalcWit::Circom_CalcWit(Circom_Circuit* aCircuit, uint maxTh) {
    circuit = aCircuit;
    inputSignalAssignedCounter = get_main_input_signal_no();
    inputSignalAssigned = nullptr;
    signalValues = nullptr;
    componentMemory = nullptr;
    try {
        inputSignalAssigned = new bool[inputSignalAssignedCounter + 1]();
        signalValues = static_cast<FrElement*>(
            peregrine::witness::alloc_large(sizeof(FrElement) * (std::size_t)get_total_signal_no()));
        const uint n = get_number_of_components();
        componentMemory =
            static_cast<Circom_Component*>(peregrine::witness::alloc_large(sizeof(Circom_Component) * (std::size_t)n));
        for (uint i = 0; i < n; ++i) new (&componentMemory[i]) Circom_Component();
    } catch (...) {
        delete[] inputSignalAssigned;
        peregrine::witness::free_large(signalValues);
        throw;
    }
    signalValues[0].shortVal = 1;  // signal 0 is the constant 1
    signalValues[0].type = Fr_SHORT;
    circuitConstants = circuit->circuitConstants;
    templateInsId2IOSignalInfo = circuit->templateInsId2IOSignalInfo;
    busInsId2FieldInfo = circuit->busInsId2FieldInfo;
    listOfTemplateMessages = nullptr;
    maxThread = (int)maxTh;
    numThread = 0;
}

Circom_CalcWit::~Circom_CalcWit() {
    // The generated code releases each subcomponent when its parent finishes, never the main
    // component; after an interrupted run (an exception) some are left: free whatever remains.
    const uint n = get_number_of_components();
    for (uint i = 0; i < n; ++i) {
        pgw_release_component(this, i);
        componentMemory[i].~Circom_Component();
    }
    peregrine::witness::free_large(componentMemory);
    peregrine::witness::free_large(signalValues);
    delete[] inputSignalAssigned;
}

uint Circom_CalcWit::getInputSignalHashPosition(u64 h) {
    const uint n = get_size_of_input_hashmap();
    for (uint k = 0, pos = (uint)(h % n); k < n; ++k, pos = (pos + 1) % n) {
        if (circuit->InputHashMap[pos].hash == h) return pos;
        if (circuit->InputHashMap[pos].signalid == 0) break;
    }
    throw InputError("input signal not found (hash " + std::to_string(h) + ")");
}

void Circom_CalcWit::tryRunCircuit() {
    if (inputSignalAssignedCounter == 0) run(this);
}

void Circom_CalcWit::setInputSignal(u64 h, uint i, FrElement& val) {
    const uint pos = getInputSignalHashPosition(h);
    if (i >= circuit->InputHashMap[pos].signalsize) throw InputError("input signal array index out of range");
    const uint si = (uint)circuit->InputHashMap[pos].signalid + i;
    const uint k = si - get_main_input_signal_start();
    if (inputSignalAssigned[k]) throw InputError("input signal assigned twice");
    signalValues[si] = val;
    inputSignalAssigned[k] = true;
    inputSignalAssignedCounter--;
    tryRunCircuit();
}

u64 Circom_CalcWit::getInputSignalSize(u64 h) { return circuit->InputHashMap[getInputSignalHashPosition(h)].signalsize; }

std::string Circom_CalcWit::getTrace(u64 id_cmp) {
    std::string trace = componentMemory[id_cmp].componentName;
    while (id_cmp != 0) {
        id_cmp = componentMemory[id_cmp].idFather;
        trace = componentMemory[id_cmp].componentName + "." + trace;
    }
    return trace;
}

std::string Circom_CalcWit::generate_position_array(uint* dimensions, uint size_dimensions, uint index) {
    std::string positions;
    for (uint i = size_dimensions; i-- > 0;) {
        positions = "[" + std::to_string(index % dimensions[i]) + "]" + positions;
        index /= dimensions[i];
    }
    return positions;
}

// ---- C API ----

PGW_EXPORT int pg_witness_abi_version(void) { return PG_WITNESS_ABI_VERSION; }

PGW_EXPORT const char* pg_witness_circuit_name(void) { return kCircuitName; }

PGW_EXPORT uint32_t pg_witness_size(void) { return get_size_of_witness(); }

PGW_EXPORT void pg_witness_free(uint8_t* wtns) { peregrine::witness::free_large(wtns); }

PGW_EXPORT int pg_witness_calculate(const char* input_json, size_t len, uint8_t** wtns_out, size_t* wtns_len,
                                    char* err, size_t errmax) {
    using namespace peregrine::witness;
    if (wtns_out) *wtns_out = nullptr;
    if (wtns_len) *wtns_len = 0;
    copy_message("", err, errmax);
    if (!wtns_out || !wtns_len || (!input_json && len)) {
        copy_message("pg_witness_calculate: invalid arguments", err, errmax);
        return PG_WITNESS_INTERNAL_ERROR;
    }
    try {
        const Circuit& c = circuit();
        if (!c.error.empty()) throw InternalError(c.error);
        Circom_CalcWit ctx(const_cast<Circom_Circuit*>(&c.cc));
        read_inputs(std::string_view(input_json ? input_json : "", len), c.inputs, get_main_input_signal_no(),
                    ctx.signalValues + get_main_input_signal_start());
        run(&ctx);
        const std::uint32_t n = get_size_of_witness();
        const std::size_t size = wtns_header_size() + (std::size_t)32 * n;
        auto* buf = static_cast<std::uint8_t*>(alloc_large(size));
        write_wtns_header(buf, n);
        std::uint8_t* p = buf + wtns_header_size();
        for (std::uint32_t i = 0; i < n; ++i, p += 32) {
            u64 s;
            std::memcpy(&s, reinterpret_cast<const unsigned char*>(c.cc.witness2SignalList) + 8 * (std::size_t)i, 8);
            write_wtns_value(p, &ctx.signalValues[s]);
        }
        *wtns_out = buf;
        *wtns_len = size;
        return PG_WITNESS_OK;
    } catch (const InputError& e) {
        copy_message(e.what(), err, errmax);
        return PG_WITNESS_BAD_INPUT;
    } catch (const AssertFailure& e) {
        copy_message(std::string("circuit ") + kCircuitName + ": " + describe_assert(e.what()), err, errmax);
        return PG_WITNESS_CIRCUIT_ERROR;
    } catch (const CircuitError& e) {
        copy_message(std::string("circuit ") + kCircuitName + ": " + e.what(), err, errmax);
        return PG_WITNESS_CIRCUIT_ERROR;
    } catch (const std::bad_alloc&) {
        copy_message("out of memory", err, errmax);
        return PG_WITNESS_INTERNAL_ERROR;
    } catch (const std::exception& e) {
        copy_message(std::string("circuit ") + kCircuitName + ": " + e.what(), err, errmax);
        return PG_WITNESS_INTERNAL_ERROR;
    } catch (...) {
        copy_message("unexpected failure", err, errmax);
        return PG_WITNESS_INTERNAL_ERROR;
    }
}
