#pragma once
// The server's counters, shared by its line sessions and its HTTP
// connections on every event loop (relaxed atomics: each is a count, read
// only for /metrics), and their Prometheus text (docs/HTTP.md, "/metrics").
//
// Flow: the drivers (server/) count sessions opened and closed, refusals
// and the time each answer took; the cores (session_core, http core) count
// queries by outcome, answer sizes and errors by kind; render() writes them
// all, with the data versions, when /metrics is asked.
#include "index.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace mojifinder::protocol {

enum class protocol_kind : std::uint8_t { line, http };
inline constexpr std::size_t protocol_kinds = 2;

// A query's outcome: something found, nothing found, or an error reply
// (a query the engine could not read, or a bad API parameter).
enum class query_outcome : std::uint8_t { found, empty, error };
inline constexpr std::size_t query_outcomes = 3;

// Errors and refusals, by kind ("mojifinder_errors_total{kind=...}").
enum class error_kind : std::uint8_t {
    refused_busy,     // past --max-connections (line: the busy line; HTTP: 503)
    bad_request,      // HTTP 400 (malformed, a body, a bad parameter)
    not_found,        // HTTP 404
    method,           // HTTP 405
    target_too_long,  // HTTP 414
    fields_too_long,  // HTTP 431
    request_timeout,  // HTTP 408
    idle_timeout,     // either protocol: closed for idleness
    line_too_long,    // line protocol: an over-long line, or 1 MiB without LF
    invalid_utf8,     // line protocol
    send_timeout,     // either: the client took no bytes for --send-timeout
};
inline constexpr std::size_t error_kinds = 11;

class metrics {
public:
    // Latency buckets' upper bounds (the answer's first bytes ready, from
    // the complete request line or HTTP request): 10 us to 1 s.
    static constexpr std::array<double, 8> latency_bounds_seconds{1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 1e-2, 1e-1, 1.0};
    // Answer size buckets' upper bounds, in bytes.
    static constexpr std::array<double, 6> size_bounds_bytes{256, 1024, 4096, 16384, 65536, 1048576};

    void session_opened(protocol_kind p) noexcept;
    void session_closed(protocol_kind p) noexcept;
    void query(protocol_kind p, query_outcome o) noexcept;
    // A line protocol answer sent from the answer cache (answer_cache.hpp).
    void kept_answer() noexcept;
    void latency(protocol_kind p, std::chrono::nanoseconds took) noexcept;
    void answer_size(protocol_kind p, std::size_t bytes) noexcept;
    void error(protocol_kind p, error_kind k) noexcept;

    // Every series in the Prometheus text exposition format (version 0.0.4),
    // with "mojifinder_data_info{unicode=...,cldr=...,icu=...} 1".
    void render(std::string& out, const index::data_versions& data) const;

    // For the tests: the current values.
    std::uint64_t open_sessions(protocol_kind p) const noexcept;
    std::uint64_t queries(protocol_kind p, query_outcome o) const noexcept;
    std::uint64_t kept_answers() const noexcept;
    std::uint64_t errors(protocol_kind p, error_kind k) const noexcept;

private:
    using counter = std::atomic<std::uint64_t>;
    std::array<counter, protocol_kinds> open_{};
    std::array<counter, protocol_kinds> opened_{};
    std::array<std::array<counter, query_outcomes>, protocol_kinds> queries_{};
    counter kept_{};
    std::array<std::array<counter, latency_bounds_seconds.size() + 1>, protocol_kinds> latency_{};
    std::array<counter, protocol_kinds> latency_sum_ns_{};
    std::array<std::array<counter, size_bounds_bytes.size() + 1>, protocol_kinds> size_{};
    std::array<counter, protocol_kinds> size_sum_{};
    std::array<std::array<counter, error_kinds>, protocol_kinds> errors_{};
};

}  // namespace mojifinder::protocol
