#pragma once
// Every limit of the server, with its default and the range an operator may
// set it to. The command line, the docs and the tests all read them from here.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace mojifinder {

template <class T>
struct bounds {
    T min;
    T max;
    constexpr bool contains(T v) const noexcept { return min <= v && v <= max; }
};

struct config {
    std::string host = "127.0.0.1";
    std::uint16_t port = 2323;

    unsigned threads = 1;
    static constexpr bounds<unsigned> threads_bounds{1, 256};

    std::size_t max_connections = 10000;
    static constexpr bounds<std::size_t> max_connections_bounds{1, 1'000'000};

    // Bytes in a query line, not counting its CR LF.
    std::size_t max_line = 4096;
    static constexpr bounds<std::size_t> max_line_bounds{16, 65536};

    // No complete line for this long: "error: idle timeout", close.
    std::chrono::seconds idle_timeout{300};
    static constexpr bounds<std::chrono::seconds> idle_timeout_bounds{
        std::chrono::seconds{1}, std::chrono::seconds{86400}};

    // The client takes no byte of an answer for this long: close.
    std::chrono::seconds send_timeout{60};
    static constexpr bounds<std::chrono::seconds> send_timeout_bounds{
        std::chrono::seconds{1}, std::chrono::seconds{86400}};

    // Set by the protocol, not by an option: this many bytes with no LF closes
    // the session ("error: line too long").
    static constexpr std::size_t flood_limit = 1u << 20;

    // On SIGTERM a session still has this long to take the end of its answer.
    static constexpr std::chrono::milliseconds shutdown_grace{5000};

    // After the last byte the server sends, it reads (and drops) what the
    // client still sends for this long, so that closing does not turn into a
    // reset that destroys the final line before the client has read it.
    static constexpr std::chrono::milliseconds linger{1000};

    // An answer leaves in writes of at most this many bytes, so a slow reader
    // refreshes its send timeout often and no write pins a whole huge answer.
    static constexpr std::size_t write_chunk = 64u << 10;

    // A session that has sent a line keeps its input buffer and protocol
    // state for this long after its last answer, so a busy client costs one
    // read per query; after that it waits for bytes with neither (~1.6 KiB
    // less per quiet connection, at the price of re-arming epoll once).
    static constexpr std::chrono::milliseconds warm_period{1000};

    // --answer-cache: small answers each event loop keeps for queries asked
    // again (protocol/answer_cache.hpp); 0 keeps none. A full cache of the
    // default size holds at most ~1 MiB (answers up to 4 KiB each).
    std::size_t answer_cache = 256;
    static constexpr bounds<std::size_t> answer_cache_bounds{0, 16384};

    // --classic: every session speaks version 1 exactly (words of names only,
    // no hints, no identification, and no session commands: a line starting
    // with `/` is a query, as it was).
    bool classic = false;

    // /limit N: answer lines per reply, 0 meaning no limit.
    static constexpr bounds<std::uint32_t> answer_limit_bounds{0, 100'000};

    bool quiet = false;

    // --data: the data file the index maps (index/data_file.hpp). Empty: the
    // installed one, <directory of mojifinderd>/../share/mojifinder/
    // mojifinder.data, when it is there; else the build tree's.
    std::string data_path;
    static constexpr const char* installed_data = "../share/mojifinder/mojifinder.data";

    // --lang: a session's language until its /lang (a CLDR locale's tag,
    // checked against the data file once it is open).
    std::string language = "en";

    // --- Socket activation (docs/OPERATIONS.md) -------------------------------
    // LISTEN_FDS: descriptors passed at most. A socket unit passes one per
    // ListenStream= (mojifinderd's two units: 2, or 4 with IPv6 beside IPv4);
    // 1024 is the soft descriptor limit a service starts with (systemd's and
    // the shell's default), so no real unit passes more, and a larger value
    // is a mistake caught before 3..LISTEN_FDS+2 are looked at.
    static constexpr bounds<int> listen_fds_bounds{0, 1024};

    // --- HTTP (docs/HTTP.md) -------------------------------------------------
    // --http-port: the HTTP API and page on the same loops; none by default
    // (0 takes a free port).
    std::optional<std::uint16_t> http_port;
    // A request target longer than this: 414. Header fields longer than this
    // together: 431.
    static constexpr std::size_t http_max_target = 8u << 10;
    static constexpr std::size_t http_max_fields = 8u << 10;
    // A request begun and not complete for this long: 408, close
    // (--http-request-timeout). A kept-alive connection with no request for
    // this long: closed (--http-idle-timeout). Their bounds: --idle-timeout's,
    // and no client takes an hour to send one request's header.
    std::chrono::seconds http_request_timeout{10};
    std::chrono::seconds http_idle_timeout{60};
    static constexpr bounds<std::chrono::seconds> http_request_timeout_bounds{std::chrono::seconds{1},
                                                                            std::chrono::hours{1}};
    static constexpr bounds<std::chrono::seconds> http_idle_timeout_bounds = idle_timeout_bounds;
    // /api/search: results per response by default, and at most.
    static constexpr std::uint32_t http_default_limit = 100;
    static constexpr bounds<std::uint32_t> http_limit_bounds{1, 10'000};
    // 503's Retry-After when every connection is taken.
    static constexpr std::chrono::seconds http_retry_after{1};
};

}  // namespace mojifinder
