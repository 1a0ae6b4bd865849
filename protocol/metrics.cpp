// Flow: see metrics.hpp. Each count is one relaxed atomic; a histogram is
// one count per bucket (not cumulative, so an observation touches one
// bucket) and render() adds them up into Prometheus's cumulative `le`
// buckets. The series and their labels are those of docs/HTTP.md,
// "/metrics", in the order written there.
#include "metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <string_view>

namespace mojifinder::protocol {
namespace {

constexpr std::array<std::string_view, protocol_kinds> protocol_names{"line", "http"};
constexpr std::array<std::string_view, query_outcomes> outcome_names{"found", "empty", "error"};
constexpr std::array<std::string_view, error_kinds> error_names{
    "refused_busy",    "bad_request",     "not_found",    "method",        "target_too_long", "fields_too_long",
    "request_timeout", "idle_timeout",    "line_too_long", "invalid_utf8", "send_timeout",
};

constexpr std::size_t at(protocol_kind p) noexcept { return static_cast<std::size_t>(p); }

template <std::size_t N>
std::size_t bucket_of(const std::array<double, N>& bounds, double value) noexcept {
    return static_cast<std::size_t>(std::lower_bound(bounds.begin(), bounds.end(), value) - bounds.begin());
}

void append_family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
    fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

template <std::size_t N, std::size_t B>
void append_histogram(std::string& out, std::string_view name, const std::array<double, N>& bounds,
                      const std::array<std::array<std::atomic<std::uint64_t>, B>, protocol_kinds>& buckets,
                      const std::array<std::atomic<std::uint64_t>, protocol_kinds>& sums, double sum_unit) {
    auto to = std::back_inserter(out);
    for (std::size_t p = 0; p < protocol_kinds; ++p) {
        std::uint64_t cumulative = 0;
        for (std::size_t b = 0; b < B; ++b) {
            cumulative += buckets[p][b].load(std::memory_order_relaxed);
            if (b < N)
                fmt::format_to(to, "{}_bucket{{protocol=\"{}\",le=\"{}\"}} {}\n", name, protocol_names[p], bounds[b],
                               cumulative);
            else
                fmt::format_to(to, "{}_bucket{{protocol=\"{}\",le=\"+Inf\"}} {}\n", name, protocol_names[p],
                               cumulative);
        }
        double sum = static_cast<double>(sums[p].load(std::memory_order_relaxed)) / sum_unit;
        fmt::format_to(to, "{}_sum{{protocol=\"{}\"}} {}\n", name, protocol_names[p], sum);
        fmt::format_to(to, "{}_count{{protocol=\"{}\"}} {}\n", name, protocol_names[p], cumulative);
    }
}

}  // namespace

void metrics::session_opened(protocol_kind p) noexcept {
    open_[at(p)].fetch_add(1, std::memory_order_relaxed);
    opened_[at(p)].fetch_add(1, std::memory_order_relaxed);
}

void metrics::session_closed(protocol_kind p) noexcept { open_[at(p)].fetch_sub(1, std::memory_order_relaxed); }

void metrics::query(protocol_kind p, query_outcome o) noexcept {
    queries_[at(p)][static_cast<std::size_t>(o)].fetch_add(1, std::memory_order_relaxed);
}

void metrics::latency(protocol_kind p, std::chrono::nanoseconds took) noexcept {
    double seconds = std::chrono::duration<double>(took).count();
    latency_[at(p)][bucket_of(latency_bounds_seconds, seconds)].fetch_add(1, std::memory_order_relaxed);
    latency_sum_ns_[at(p)].fetch_add(static_cast<std::uint64_t>(std::max<std::int64_t>(took.count(), 0)),
                                     std::memory_order_relaxed);
}

void metrics::answer_size(protocol_kind p, std::size_t bytes) noexcept {
    size_[at(p)][bucket_of(size_bounds_bytes, static_cast<double>(bytes))].fetch_add(1, std::memory_order_relaxed);
    size_sum_[at(p)].fetch_add(bytes, std::memory_order_relaxed);
}

void metrics::kept_answer() noexcept { kept_.fetch_add(1, std::memory_order_relaxed); }

void metrics::error(protocol_kind p, error_kind k) noexcept {
    errors_[at(p)][static_cast<std::size_t>(k)].fetch_add(1, std::memory_order_relaxed);
}

void metrics::render(std::string& out, const index::data_versions& data) const {
    auto to = std::back_inserter(out);
    append_family(out, "mojifinder_sessions_open", "gauge", "Sessions open now, by protocol.");
    for (std::size_t p = 0; p < protocol_kinds; ++p)
        fmt::format_to(to, "mojifinder_sessions_open{{protocol=\"{}\"}} {}\n", protocol_names[p],
                       open_[p].load(std::memory_order_relaxed));
    append_family(out, "mojifinder_sessions_total", "counter", "Sessions opened since the start, by protocol.");
    for (std::size_t p = 0; p < protocol_kinds; ++p)
        fmt::format_to(to, "mojifinder_sessions_total{{protocol=\"{}\"}} {}\n", protocol_names[p],
                       opened_[p].load(std::memory_order_relaxed));
    append_family(out, "mojifinder_queries_total", "counter", "Queries answered, by protocol and outcome.");
    for (std::size_t p = 0; p < protocol_kinds; ++p)
        for (std::size_t o = 0; o < query_outcomes; ++o)
            fmt::format_to(to, "mojifinder_queries_total{{protocol=\"{}\",outcome=\"{}\"}} {}\n", protocol_names[p],
                           outcome_names[o], queries_[p][o].load(std::memory_order_relaxed));
    append_family(out, "mojifinder_kept_answers_total", "counter",
                  "Line protocol answers sent from the answer cache, without a search (--answer-cache).");
    fmt::format_to(to, "mojifinder_kept_answers_total {}\n", kept_.load(std::memory_order_relaxed));
    append_family(out, "mojifinder_query_seconds", "histogram",
                  "Time from a complete query to its answer's first bytes, by protocol.");
    append_histogram(out, "mojifinder_query_seconds", latency_bounds_seconds, latency_, latency_sum_ns_, 1e9);
    append_family(out, "mojifinder_answer_bytes", "histogram", "Bytes of each answer, by protocol.");
    append_histogram(out, "mojifinder_answer_bytes", size_bounds_bytes, size_, size_sum_, 1.0);
    append_family(out, "mojifinder_errors_total", "counter", "Errors and refusals, by protocol and kind.");
    for (std::size_t p = 0; p < protocol_kinds; ++p)
        for (std::size_t k = 0; k < error_kinds; ++k)
            fmt::format_to(to, "mojifinder_errors_total{{protocol=\"{}\",kind=\"{}\"}} {}\n", protocol_names[p],
                           error_names[k], errors_[p][k].load(std::memory_order_relaxed));
    append_family(out, "mojifinder_data_info", "gauge", "The versions of the data file's sources.");
    fmt::format_to(to, "mojifinder_data_info{{unicode=\"{}\",cldr=\"{}\",icu=\"{}\"}} 1\n", data.unicode, data.cldr,
                   data.icu);
}

std::uint64_t metrics::kept_answers() const noexcept { return kept_.load(std::memory_order_relaxed); }

std::uint64_t metrics::open_sessions(protocol_kind p) const noexcept {
    return open_[at(p)].load(std::memory_order_relaxed);
}

std::uint64_t metrics::queries(protocol_kind p, query_outcome o) const noexcept {
    return queries_[at(p)][static_cast<std::size_t>(o)].load(std::memory_order_relaxed);
}

std::uint64_t metrics::errors(protocol_kind p, error_kind k) const noexcept {
    return errors_[at(p)][static_cast<std::size_t>(k)].load(std::memory_order_relaxed);
}

}  // namespace mojifinder::protocol
