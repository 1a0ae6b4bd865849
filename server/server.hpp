#pragma once
// The listening side of mojifinderd: one acceptor coroutine that spawns a
// session coroutine per connection, all on one io_context, plus the registry
// that lets a shutdown reach every open session.
#include "config.hpp"
#include "index.hpp"
#include "log.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <unordered_set>

namespace mojifinder {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// What a session's watchdog and its serving coroutine share. Only touched on
// the session's own executor (a strand when there are several threads).
struct session_state : std::enable_shared_from_this<session_state> {
    enum class phase { reading, writing, closing };

    explicit session_state(const asio::any_io_executor& ex) : timer(ex) {}

    asio::steady_timer timer;     // the watchdog's
    tcp::socket* socket = nullptr;  // null once the session has ended
    std::chrono::steady_clock::time_point deadline;
    std::chrono::steady_clock::time_point stop_deadline = std::chrono::steady_clock::time_point::max();
    phase now = phase::reading;
    bool stopping = false;      // the server is shutting down
    bool idle_expired = false;  // the watchdog ended a wait for a line
    bool send_expired = false;  // the watchdog ended a write nobody reads
};

// Open sessions, so that a shutdown can tell each one.
class session_registry {
public:
    // False once stop_all() has run: the session must stop at once.
    bool add(session_state* s);
    void remove(session_state* s);
    void stop_all();

private:
    std::mutex mutex_;
    std::unordered_set<session_state*> sessions_;
    bool stopped_ = false;
};

struct server_context {
    const index& idx;
    const config& cfg;
    logger log;
    bool use_strands;  // more than one thread runs the io_context
    session_registry sessions;
    std::atomic<std::size_t> active{0};
    std::atomic<bool> stopping{false};
};

// Runs on the session's executor: finish the answer being written, then say
// "error: server shutting down" and close.
void notify_stop(session_state& st);

asio::awaitable<void> session(tcp::socket socket, const index& idx, server_context& ctx);

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, server_context& ctx);

}  // namespace mojifinder
