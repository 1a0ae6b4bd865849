// Flow: see metrics.hpp. (Stub: the counters are kept; render() is to come.)
#include "metrics.hpp"

namespace mojifinder::protocol {

void metrics::session_opened(protocol_kind p) noexcept {
    open_[static_cast<std::size_t>(p)].fetch_add(1, std::memory_order_relaxed);
    opened_[static_cast<std::size_t>(p)].fetch_add(1, std::memory_order_relaxed);
}
void metrics::session_closed(protocol_kind p) noexcept { open_[static_cast<std::size_t>(p)].fetch_sub(1, std::memory_order_relaxed); }
void metrics::query(protocol_kind p, query_outcome o) noexcept {
    queries_[static_cast<std::size_t>(p)][static_cast<std::size_t>(o)].fetch_add(1, std::memory_order_relaxed);
}
void metrics::latency(protocol_kind, std::chrono::nanoseconds) noexcept {}
void metrics::answer_size(protocol_kind, std::size_t) noexcept {}
void metrics::error(protocol_kind p, error_kind k) noexcept {
    errors_[static_cast<std::size_t>(p)][static_cast<std::size_t>(k)].fetch_add(1, std::memory_order_relaxed);
}
void metrics::render(std::string&, const index::data_versions&) const {}
std::uint64_t metrics::open_sessions(protocol_kind p) const noexcept { return open_[static_cast<std::size_t>(p)].load(); }
std::uint64_t metrics::queries(protocol_kind p, query_outcome o) const noexcept {
    return queries_[static_cast<std::size_t>(p)][static_cast<std::size_t>(o)].load();
}
std::uint64_t metrics::errors(protocol_kind p, error_kind k) const noexcept {
    return errors_[static_cast<std::size_t>(p)][static_cast<std::size_t>(k)].load();
}

}  // namespace mojifinder::protocol
