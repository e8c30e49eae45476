// SPDX-License-Identifier: MIT OR Apache-2.0
// A nesting-depth bound for JSON from outside (input.json, HTTP bodies, vk/proof/public files).
//
// nlohmann's DOM is recursive (building, copying, destroying and walking a value), and so are
// the readers that walk it: a ~120 KB text of nested brackets overflows the stack. Every reader
// of untrusted JSON first runs json_depth_ok(), a linear scan with no recursion and no
// allocation, and refuses the text with "JSON nested deeper than N levels".
//
// Header-only: the witness runtime (built into every circuit's library) uses it too.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace peregrine {

// Real inputs are a handful of levels deep (circom signal arrays and buses; a verification key's
// vk_alphabeta_12 is 4); 64 leaves ample room and bounds the parsers' recursion.
inline constexpr std::size_t kMaxJsonDepth = 64;

// True unless `text` opens more than `max` arrays/objects at once. Brackets inside strings
// (with \" and \\ escapes) do not count. It does not validate: malformed text with a depth
// within bounds passes, and the parser reports it.
inline bool json_depth_ok(std::string_view text, std::size_t max = kMaxJsonDepth) {
    std::size_t depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char ch = text[i];
        if (in_string) {
            if (ch == '\\') {
                ++i;  // the escaped character (\" or \\) cannot end the string
            } else if (ch == '"') {
                in_string = false;
            }
            continue;
        }
        switch (ch) {
            case '"': in_string = true; break;
            case '[':
            case '{':
                if (++depth > max) return false;
                break;
            case ']':
            case '}':
                if (depth > 0) --depth;
                break;
            default: break;
        }
    }
    return true;
}

inline std::string json_too_deep_message(std::size_t max = kMaxJsonDepth) {
    return "JSON nested deeper than " + std::to_string(max) + " levels";
}

}  // namespace peregrine
