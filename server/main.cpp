// mojifinderd's command line. Flow: options into a config; the data file
// mapped (a data_error: its message, exit 1) and --lang checked against it
// (exit 2, as for any bad option); then --version, --languages or
// run_server(), with the sockets socket activation passed (LISTEN_FDS), if
// any, in place of --host, --port and --http-port.
#include "config.hpp"
#include "run.hpp"
#include "session_core.hpp"
#include "socket_activation.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <optional>

namespace {

constexpr const char* usage =
    "usage: mojifinderd [--host ADDR] [--port N] [--threads N] [--max-connections N]\n"
    "                   [--max-line BYTES] [--idle-timeout SECONDS] [--send-timeout SECONDS]\n"
    "                   [--http-port N] [--http-request-timeout SECONDS] [--http-idle-timeout SECONDS]\n"
    "                   [--answer-cache N] [--data PATH] [--lang TAG] [--classic] [--quiet]\n"
    "                   [--languages] [--version] [--help]";

template <class T>
CLI::Range range(mojifinder::bounds<T> b) {
    return CLI::Range(b.min, b.max);
}

CLI::Range range(mojifinder::bounds<std::chrono::seconds> b) {
    return CLI::Range(b.min.count(), b.max.count());
}

// The installed data file beside an installed mojifinderd, else the build
// tree's. The binary's own path is /proc/self/exe, or argv[0] when that is
// a path and /proc is not mounted (the image's build checks the programs in
// a chroot without it).
std::string default_data_path(std::string_view argv0) {
    std::error_code ec;
    std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec && argv0.find('/') != std::string_view::npos) {
        exe = std::filesystem::absolute(std::filesystem::path(argv0), ec);
    }
    if (!ec) {
        std::filesystem::path installed = (exe.parent_path() / mojifinder::config::installed_data).lexically_normal();
        if (std::filesystem::exists(installed, ec)) return installed.string();
    }
    return mojifinder::index::build_tree_data_path();
}

}  // namespace

int main(int argc, char** argv) {
    using mojifinder::config;
    config cfg;
    long long idle = cfg.idle_timeout.count();
    long long send = cfg.send_timeout.count();
    unsigned http_port = 0;
    long long http_request = cfg.http_request_timeout.count();
    long long http_idle = cfg.http_idle_timeout.count();

    bool show_version = false;
    bool list_languages = false;

    CLI::App app("Serves searches for Unicode characters by name over a line protocol, and with --http-port "
                 "over HTTP (a JSON API and a search page). Started by socket activation (systemd's LISTEN_FDS), "
                 "it serves the sockets it is given instead of binding --host, --port and --http-port: HTTP on "
                 "those named \"http\", the line protocol on the others.",
                 "mojifinderd");
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
    CLI::Option* http_port_option =
        app.add_option("--http-port", http_port,
                       "also serve the HTTP API and search page on this TCP port of --host; 0 takes a free one "
                       "(default: no HTTP)")
            ->check(CLI::Range(0, 65535));
    app.add_option("--http-request-timeout", http_request,
                   "seconds an HTTP request may take to arrive whole (then 408)")
        ->capture_default_str()->check(range(config::http_request_timeout_bounds));
    app.add_option("--http-idle-timeout", http_idle, "seconds a kept-alive HTTP connection may wait for a request")
        ->capture_default_str()->check(range(config::http_idle_timeout_bounds));
    app.add_option("--answer-cache", cfg.answer_cache,
                   "small answers each event loop keeps for queries asked again; 0 keeps none")
        ->capture_default_str()->check(range(config::answer_cache_bounds));
    app.add_flag("--classic", cfg.classic,
                 "speak version 1 exactly: words of names only, and every line a query");
    app.add_flag("--quiet", cfg.quiet, "log only start, stop and errors");
    app.add_option("--data", cfg.data_path,
                   fmt::format("the data file (default: <this program's directory>/{} when it is there, "
                               "else the build tree's)",
                               config::installed_data))
        ->type_name("PATH");
    app.add_option("--lang", cfg.language, "the sessions' language until their /lang (a CLDR tag: de, pt_BR)")
        ->capture_default_str()
        ->type_name("TAG");
    app.add_flag("--languages", list_languages, "print the data's languages, one \"<tag> <name>\" a line");
    app.add_flag("--version", show_version, "print the version and the data's, then exit");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        fmt::print(stderr, "mojifinderd: {}\n{}\n", e.what(), usage);
        return 2;
    }
    cfg.idle_timeout = std::chrono::seconds(idle);
    cfg.send_timeout = std::chrono::seconds(send);
    if (http_port_option->count() > 0) cfg.http_port = static_cast<std::uint16_t>(http_port);
    cfg.http_request_timeout = std::chrono::seconds(http_request);
    cfg.http_idle_timeout = std::chrono::seconds(http_idle);
    if (cfg.data_path.empty()) cfg.data_path = default_data_path(argc > 0 ? argv[0] : "");

    // Mapping the file is cheap: --version and --languages read it too.
    auto started = std::chrono::steady_clock::now();
    std::optional<mojifinder::index> idx;
    try {
        idx.emplace(mojifinder::index::open(cfg.data_path));
    } catch (const std::exception& e) {  // data_file::data_error: what is wrong with the file
        if (show_version) fmt::print("{}\n", mojifinder::protocol::version_text(nullptr));
        std::fflush(stdout);
        fmt::print(stderr, "mojifinderd: {}\n", e.what());
        return 1;
    }
    std::chrono::duration<double, std::milli> opened = std::chrono::steady_clock::now() - started;
    if (show_version) {
        mojifinder::index::data_versions versions = idx->versions();
        fmt::print("{}\n", mojifinder::protocol::version_text(&versions));
        return 0;
    }
    mojifinder::index::language_id language = idx->find_language(cfg.language);
    if (language == mojifinder::index::no_language) {
        fmt::print(stderr, "mojifinderd: --lang {}: unknown language; mojifinderd --languages lists them\n{}\n",
                   cfg.language, usage);
        return 2;
    }
    if (list_languages) {
        for (std::size_t l = 0; l < idx->language_count(); ++l) {
            auto id = static_cast<mojifinder::index::language_id>(l);
            fmt::print("{}\n", mojifinder::protocol::language_line(*idx, id));
        }
        return 0;
    }

    mojifinder::listen_setup listen{mojifinder::take_listen_environment(), {}};
    for (const char* name : {"--host", "--port", "--http-port"})
        if (app.count(name) > 0) listen.given_options.emplace_back(name);

    // Asio sends with MSG_NOSIGNAL already; this covers every other write.
    std::signal(SIGPIPE, SIG_IGN);
    try {
        return mojifinder::run_server(cfg, {*idx, language, opened}, listen);
    } catch (const std::exception& e) {
        fmt::print(stderr, "mojifinderd: {}\n", e.what());
        return 1;
    }
}
