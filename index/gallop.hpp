// Flow: gallop() finds, in an ascending list of entries, the first not below
// a wanted one, from a cursor that only moves forward: index::intersect()
// and the search layer's membership tests and leapfrogs all step with it.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace mojifinder {

// The first element of (from, end) not below `e`, given *from < e: steps
// that double from `from` (one look when it is near, as in lists of
// similar size; logarithmic when far, a short list against CJK's 98,000),
// then a binary search without branches on the data, whose gaps the branch
// predictor cannot guess (arrow left in full mode: 2.17 -> 2.06 us, perf).
inline const std::uint32_t* gallop_far(const std::uint32_t* from, const std::uint32_t* end, std::uint32_t e) noexcept {
    std::ptrdiff_t step = 1;
    while (end - from > step && from[step] < e) {
        from += step;
        step *= 2;
    }
    // The answer is in [from + 1, from + 1 + n], n elements to look at.
    const std::uint32_t* base = from + 1;
    std::ptrdiff_t n = std::min(step, end - base);
    while (n > 1) {
        std::ptrdiff_t half = n / 2;
        base = base[half] < e ? base + half : base;
        n -= half;
    }
    return n == 1 && *base < e ? base + 1 : base;
}

// The first element of [from, end) not below `e`, with the usual cases (at
// the end, already there, one step) answered inline: membership tests call
// it once per list per candidate.
inline const std::uint32_t* gallop(const std::uint32_t* from, const std::uint32_t* end, std::uint32_t e) noexcept {
    if (from == end || *from >= e) return from;
    if (from + 1 == end || from[1] >= e) return from + 1;
    return gallop_far(from + 1, end, e);
}

}  // namespace mojifinder
