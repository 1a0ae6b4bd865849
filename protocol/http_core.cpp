// Flow: see http_core.hpp. (Stub: every request is closed unanswered until
// the core is written.)
#include "http_core.hpp"

namespace mojifinder::protocol::http {

struct connection_core::state {
    const context& ctx;
    std::size_t consumed = 0;
};

connection_core::connection_core(const context& ctx) : state_(std::make_unique<state>(state{ctx})) {}
connection_core::~connection_core() = default;
action connection_core::start() noexcept { return action::read(state_->ctx.cfg.http_idle_timeout); }
action connection_core::next(std::string_view input, bool, bool) {
    state_->consumed = input.size();
    return action::close();
}
std::size_t connection_core::consumed() const noexcept { return state_->consumed; }
action connection_core::timed_out() { return action::close(); }
std::size_t connection_core::input_limit() const noexcept { return config::http_max_target + config::http_max_fields + 1024; }
bool connection_core::quiet() const noexcept { return true; }
bool connection_core::answered_query() const noexcept { return false; }

std::string_view busy_response() noexcept {
    return "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Type: application/json; charset=utf-8\r\n"
           "Content-Length: 48\r\nConnection: close\r\n\r\n{\"error\":\"server busy, try again later\"}\r\n";
}

}  // namespace mojifinder::protocol::http
