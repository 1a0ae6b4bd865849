// mojifinderd's command line: options into a config, then run_server().
#include "config.hpp"
#include "run.hpp"
#include "session_core.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <csignal>
#include <cstdio>

namespace {

constexpr const char* usage =
    "usage: mojifinderd [--host ADDR] [--port N] [--threads N] [--max-connections N]\n"
    "                   [--max-line BYTES] [--idle-timeout SECONDS] [--send-timeout SECONDS]\n"
    "                   [--classic] [--quiet] [--version] [--help]";

template <class T>
CLI::Range range(mojifinder::bounds<T> b) {
    return CLI::Range(b.min, b.max);
}

CLI::Range range(mojifinder::bounds<std::chrono::seconds> b) {
    return CLI::Range(b.min.count(), b.max.count());
}

}  // namespace

int main(int argc, char** argv) {
    using mojifinder::config;
    config cfg;
    long long idle = cfg.idle_timeout.count();
    long long send = cfg.send_timeout.count();

    CLI::App app("Serves searches for Unicode characters by name over a line protocol.",
                 "mojifinderd");
    app.set_version_flag("--version", std::string(mojifinder::protocol::version_text()));
    app.add_option("--host", cfg.host, "address to listen on")->capture_default_str();
    app.add_option("--port", cfg.port, "TCP port; 0 takes a free one")->capture_default_str();
    app.add_option("--threads", cfg.threads, "threads running the event loop")
        ->capture_default_str()->check(range(config::threads_bounds));
    app.add_option("--max-connections", cfg.max_connections, "sessions open at once")
        ->capture_default_str()->check(range(config::max_connections_bounds));
    app.add_option("--max-line", cfg.max_line, "longest query line, in bytes")
        ->capture_default_str()->check(range(config::max_line_bounds));
    app.add_option("--idle-timeout", idle, "seconds a session may wait for a line")
        ->capture_default_str()->check(range(config::idle_timeout_bounds));
    app.add_option("--send-timeout", send, "seconds a client may take no bytes of an answer")
        ->capture_default_str()->check(range(config::send_timeout_bounds));
    app.add_flag("--classic", cfg.classic,
                 "speak version 1 exactly: words of names only, and every line a query");
    app.add_flag("--quiet", cfg.quiet, "log only start, stop and errors");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        fmt::print(stderr, "mojifinderd: {}\n{}\n", e.what(), usage);
        return 2;
    }
    cfg.idle_timeout = std::chrono::seconds(idle);
    cfg.send_timeout = std::chrono::seconds(send);

    // Asio sends with MSG_NOSIGNAL already; this covers every other write.
    std::signal(SIGPIPE, SIG_IGN);
    try {
        return mojifinder::run_server(cfg);
    } catch (const std::exception& e) {
        fmt::print(stderr, "mojifinderd: {}\n", e.what());
        return 1;
    }
}
