#pragma once
// A latency histogram in the manner of HdrHistogram: buckets exact below 128
// and then 64 per power of two, so every recorded value is kept to within
// 1.6 %, recording is one shift and one increment, and the whole table is a
// few kilobytes however many values it holds.
#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>

namespace mojifinder::bench {

class histogram {
public:
    void record(std::uint64_t value) noexcept {
        if (value > max_value) value = max_value;
        ++counts_[bucket_of(value)];
        ++total_;
        if (value > max_) max_ = value;
    }

    std::uint64_t count() const noexcept { return total_; }
    std::uint64_t max() const noexcept { return max_; }

    // The smallest recorded value v such that at least `percent` of the values
    // are <= v, as the upper edge of its bucket (never above max()).
    std::uint64_t percentile(double percent) const noexcept {
        if (total_ == 0) return 0;
        auto wanted = static_cast<std::uint64_t>(percent / 100.0 * static_cast<double>(total_) + 0.5);
        if (wanted == 0) wanted = 1;
        std::uint64_t seen = 0;
        for (std::size_t b = 0; b < counts_.size(); ++b) {
            seen += counts_[b];
            if (seen >= wanted) return std::min(upper_edge(b), max_);
        }
        return max_;
    }

private:
    static constexpr unsigned sub_bits = 6;  // 64 buckets per power of two
    static constexpr std::uint64_t linear_limit = std::uint64_t{2} << sub_bits;  // 128
    // 2^40 ns is 18 minutes: longer than any run.
    static constexpr std::uint64_t max_value = (std::uint64_t{1} << 40) - 1;
    // Bit widths 8..40 take 64 buckets each, after the 128 exact ones.
    static constexpr std::size_t bucket_count = (40 - sub_bits + 1) * (std::size_t{1} << sub_bits);

    static std::size_t bucket_of(std::uint64_t v) noexcept {
        if (v < linear_limit) return static_cast<std::size_t>(v);
        unsigned shift = static_cast<unsigned>(std::bit_width(v)) - (sub_bits + 1);
        return static_cast<std::size_t>((shift + 1) * (std::uint64_t{1} << sub_bits) + (v >> shift) -
                                        (std::uint64_t{1} << sub_bits));
    }

    static std::uint64_t upper_edge(std::size_t b) noexcept {
        if (b < linear_limit) return b;
        std::size_t shift = b / (std::size_t{1} << sub_bits) - 1;
        std::uint64_t top = b % (std::size_t{1} << sub_bits) + (std::uint64_t{1} << sub_bits);
        return ((top + 1) << shift) - 1;
    }

    std::array<std::uint64_t, bucket_count> counts_{};
    std::uint64_t total_ = 0;
    std::uint64_t max_ = 0;
};

}  // namespace mojifinder::bench
