// Flow: (main.cpp has mapped the index) raise the descriptor limit, log what
// is served, adopt the sockets socket activation passed (each serving the
// line protocol, or HTTP when named `http`) or else bind (the line protocol's
// port, and with --http-port HTTP's on the same host), print a "listening on"
// line per line protocol socket and an "http listening on" line per HTTP
// socket, then run --threads event loops, one per thread. The first SIGINT/SIGTERM
// closes the acceptors and tells every session of either kind; the loop
// runs out of work when the last session has closed, or is stopped after the
// grace period or by a second signal; then the loops are destroyed, with any
// session frames still on them, before what those frames point into.
#include "run.hpp"

#include "mojifinder_version.hpp"

#include "server.hpp"
#include "session_core.hpp"
#include "socket_activation.hpp"

#include <fmt/format.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace mojifinder {
namespace {

using clock = std::chrono::steady_clock;

// Descriptors: one per session, plus a few for the process itself.
void raise_descriptor_limit(const config& cfg, const logger& log) {
    rlimit lim{};
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return;
    if (lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        setrlimit(RLIMIT_NOFILE, &lim);
    }
    constexpr rlim_t reserve = 32;
    if (lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur < cfg.max_connections + reserve)
        log.always("warning: the descriptor limit is {}, below --max-connections {} plus {}; "
                   "accepts will back off when it runs out",
                   lim.rlim_cur, cfg.max_connections, reserve);
}

// True when every session closed within the grace period.
awaitable<bool> drain(server_context& ctx) {
    steady_timer tick(co_await asio::this_coro::executor);
    auto give_up = clock::now() + config::shutdown_grace + config::linger + std::chrono::seconds(1);
    while (ctx.active.load() > 0 && clock::now() < give_up) {
        tick.expires_after(std::chrono::milliseconds(20));
        co_await tick.async_wait(use_tuple);
    }
    co_return ctx.active.load() == 0;
}

using signal_set = asio::basic_signal_set<executor>;

// Stops every event loop at once: the grace period is over.
void stop_loops(server_context& ctx) {
    for (const auto& loop : ctx.loops) loop->stop();
}

// A listening socket and the kind of session it starts.
struct listener {
    tcp_acceptor acceptor;
    const session_kind* kind;
};

// The server's listening sockets: the line protocol's, and HTTP's when
// --http-port is given; or those socket activation passed, any number of
// each kind. Complete before the accept loops start: they hold references.
using listeners = std::vector<listener>;

awaitable<> handle_signals(server_context& ctx, signal_set& signals, listeners& listening) {
    using namespace asio::experimental::awaitable_operators;
    auto [ec, signo] = co_await signals.async_wait(use_tuple);
    if (ec) co_return;
    ctx.log.always("{}: stopping; {} sessions open", signo == SIGINT ? "SIGINT" : "SIGTERM",
                   ctx.active.load());
    ctx.stopping = true;
    boost::system::error_code close_ec;
    for (listener& l : listening) l.acceptor.close(close_ec);
    ctx.sessions.stop_all();
    auto outcome = co_await (drain(ctx) || signals.async_wait(use_awaitable));
    if (outcome.index() == 1) {
        ctx.log.always("second signal: stopping now");
        stop_loops(ctx);
    } else if (!std::get<0>(outcome)) {
        ctx.log.always("{} sessions still open after the grace period; closing them",
                       ctx.active.load());
        stop_loops(ctx);
    }
}

// Opens, binds and listens on `port` of --host; logs why not and returns
// false when it cannot.
bool listen_on(tcp_acceptor& acceptor, const server_context& ctx, std::uint16_t port) {
    const config& cfg = ctx.cfg;
    try {
        tcp::resolver resolver(acceptor.get_executor());
        auto results = resolver.resolve(cfg.host, std::to_string(port),
                                        tcp::resolver::passive | tcp::resolver::numeric_service);
        tcp::endpoint ep = results.begin()->endpoint();
        acceptor.open(ep.protocol());
        acceptor.set_option(tcp::acceptor::reuse_address(true));
        acceptor.bind(ep);
        acceptor.listen(asio::socket_base::max_listen_connections);
        return true;
    } catch (const boost::system::system_error& e) {
        ctx.log.always("cannot listen on {}:{}: {}", cfg.host, port, e.code().message());
        return false;
    }
}

// Its own listening sockets: the line protocol's on --port, HTTP's on
// --http-port when given. False when one cannot listen.
bool bind_own(listeners& listening, const server_context& ctx) {
    const config& cfg = ctx.cfg;
    asio::io_context& io = *ctx.loops.front();
    listening.push_back({tcp_acceptor(io), &line_sessions});
    if (!listen_on(listening.back().acceptor, ctx, cfg.port)) return false;
    if (cfg.http_port) {
        listening.push_back({tcp_acceptor(io), &http_sessions});
        if (!listen_on(listening.back().acceptor, ctx, *cfg.http_port)) return false;
    }
    return true;
}

// The sockets socket activation passed, each checked to be a listening TCP
// socket; logs what it is instead and returns false when one is not.
bool adopt_passed(listeners& listening, const server_context& ctx, const listen_setup& setup) {
    asio::io_context& io = *ctx.loops.front();
    std::vector<std::string> passed;
    for (const protocol::passed_socket& p : setup.activation.sockets) {
        std::string why;
        std::optional<tcp> protocol = listening_tcp_protocol(p.fd, why);
        if (!protocol) {
            ctx.log.always("socket activation: descriptor {} ({:?}) is not a listening TCP socket: {}", p.fd,
                           p.name, why);
            return false;
        }
        const session_kind* kind = p.kind == protocol::listener_kind::http ? &http_sessions : &line_sessions;
        listening.push_back({tcp_acceptor(io, *protocol, p.fd), kind});
        passed.push_back(fmt::format("{} {:?}", p.fd, p.name));
    }
    // The line protocol's ready lines first, then HTTP's, as when it binds
    // its own (systemd passes a service's sockets in the order of its units).
    std::stable_partition(listening.begin(), listening.end(),
                          [](const listener& l) { return l.kind != &http_sessions; });
    ctx.log.always("socket activation: {} socket{} passed (descriptor and name: {})", passed.size(),
                   passed.size() == 1 ? "" : "s", fmt::join(passed, ", "));
    if (!setup.given_options.empty())
        ctx.log.always("socket activation: {} ignored: the passed sockets replace {}",
                       fmt::join(setup.given_options, ", "),
                       setup.given_options.size() == 1 ? "it" : "them");
    return true;
}

// "listening on 127.0.0.1:2323", "http listening on [::]:8080".
std::string ready_line(const listener& l) {
    return fmt::format("{}listening on {}", l.kind == &http_sessions ? "http " : "", l.acceptor.local_endpoint());
}

// Adopts the passed sockets or binds its own, prints the ready lines, and
// runs every event loop until all have stopped: the last session gone after
// the first signal, or a second signal, or the grace period. The acceptors
// and the signal set live on the first loop, so they are destroyed on
// return, before the loops are. 1 when it cannot listen.
int serve(server_context& ctx, const listen_setup& setup) {
    const config& cfg = ctx.cfg;
    asio::io_context& io = *ctx.loops.front();
    if (!setup.activation.error.empty()) {
        ctx.log.always("socket activation: {}", setup.activation.error);
        return 1;
    }
    listeners listening;
    bool ready = setup.activation.sockets.empty() ? bind_own(listening, ctx) : adopt_passed(listening, ctx, setup);
    if (!ready) return 1;
    // Caught before the ready line goes out: a supervisor may signal as soon
    // as it reads that line, and asio keeps the signal until the wait starts.
    signal_set signals(io, SIGINT, SIGTERM);
    for (const listener& l : listening)
        std::printf("%s\n", ready_line(l).c_str());
    std::fflush(stdout);
    for (const listener& l : listening) {
        if (l.kind == &http_sessions)
            ctx.log.always("{}", ready_line(l));
        else
            ctx.log.always("{} ({} thread{}, up to {} connections)", ready_line(l), cfg.threads,
                           cfg.threads == 1 ? "" : "s", cfg.max_connections);
    }

    asio::co_spawn(io, handle_signals(ctx, signals, listening), asio::detached);
    for (listener& l : listening) asio::co_spawn(io, accept_loop(l.acceptor, ctx, *l.kind), asio::detached);
    // The sweeper lives until the last session on any loop has ended, so the
    // first loop runs out of work last.
    asio::co_spawn(io, sweep_deadlines(ctx), asio::detached);

    std::vector<asio::executor_work_guard<executor>> keep_running;
    std::vector<std::jthread> helpers;
    for (std::size_t i = 1; i < ctx.loops.size(); ++i) {
        keep_running.push_back(asio::make_work_guard(*ctx.loops[i]));
        helpers.emplace_back([loop = ctx.loops[i].get()] { loop->run(); });
    }
    io.run();
    keep_running.clear();
    stop_loops(ctx);
    helpers.clear();
    return 0;
}

}  // namespace

// One event loop per thread, each with its own sessions: a session's
// handlers then never run at once without strands, and every I/O object
// names the loop's plain executor type.
server_context::server_context(const index& i, const config& c, logger l, index::language_id lang)
    : idx(i), cfg(c), log(std::move(l)), language(lang), http{i, c, counters, lang, &stopping} {
    for (unsigned n = 0; n < cfg.threads; ++n) {
        answers.emplace_back(cfg.answer_cache);
        loops.push_back(std::make_unique<asio::io_context>(1));
    }
}

protocol::answer_cache* server_context::answers_of(const asio::io_context& loop) noexcept {
    for (std::size_t n = 0; n < loops.size(); ++n)
        if (loops[n].get() == &loop) return &answers[n];
    return nullptr;
}

int run_server(const config& cfg, const served_data& data, const listen_setup& listen) {
    logger log(cfg.quiet);
    raise_descriptor_limit(cfg, log);

    const index& idx = data.idx;
    std::size_t languages = idx.language_count();
    log.always("mojifinderd {}: {} entries ({} sequences), {} language{} from {} in {:.1f} ms ({})", version,
               idx.size(), idx.sequences().size(), languages, languages == 1 ? "" : "s", cfg.data_path,
               data.opened.count(), protocol::data_versions_text(idx.versions()));

    server_context ctx(idx, cfg, log, data.language);
    int status = serve(ctx, listen);
    // Sessions that a second signal or the grace period cut off are still
    // suspended on their loops: destroying the loops destroys their frames,
    // each closing its socket and logging it, while the pool, the registry
    // and the log they point into are still there.
    ctx.loops.clear();
    if (status == 0) log.always("stopped");
    return status;
}

}  // namespace mojifinder

fmt::format_context::iterator fmt::formatter<mojifinder::tcp::endpoint>::format(
    const mojifinder::tcp::endpoint& ep, fmt::format_context& ctx) const {
    auto address = ep.address();
    if (ep.port() == 0) return fmt::format_to(ctx.out(), "?");
    return address.is_v6() ? fmt::format_to(ctx.out(), "[{}]:{}", address.to_string(), ep.port())
                           : fmt::format_to(ctx.out(), "{}:{}", address.to_string(), ep.port());
}
