// Flow: (main.cpp has mapped the index) raise the descriptor limit, log what
// is served, bind (the line protocol's port, and with --http-port HTTP's on
// the same host), print the "listening on" line (then "http listening on"),
// then run --threads event loops, one per thread. The first SIGINT/SIGTERM
// closes the acceptors and tells every session of either kind; the loop
// runs out of work when the last session has closed, or is stopped after the
// grace period or by a second signal; then the loops are destroyed, with any
// session frames still on them, before what those frames point into.
#include "run.hpp"

#include "mojifinder_version.hpp"

#include "server.hpp"
#include "session_core.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>

#include <sys/resource.h>

#include <cstdio>
#include <optional>
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

// The server's listening sockets: the line protocol's, and HTTP's when
// --http-port is given.
struct acceptors {
    tcp_acceptor line;
    std::optional<tcp_acceptor> http;
};

awaitable<> handle_signals(server_context& ctx, signal_set& signals, acceptors& listening) {
    using namespace asio::experimental::awaitable_operators;
    auto [ec, signo] = co_await signals.async_wait(use_tuple);
    if (ec) co_return;
    ctx.log.always("{}: stopping; {} sessions open", signo == SIGINT ? "SIGINT" : "SIGTERM",
                   ctx.active.load());
    ctx.stopping = true;
    boost::system::error_code close_ec;
    listening.line.close(close_ec);
    if (listening.http) listening.http->close(close_ec);
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

// Binds, prints the ready lines, and runs every event loop until all have
// stopped: the last session gone after the first signal, or a second signal,
// or the grace period. The acceptors and the signal set live on the first
// loop, so they are destroyed on return, before the loops are. 1 when it
// cannot listen.
int serve(server_context& ctx) {
    const config& cfg = ctx.cfg;
    asio::io_context& io = *ctx.loops.front();
    acceptors listening{tcp_acceptor(io), std::nullopt};
    if (!listen_on(listening.line, ctx, cfg.port)) return 1;
    if (cfg.http_port) {
        listening.http.emplace(io);
        if (!listen_on(*listening.http, ctx, *cfg.http_port)) return 1;
    }
    // Caught before the ready line goes out: a supervisor may signal as soon
    // as it reads that line, and asio keeps the signal until the wait starts.
    signal_set signals(io, SIGINT, SIGTERM);
    std::string where = fmt::format("{}", listening.line.local_endpoint());
    std::string http_where = listening.http ? fmt::format("{}", listening.http->local_endpoint()) : "";
    std::printf("listening on %s\n", where.c_str());
    if (listening.http) std::printf("http listening on %s\n", http_where.c_str());
    std::fflush(stdout);
    ctx.log.always("listening on {} ({} thread{}, up to {} connections)", where, cfg.threads,
                   cfg.threads == 1 ? "" : "s", cfg.max_connections);
    if (listening.http) ctx.log.always("http listening on {}", http_where);

    asio::co_spawn(io, handle_signals(ctx, signals, listening), asio::detached);
    asio::co_spawn(io, accept_loop(listening.line, ctx, line_sessions), asio::detached);
    if (listening.http) asio::co_spawn(io, accept_loop(*listening.http, ctx, http_sessions), asio::detached);
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
    for (unsigned n = 0; n < cfg.threads; ++n) loops.push_back(std::make_unique<asio::io_context>(1));
}

int run_server(const config& cfg, const served_data& data) {
    logger log(cfg.quiet);
    raise_descriptor_limit(cfg, log);

    const index& idx = data.idx;
    std::size_t languages = idx.language_count();
    log.always("mojifinderd {}: {} entries ({} sequences), {} language{} from {} in {:.1f} ms ({})", version,
               idx.size(), idx.sequences().size(), languages, languages == 1 ? "" : "s", cfg.data_path,
               data.opened.count(), protocol::data_versions_text(idx.versions()));

    server_context ctx(idx, cfg, log, data.language);
    int status = serve(ctx);
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
