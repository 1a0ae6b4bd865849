// mojifinder-soak: thousands of good and bad clients at once against a
// running mojifinderd, every answer checked byte for byte.
//
// Flow: main() builds the index and works out, with protocol::session_core
// (the code the server itself runs), the exact bytes every scripted input
// must get. Then --clients slots run on one io_context. Each slot loops until
// the run ends: connect, play one session, close, repeat. A session is good
// (random queries, each answer compared as it streams in) or bad (one
// misbehaviour of a random kind, and what the server must do about it
// checked). A sampler reads the server's RSS and prints progress. When
// --duration is over, slots start nothing new: a good client still takes the
// answer in flight (bounded by --answer-timeout), a bad one hangs up. The last
// slot to finish takes the final RSS sample; then the report, and the exit
// status: 1 on any mismatch, loss or unexpected behaviour. With --http-port,
// a share of the slots' sessions are HTTP ones, good and bad, their expected
// responses worked out alike with protocol::http::connection_core.
#include "http_core.hpp"
#include "metrics.hpp"
#include "net.hpp"
#include "session_core.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace mojifinder::bench {
namespace {

using clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
using namespace asio::experimental::awaitable_operators;
using asio::as_tuple;
using asio::use_awaitable;

constexpr const char* usage =
    "usage: mojifinder-soak --port N [--host HOST] [--pid PID] [--duration SECONDS]\n"
    "                       [--clients N] [--bad-percent P] [--max-line BYTES]\n"
    "                       [--http-port N] [--http-percent P] [--http-request-timeout SECONDS]\n"
    "                       [--idle-timeout SECONDS] [--send-timeout SECONDS]\n"
    "                       [--think-ms MS] [--answer-timeout SECONDS] [--seed N]";

constexpr const char* details =
    "Runs --clients connections at once against a running mojifinderd for\n"
    "--duration seconds, each one session after another. Good sessions send 1 to\n"
    "30 random queries (small, medium and, rarely, huge answers such as CJK;\n"
    "code points, prefixes, exclusions, pasted text; /limit with /more, JSON mode,\n"
    "/sort relevance and /why on;\n"
    "odd spacing and case, CR LF, blank lines, several lines in one write, a last\n"
    "line without LF before a half-close) and compare every byte received with\n"
    "what protocol::session_core, the server's own logic, says. Bad sessions do\n"
    "one of: invalid UTF-8, over-long lines, a 1 MiB flood without LF, control-byte\n"
    "hang-ups, CR-only line ends, a reset in the middle of a big answer, CJK asked\n"
    "50 times and never read, an idle connection, a query trickled byte by byte;\n"
    "each checks what the server must answer. --max-line, --idle-timeout and\n"
    "--send-timeout must be the server's: a never-reading client is checked to\n"
    "be dropped, and an idle one to get \"error: idle timeout\", when the run is\n"
    "long enough (the timeout plus 15 s); otherwise they hang up at the end.\n"
    "\n"
    "With --http-port (the server's), --http-percent of the sessions are HTTP:\n"
    "good ones send 1 to 30 keep-alive requests (the API in several languages,\n"
    "/search, the page, /healthz, HEAD; sometimes a few pipelined), bad ones one\n"
    "of: malformed requests (garbage, a bad version, a body, other methods, bad\n"
    "parameters, a TLS hello), slowloris headers (checked to get 408 and the close\n"
    "after --http-request-timeout, the server's, when the run is long enough: the\n"
    "timeout plus 15 s), a target over 8 KiB\n"
    "(414), header fields over 8 KiB (431), a pipelined flood of 20 to 200\n"
    "requests, a reset in the middle of a 10,000-result page. Each response is\n"
    "read with Boost.Beast's parser; its status and body must be what\n"
    "protocol::http::connection_core, the server's own HTTP logic, writes, and\n"
    "the connection must close when it closes.\n"
    "\n"
    "Start the server in its default mode (not --classic: the expected bytes are\n"
    "version 2's) with --max-connections above --clients (a refused\n"
    "connection is counted, not failed) and, for a short run, small\n"
    "--idle-timeout and --send-timeout, e.g.:\n"
    "  mojifinderd --port 0 --quiet --idle-timeout 10 --send-timeout 5 &\n"
    "  mojifinder-soak --port PORT --pid $! --idle-timeout 10 --send-timeout 5 \\\n"
    "                  --duration 60 --clients 500\n"
    "\n"
    "Report: good queries sent, answered and verified, mismatched, lost (no\n"
    "answer within --answer-timeout on an open connection); bad sessions by\n"
    "kind, as expected or not; the server's RSS at the start, its peak and at the\n"
    "end (needs --pid). Exit status: 0 when every check held, 1 otherwise, 2 on\n"
    "a bad option.";

struct options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    int pid = 0;
    double duration = 120;
    std::size_t clients = 2000;
    unsigned bad_percent = 30;
    std::size_t max_line = 4096;
    unsigned idle_timeout = 300;
    unsigned send_timeout = 60;
    unsigned think_ms = 100;
    unsigned answer_timeout = 30;
    std::uint64_t seed = 0;
    std::size_t max_reports = 20;
    std::uint16_t http_port = 0;  // 0: no HTTP sessions
    unsigned http_percent = 50;
    unsigned http_request_timeout = static_cast<unsigned>(config{}.http_request_timeout.count());
};

// ---------------------------------------------------------------------------
// What the server must send.

struct expected_reply {
    std::string bytes;    // everything the server writes after its first prompt
    bool closes = false;  // and then it closes the session
};

// Feeds `input` to a fresh session, past its first prompt, as the server would.
expected_reply reply_to(const index& idx, std::size_t max_line, std::string_view input, bool eof) {
    protocol::session_core core(idx, max_line);
    core.start();
    expected_reply r;
    for (std::size_t head = 0;;) {
        protocol::step s = core.next(input.substr(head), eof, false);
        head += core.consumed();
        for (std::string_view piece : s.out) r.bytes += piece;
        if (s.kind == protocol::step_kind::close) {
            r.closes = true;
            return r;
        }
        if (s.kind == protocol::step_kind::read) return r;
    }
}

struct good_query {
    std::string line;      // as sent, with LF or CR LF
    expected_reply reply;  // answer, status line, prompt
    unsigned weight;
};

// Big answers are rare in the mix: each one is megabytes through loopback.
struct query_text {
    const char* text;
    unsigned weight;
};
constexpr query_text good_texts[] = {
    {"cat face", 100},
    {"CAT FACE", 25},
    {"  cat   face  ", 25},
    {"cat-face", 25},
    {"chess black", 50},
    {"arrow left", 50},
    {"black chess knight", 25},
    {"smiling face", 50},
    {"greek small letter alpha", 25},
    {"hangul syllable ga", 25},
    {"cjk unified ideograph-4e00", 25},
    {"xyzzy", 25},
    {"face", 20},
    {"arrow", 10},
    {"hiragana", 20},
    {"digit", 20},
    {"latin capital letter a", 25},
    {"box drawings", 20},
    {"\xC3\xA9t\xC3\xA9", 15},
    {"\xF0\x9F\x90\xB1", 15},
    {"", 10},
    {"   \t ", 10},
    {"hangul syllable", 2},
    {"letter", 2},
    {"CJK", 1},
    // Version 2's query language and session commands. A script of several
    // lines is one item: it leaves the session's settings as it found them.
    {"U+1F600", 15},
    {"U+2190..U+21FF", 10},
    {"smil*", 15},
    {"arrow -left", 15},
    {"\xF0\x9F\x98\x80 cat face", 10},
    {"/limit 3\narrow\n/more\n/more\n/limit 0", 15},
    {"/limit 2\ncat face\n/limit 0\n/more", 10},
    {"/format json\ncat face\n/format text", 10},
    {"/help", 5},
    // Issue 10: keywords in the session's language, skin tones, pasted
    // sequences; a /lang script switches back to English at its end.
    {"laugh", 15},
    {"firefighter dark", 10},
    {"\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x9A\x92", 10},  // 👩‍🚒
    {"/lang de\nKatze\nrotes Herz\n/lang en", 15},
    {"/lang ja\n\xE7\x8C\xAB\n/lang en", 15},  // 猫
    {"/lang de\nKatz* -Gesicht\n/lang ja\n\xE3\x83\x8F\xE3\x83\xBC\xE3\x83\x88\n/lang en", 5},  // ハート
    // Issue 13: relevance order and /why, back to code order and off at the end.
    {"/sort relevance\ncat\nheart\n/sort code", 15},
    {"/sort relevance\n/limit 5\nsign\n/more\n/more\n/limit 0\n/sort code", 10},
    {"/why on\n/sort relevance\nred heart\n\xE2\x86\x92 pet\n/sort code\n/why off", 10},  // →
    {"/format json\n/why on\ncat face\n/why off\n/format text", 10},
    {"/sort best\n/why maybe", 5},
    // Issue 13: informal aliases, Unihan definitions and readings; a
    // /readings script switches them off again at its end.
    {"command key", 10},
    {"water", 10},
    {"pinyin:shui", 10},
    {"shu\xC7\x90 kun:mizu", 5},  // shuǐ
    {"water -pinyin:shui", 5},
    {"/readings on\nshui\nmizu\n/readings off", 10},
};

// Queries whose answers take a while to stream: for resets and never-readers.
constexpr const char* big_texts[] = {"CJK", "letter", "hangul syllable"};

constexpr const char* invalid_utf8_texts[] = {
    "caf\xC3",       "\xC3\x28",         "\xA0\xA1",         "\xE2\x28\xA1",
    "\xE2\x82",      "\xF0\x28\x8C\xBC", "\xF0\x90\x28\xBC", "\xC0\xAF",
    "\xE0\x80\xAF",  "\xED\xA0\x80",     "\xF4\x90\x80\x80", "\xF8\x88\x80\x80\x80",
    "cat \xFE face", "face \x80",        "\xC3\xA9t\xC3",
};

// Lines that end a session at once, by their first byte: Ctrl-C, Ctrl-D, NUL,
// ESC, telnet's IAC IP IAC DO TIMING-MARK; with or without a line end.
const std::string hang_up_inputs[] = {
    "\x03", "\x04", std::string(1, '\0'), "\x1B[A\n", "\xFF\xF4\xFF\xFD\x06", "\x03\r\n",
};

enum class bad_kind {
    invalid_utf8,
    long_line,
    flood,
    hang_up,
    cr_only,
    reset_mid_answer,
    never_read,
    idle,
    trickle,
};
constexpr std::size_t bad_kind_count = 9;
constexpr std::array<const char*, bad_kind_count> bad_kind_names = {
    "invalid-utf8",     "long-line",  "flood-1MiB", "hang-up", "cr-only",
    "reset-mid-answer", "never-read", "idle",       "trickle",
};
// Floods and never-readers are heavy on loopback: fewer of them.
constexpr std::array<double, bad_kind_count> bad_kind_weights = {3, 3, 1, 3, 2, 2, 1, 2, 2};

struct catalogue {
    std::vector<good_query> good;
    std::vector<std::size_t> small;  // indexes of good queries with answers under 64 KiB
    std::vector<std::size_t> big;    // indexes of the big_texts queries (LF variant)
    std::vector<std::pair<std::string, expected_reply>> invalid_utf8, hang_up;
    std::string flood;
    expected_reply flood_reply;
    std::string never_read;  // "CJK\n" 50 times
};

[[noreturn]] void internal_error(std::string_view what) {
    fmt::print(stderr, "mojifinder-soak: internal error: {}\n", what);
    std::exit(1);
}

catalogue make_catalogue(const index& idx, std::size_t max_line) {
    catalogue c;
    for (const auto& q : good_texts) {
        for (const char* end : {"\n", "\r\n"}) {
            std::string line = std::string(q.text) + end;
            expected_reply r = reply_to(idx, max_line, line, false);
            if (r.closes || !r.bytes.ends_with(protocol::prompt)) internal_error("a good query closes");
            if (r.bytes.size() < (64u << 10)) c.small.push_back(c.good.size());
            c.good.push_back({std::move(line), std::move(r), q.weight});
        }
    }
    for (const char* text : big_texts)
        for (std::size_t i = 0; i < c.good.size(); ++i)
            if (c.good[i].line == std::string(text) + "\n") c.big.push_back(i);
    // The soak must test what it says it tests: check each script's kind.
    const std::string utf8_error = std::string(protocol::error_utf8) + std::string(protocol::prompt);
    for (const char* text : invalid_utf8_texts) {
        std::string line = std::string(text) + "\n";
        expected_reply r = reply_to(idx, max_line, line, false);
        if (r.bytes != utf8_error || r.closes) internal_error(fmt::format("{:?} is not invalid UTF-8", line));
        c.invalid_utf8.emplace_back(std::move(line), std::move(r));
    }
    for (const std::string& input : hang_up_inputs) {
        expected_reply r = reply_to(idx, max_line, input, false);
        if (!r.bytes.empty() || !r.closes) internal_error(fmt::format("{:?} does not hang up", input));
        c.hang_up.emplace_back(input, std::move(r));
    }
    c.flood.assign(config::flood_limit + (16u << 10), 'x');
    c.flood_reply = reply_to(idx, max_line, c.flood, false);
    if (c.flood_reply.bytes != protocol::error_flood || !c.flood_reply.closes)
        internal_error("the flood does not close the session");
    for (int i = 0; i < 50; ++i) c.never_read += "CJK\n";
    return c;
}

// ---------------------------------------------------------------------------
// HTTP (issue 11): what the server must answer, worked out with
// protocol::http::connection_core, the server's own HTTP logic. Responses
// are compared as a client reads them, through Boost.Beast's parser: the
// status, the body (chunked or not), and whether the server closes after.

namespace http = boost::beast::http;

struct http_response {
    unsigned status = 0;
    std::string body;
};

// Reads responses from the bytes received, in order; heads[i]: the i-th
// request was a HEAD (its response has no body to read).
class response_reader {
public:
    explicit response_reader(std::vector<bool> heads) : heads_(std::move(heads)) {}

    // False on a malformed response, or bytes past the last one expected.
    bool feed(std::string_view data) {
        pending_.append(data);
        while (!pending_.empty()) {
            if (!parser_) {
                if (next_ == heads_.size()) return fail("bytes after the last response");
                parser_.emplace();
                parser_->body_limit(std::uint64_t{1} << 30);
                parser_->eager(true);
                parser_->skip(heads_[next_++]);
            }
            boost::system::error_code ec;
            std::size_t used = parser_->put(asio::buffer(pending_), ec);
            pending_.erase(0, used);
            if (ec == http::error::need_more) {
                if (used == 0) break;
                continue;
            }
            if (ec) return fail(fmt::format("a malformed response: {}", ec.message()));
            if (parser_->is_done()) {
                auto& message = parser_->get();
                done_.push_back({message.result_int(), std::move(message.body())});
                parser_.reset();
            }
        }
        return true;
    }

    const std::vector<http_response>& done() const noexcept { return done_; }
    const std::string& error() const noexcept { return error_; }

private:
    bool fail(std::string why) {
        error_ = std::move(why);
        return false;
    }
    std::vector<bool> heads_;
    std::size_t next_ = 0;
    std::optional<http::response_parser<http::string_body>> parser_;
    std::string pending_;
    std::vector<http_response> done_;
    std::string error_;
};

struct http_expected {
    std::vector<http_response> responses;
    bool closes = false;
};

// What the server's HTTP core needs, as mojifinderd gives it (default
// options, English).
struct http_world {
    http_world(const index& i, std::chrono::seconds request_timeout)
        : idx(i), ctx{i, cfg, counters, i.english(), &stopping} {
        cfg.http_request_timeout = request_timeout;
    }
    const index& idx;
    config cfg;
    protocol::metrics counters;
    std::atomic<bool> stopping{false};
    protocol::http::context ctx;
};

// Feeds `input` to a fresh connection, as the server would, and reads what
// it writes; `timed_out`: the request timeout then passes.
http_expected http_reply_to(const http_world& world, std::string_view input, const std::vector<bool>& heads,
                            bool eof, bool timed_out = false) {
    protocol::http::connection_core core(world.ctx);
    std::string out;
    http_expected r;
    auto take = [&](const protocol::http::action& a) {
        for (std::string_view piece : a.out()) out += piece;
    };
    core.start();
    protocol::http::action a = core.next(input, eof, false);
    std::size_t head = core.consumed();
    for (;;) {
        if (a.what() == protocol::http::action::kind::write) {
            take(a);
            a = core.next(input.substr(head), eof, false);
            head += core.consumed();
        } else if (a.what() == protocol::http::action::kind::close) {
            take(a);
            r.closes = true;
            break;
        } else if (timed_out) {
            timed_out = false;
            a = core.timed_out();
        } else {
            break;
        }
    }
    response_reader reader(heads);
    if (!reader.feed(out) || reader.done().size() != heads.size())
        internal_error(fmt::format("the core's reply to {:?} is not {} response(s): {:?}", input.substr(0, 80),
                                   heads.size(), std::string_view(out).substr(0, 200)));
    r.responses = reader.done();
    return r;
}

std::string http_get(std::string_view target, std::string_view method = "GET", std::string_view extra = {}) {
    return fmt::format("{} {} HTTP/1.1\r\nHost: soak\r\n{}\r\n", method, target, extra);
}

struct http_good {
    std::string request;
    bool head = false;
    http_response response;
    unsigned weight = 1;
};

struct http_bad_input {
    std::string input;
    http_expected reply;
};

// Good requests: the API in several languages and kinds of query, the
// ancestor's /search, the page, /healthz; HEAD too. Huge pages are rare.
struct http_target {
    const char* method;
    const char* target;
    unsigned weight;
};
constexpr http_target good_http_targets[] = {
    {"GET", "/api/search?q=cat+face", 100},
    {"GET", "/api/search?q=cat%20face&limit=3", 30},
    {"GET", "/api/search?q=chess+black", 50},
    {"GET", "/api/search?q=arrow+left", 50},
    {"GET", "/api/search?q=arrow&limit=20&offset=40", 25},
    {"GET", "/api/search?q=smil*", 20},
    {"GET", "/api/search?q=U%2B1F600", 20},
    {"GET", "/api/search?q=Katze&lang=de", 20},
    {"GET", "/api/search?q=%E7%8C%AB&lang=ja", 20},
    {"GET", "/api/search?q=zzzq", 15},
    {"GET", "/api/search?q=hiragana", 10},
    {"GET", "/api/search?q=cat&sort=relevance", 20},
    {"GET", "/api/search?q=heart&sort=relevance&limit=10&offset=10", 15},
    {"GET", "/api/search?q=sign&sort=relevance&why=off&limit=100", 10},
    {"GET", "/api/search?q=arrow+left&why=on", 10},
    {"GET", "/search?q=cat+face", 40},
    {"GET", "/search?q=chess", 20},
    {"GET", "/healthz", 20},
    {"GET", "/", 10},
    {"HEAD", "/api/search?q=cat+face", 10},
    {"HEAD", "/", 5},
    {"GET", "/api/search?q=letter&limit=1000", 2},
    {"GET", "/api/search?q=CJK&limit=10000", 1},
};
// For resets in the middle of a response.
constexpr const char* big_http_target = "/api/search?q=CJK&limit=10000";

// Requests the server must refuse, each with what it answers (the core
// says; the soak checks each gets a 4xx).
const std::string malformed_http_inputs[] = {
    "GARBAGE\r\n\r\n",
    "GET / HTTP/9.9\r\nHost: soak\r\n\r\n",
    "GET /api/search?q=cat HTTP/1.1\r\nHost soak\r\n\r\n",
    "GET /api/search?q=cat HTTP/1.1\r\nHost: soak\r\nContent-Length: 5\r\n\r\nhello",
    "POST /api/search HTTP/1.1\r\nHost: soak\r\nContent-Length: 0\r\n\r\n",
    "DELETE / HTTP/1.1\r\nHost: soak\r\n\r\n",
    "GET /api/search?q=cat&limit=0 HTTP/1.1\r\nHost: soak\r\n\r\n",
    "GET /api/search?q=cat&sort=best HTTP/1.1\r\nHost: soak\r\n\r\n",
    "GET /api/search?q=cat&limit=10001 HTTP/1.1\r\nHost: soak\r\n\r\n",
    "GET /api/search HTTP/1.1\r\nHost: soak\r\n\r\n",
    "GET /api/search?q=cat%ZZ HTTP/1.1\r\nHost: soak\r\n\r\n",
    "GET http://soak/ HTTP/1.1\r\nHost: soak\r\n\r\n",
    "GET /no/such/page HTTP/1.1\r\nHost: soak\r\n\r\n",
    "GET /api/search?q=cat HTTP/1.1\r\nHost: soak\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    "\x16\x03\x01\x02\x01\x01\xfc\x03\x03\r\n\r\n",  // a TLS hello's first bytes
};

struct http_catalogue {
    std::vector<http_good> good;
    std::vector<std::size_t> small;  // good requests with bodies under 64 KiB
    std::vector<http_bad_input> malformed;
    http_bad_input long_target, long_fields;
    std::string slow_start;  // a request line and a header, never finished
    http_expected slow_reply;
};

http_catalogue make_http_catalogue(const http_world& world) {
    http_catalogue c;
    for (const auto& t : good_http_targets) {
        bool head = std::string_view(t.method) == "HEAD";
        std::string request = http_get(t.target, t.method);
        http_expected r = http_reply_to(world, request, {head}, false);
        if (r.closes || r.responses[0].status != 200)
            internal_error(fmt::format("{:?} gets {} (closes: {})", request, r.responses[0].status, r.closes));
        if (r.responses[0].body.size() < (64u << 10)) c.small.push_back(c.good.size());
        c.good.push_back({std::move(request), head, std::move(r.responses[0]), t.weight});
    }
    for (const std::string& input : malformed_http_inputs) {
        http_expected r = http_reply_to(world, input, {false}, false);
        if (r.responses[0].status < 400 || r.responses[0].status > 499)
            internal_error(fmt::format("{:?} is answered {}, not 4xx", input, r.responses[0].status));
        c.malformed.push_back({input, std::move(r)});
    }
    auto refused = [&](std::string input, unsigned status) {
        http_expected r = http_reply_to(world, input, {false}, false);
        if (r.responses[0].status != status || !r.closes)
            internal_error(fmt::format("{} bytes of request get {}, not {} and a close", input.size(),
                                       r.responses[0].status, status));
        return http_bad_input{std::move(input), std::move(r)};
    };
    c.long_target = refused(http_get("/api/search?q=" + std::string(config::http_max_target + 100, 'a')), 414);
    std::string fields;
    for (int i = 0; fields.size() <= config::http_max_fields; ++i)
        fields += fmt::format("X-Soak-{}: {}\r\n", i, std::string(100, 'y'));
    c.long_fields = refused(http_get("/api/search?q=cat+face", "GET", fields), 431);
    c.slow_start = "GET /api/search?q=cat+face HTTP/1.1\r\nHost: soak\r\n";
    c.slow_reply = http_reply_to(world, c.slow_start, {false}, false, true);
    if (c.slow_reply.responses[0].status != 408 || !c.slow_reply.closes)
        internal_error("a request left unfinished does not time out with 408 and a close");
    return c;
}

enum class http_bad_kind { malformed, slowloris, long_target, long_fields, pipelined_flood, reset_mid_response };
constexpr std::size_t http_bad_kind_count = 6;
constexpr std::array<const char*, http_bad_kind_count> http_bad_kind_names = {
    "malformed", "slowloris", "target-414", "fields-431", "pipelined-flood", "reset-mid-response",
};
constexpr std::array<double, http_bad_kind_count> http_bad_kind_weights = {4, 2, 2, 2, 2, 2};

// ---------------------------------------------------------------------------
// Comparing what arrives.

// The bytes a client must receive, in pieces (one per answer), compared as
// they stream in, so even a 200 MB expectation costs no copy.
class expected_stream {
public:
    void add(std::string_view piece) {
        if (!piece.empty()) pieces_.push_back(piece);
        total_ += piece.size();
    }

    // Compares the next bytes received; false at the first difference, which
    // difference() then describes.
    bool feed(std::string_view data) {
        while (!data.empty()) {
            if (piece_ == pieces_.size()) return fail({}, data);  // more than expected
            std::string_view want = pieces_[piece_].substr(offset_);
            std::size_t n = std::min(want.size(), data.size());
            auto [w, d] =
                std::mismatch(want.begin(), want.begin() + static_cast<std::ptrdiff_t>(n), data.begin());
            if (w != want.begin() + static_cast<std::ptrdiff_t>(n)) {
                received_ += static_cast<std::size_t>(w - want.begin());
                return fail(want.substr(static_cast<std::size_t>(w - want.begin())),
                            data.substr(static_cast<std::size_t>(d - data.begin())));
            }
            received_ += n;
            offset_ += n;
            data.remove_prefix(n);
            if (offset_ == pieces_[piece_].size()) {
                ++piece_;
                offset_ = 0;
            }
        }
        return true;
    }

    bool done() const noexcept { return piece_ == pieces_.size(); }
    std::size_t pieces_done() const noexcept { return piece_; }
    std::size_t received() const noexcept { return received_; }
    std::size_t total() const noexcept { return total_; }
    const std::string& difference() const noexcept { return difference_; }

private:
    bool fail(std::string_view want, std::string_view got) {
        constexpr std::size_t shown = 48;
        difference_ = fmt::format("at byte {} of {}: expected {:?}, got {:?}", received_, total_,
                                  want.substr(0, shown), got.substr(0, shown));
        return false;
    }

    std::vector<std::string_view> pieces_;
    std::size_t piece_ = 0, offset_ = 0, received_ = 0, total_ = 0;
    std::string difference_;
};

// ---------------------------------------------------------------------------
// The run.

struct counts {
    std::uint64_t sessions = 0, as_expected = 0, unexpected = 0;
};

struct soak_run {
    soak_run(asio::io_context& io, const options& o, const index& i, catalogue c, const tcp::endpoint& ep,
             const http_catalogue* h)
        : opt(o),
          idx(i),
          cat(std::move(c)),
          http_cat(h),
          server(ep),
          http_server(ep.address(), o.http_port),
          sources(ep.address(), 4 * source_addresses::per_address),
          rng(o.seed),
          clock_timer(io),
          sampler_timer(io) {
        std::vector<double> weights;
        for (const auto& q : cat.good) weights.push_back(q.weight);
        pick_good = std::discrete_distribution<std::size_t>(weights.begin(), weights.end());
        pick_bad = std::discrete_distribution<std::size_t>(bad_kind_weights.begin(), bad_kind_weights.end());
        if (http_cat) {
            std::vector<double> http_weights;
            for (const auto& q : http_cat->good) http_weights.push_back(q.weight);
            pick_http_good = std::discrete_distribution<std::size_t>(http_weights.begin(), http_weights.end());
            pick_http_bad = std::discrete_distribution<std::size_t>(http_bad_kind_weights.begin(),
                                                                    http_bad_kind_weights.end());
        }
    }

    const options& opt;
    const index& idx;
    const catalogue cat;
    const http_catalogue* http_cat;  // null without --http-port
    tcp::endpoint server, http_server;
    source_addresses sources;  // spread over a few addresses: sessions come and go fast
    std::mt19937_64 rng;
    std::discrete_distribution<std::size_t> pick_good, pick_bad, pick_http_good, pick_http_bad;
    // Every read lands here and is compared at once: one buffer for all.
    std::vector<char> buffer = std::vector<char>(64 * 1024);
    asio::steady_timer clock_timer, sampler_timer;

    clock::time_point start, end;
    bool stopping = false;
    bool stuck = false;
    std::size_t slots_running = 0;

    // Good clients.
    std::uint64_t good_sessions = 0, sent = 0, verified = 0, mismatches = 0, lost = 0;
    std::array<counts, bad_kind_count> bad{};
    std::uint64_t busy = 0, connect_errors = 0, never_read_dropped = 0, idle_timed_out = 0;
    // HTTP sessions, counted alike.
    std::uint64_t http_good_sessions = 0, http_sent = 0, http_verified = 0, http_mismatches = 0, http_lost = 0;
    std::array<counts, http_bad_kind_count> http_bad{};
    std::uint64_t http_timed_out = 0;
    std::size_t reports = 0;

    long rss_start = -1, rss_peak = -1, rss_end = -1;

    std::size_t uniform(std::size_t lo, std::size_t hi) {
        return std::uniform_int_distribution<std::size_t>(lo, hi)(rng);
    }
    bool chance(unsigned percent) { return uniform(0, 99) < percent; }
    const good_query& any_good() { return cat.good[pick_good(rng)]; }
    const good_query& small_good() { return cat.good[cat.small[uniform(0, cat.small.size() - 1)]]; }
    const http_good& any_http() { return http_cat->good[pick_http_good(rng)]; }
    const http_good& small_http() { return http_cat->good[http_cat->small[uniform(0, http_cat->small.size() - 1)]]; }
    std::chrono::seconds answer_timeout() const { return std::chrono::seconds(opt.answer_timeout); }
    double elapsed() const { return std::chrono::duration<double>(clock::now() - start).count(); }

    template <class... Args>
    void report(fmt::format_string<Args...> format, Args&&... args) {
        if (reports++ >= opt.max_reports) return;
        fmt::print(stderr, "[{:7.2f} s] {}\n", elapsed(), fmt::format(format, std::forward<Args>(args)...));
    }
};

struct slot {
    slot(asio::io_context& io, std::size_t n) : sock(io), timer(io), id(n) {}
    tcp::socket sock;
    asio::steady_timer timer;
    std::size_t id;
};

enum class outcome { ok, mismatch, closed, timeout, busy };

// What a bad session showed; `skipped` when it never got to misbehave
// (no connection, or refused as busy).
enum class verdict { as_expected, unexpected, skipped };

std::string describe(outcome o, const expected_stream& want) {
    switch (o) {
        case outcome::ok: return "as expected";
        case outcome::mismatch: return want.difference();
        case outcome::closed:
            return fmt::format("closed after {} of {} bytes", want.received(), want.total());
        case outcome::timeout:
            return fmt::format("nothing more after {} of {} bytes", want.received(), want.total());
        case outcome::busy: return "refused: server busy";
    }
    return {};
}

asio::awaitable<void> sleep_until(slot& s, clock::time_point when) {
    s.timer.expires_at(when);
    co_await s.timer.async_wait(as_tuple(use_awaitable));
}

// A pause that ends early when the run does.
asio::awaitable<void> pause(soak_run& run, slot& s, std::chrono::milliseconds d) {
    if (!run.stopping) co_await sleep_until(s, std::min(clock::now() + d, run.end));
}

void close_socket(slot& s, bool reset = false) {
    boost::system::error_code ec;
    if (reset) s.sock.set_option(asio::socket_base::linger(true, 0), ec);
    s.sock.close(ec);
}

asio::awaitable<bool> write_all(slot& s, std::string_view bytes, clock::time_point deadline) {
    s.timer.expires_at(deadline);
    auto r = co_await (
        asio::async_write(s.sock, asio::buffer(bytes.data(), bytes.size()), as_tuple(use_awaitable)) ||
        s.timer.async_wait(as_tuple(use_awaitable)));
    co_return r.index() == 0 && !std::get<0>(std::get<0>(r));
}

struct read_result {
    outcome what;           // ok, closed (end of stream or reset) or timeout
    std::string_view data;  // for ok: in the shared buffer, valid until the next read
};

asio::awaitable<read_result> read_some(soak_run& run, slot& s, clock::time_point deadline) {
    for (;;) {
        boost::system::error_code ec;
        std::size_t n = s.sock.read_some(asio::buffer(run.buffer), ec);
        if (!ec) co_return read_result{outcome::ok, {run.buffer.data(), n}};
        if (ec != asio::error::would_block) co_return read_result{outcome::closed, {}};
        s.timer.expires_at(deadline);
        auto r = co_await (s.sock.async_wait(tcp::socket::wait_read, as_tuple(use_awaitable)) ||
                           s.timer.async_wait(as_tuple(use_awaitable)));
        if (r.index() == 1) co_return read_result{outcome::timeout, {}};
    }
}

// Reads until `want` is complete (or has `enough` bytes), comparing as it goes.
asio::awaitable<outcome> receive(soak_run& run, slot& s, expected_stream& want, clock::time_point deadline,
                                 std::size_t enough = SIZE_MAX) {
    while (!want.done() && want.received() < enough) {
        read_result r = co_await read_some(run, s, deadline);
        if (r.what != outcome::ok) co_return r.what;
        if (!want.feed(r.data)) co_return outcome::mismatch;
    }
    co_return outcome::ok;
}

// After the last expected byte the server must close, sending nothing more.
asio::awaitable<outcome> expect_close(soak_run& run, slot& s, clock::time_point deadline) {
    read_result r = co_await read_some(run, s, deadline);
    if (r.what != outcome::ok) co_return r.what;
    run.report("slot {}: bytes after the last expected one: {:?}", s.id, r.data.substr(0, 48));
    co_return outcome::mismatch;
}

asio::awaitable<bool> connect(soak_run& run, slot& s, int receive_buffer = 0, bool http = false) {
    const tcp::endpoint& to = http ? run.http_server : run.server;
    boost::system::error_code ec;
    try {
        run.sources.bind(s.sock, s.id);
        if (!s.sock.is_open()) s.sock.open(to.protocol());
        if (receive_buffer > 0) s.sock.set_option(asio::socket_base::receive_buffer_size(receive_buffer));
    } catch (const boost::system::system_error& e) {
        ec = e.code();
    }
    if (!ec) {
        s.timer.expires_after(10s);
        auto r = co_await (s.sock.async_connect(to, as_tuple(use_awaitable)) ||
                           s.timer.async_wait(as_tuple(use_awaitable)));
        ec = r.index() == 0 ? std::get<0>(std::get<0>(r)) : asio::error::timed_out;
    }
    if (!ec) s.sock.set_option(tcp::no_delay(true), ec);
    if (!ec) s.sock.non_blocking(true, ec);
    if (ec) {
        if (run.connect_errors++ == 0) run.report("connect: {}", ec.message());
        close_socket(s);
        co_await pause(run, s, 200ms);
        co_return false;
    }
    co_return true;
}

// The first prompt. A refusal (server busy) is told apart: it is what the
// server must do past --max-connections.
asio::awaitable<outcome> greet(soak_run& run, slot& s, std::string_view who) {
    expected_stream want;
    want.add(protocol::prompt);
    outcome o = co_await receive(run, s, want, clock::now() + run.answer_timeout());
    if (o == outcome::mismatch && want.received() == 0 &&
        want.difference().find("got \"error: server busy") != std::string::npos) {
        ++run.busy;
        co_return outcome::busy;
    }
    if (o != outcome::ok) run.report("slot {} ({}): no prompt: {}", s.id, who, describe(o, want));
    co_return o;
}

// Sends a query line and checks its answer; false after reporting a problem.
asio::awaitable<bool> ask(soak_run& run, slot& s, std::string_view line, std::string_view reply,
                          std::string_view who) {
    expected_stream want;
    want.add(reply);
    auto deadline = clock::now() + run.answer_timeout();
    outcome o =
        co_await write_all(s, line, deadline) ? co_await receive(run, s, want, deadline) : outcome::closed;
    if (o != outcome::ok) run.report("slot {} ({}): query {:?}: {}", s.id, who, line, describe(o, want));
    co_return o == outcome::ok;
}

asio::awaitable<bool> ask(soak_run& run, slot& s, const good_query& q, std::string_view who) {
    co_return co_await ask(run, s, q.line, q.reply.bytes, who);
}

asio::awaitable<void> good_session(soak_run& run, slot& s) {
    if (!co_await connect(run, s)) co_return;
    outcome hello = co_await greet(run, s, "good");
    if (hello == outcome::busy) co_return;
    ++run.good_sessions;
    if (hello != outcome::ok) {
        ++(hello == outcome::timeout ? run.lost : run.mismatches);
        co_return;
    }
    std::size_t n = run.uniform(1, 30);
    for (std::size_t i = 0; i < n && !run.stopping; ++i) {
        co_await pause(run, s, std::chrono::milliseconds(run.uniform(0, run.opt.think_ms)));
        if (run.stopping) break;
        // Mostly one line at a time; sometimes several lines in one write; the
        // last one sometimes without its LF, before a half-close.
        std::size_t lines = run.chance(10) ? run.uniform(2, 4) : 1;
        bool half_close = lines == 1 && i + 1 == n && run.chance(20);
        std::string out;
        expected_stream want;
        std::string_view first;
        for (std::size_t k = 0; k < lines; ++k) {
            const good_query& q = run.any_good();
            out += q.line;
            if (!half_close) want.add(q.reply.bytes);
            if (k == 0) first = q.line;
        }
        // A last line without LF is answered at the end of input as if it had
        // one, except an empty one, which is no line at all.
        expected_reply at_eof;
        if (half_close) {
            out.pop_back();
            at_eof = reply_to(run.idx, run.opt.max_line, out, true);
            want.add(at_eof.bytes);
            if (at_eof.bytes.empty()) lines = 0;
        }
        run.sent += lines;
        auto deadline = clock::now() + run.answer_timeout();
        bool sent = co_await write_all(s, out, deadline);
        if (sent && half_close) {
            boost::system::error_code ec;
            s.sock.shutdown(tcp::socket::shutdown_send, ec);
        }
        outcome o = sent ? co_await receive(run, s, want, deadline) : outcome::closed;
        run.verified += want.pieces_done();
        if (o == outcome::ok && half_close) {
            outcome closed = co_await expect_close(run, s, deadline);
            if (closed != outcome::closed) {
                ++run.mismatches;
                run.report("slot {} (good): not closed after the half-close", s.id);
            }
            co_return;
        }
        if (o == outcome::ok) continue;
        std::string_view query = lines > 1 ? std::string_view(out) : first;
        if (o == outcome::timeout) {
            run.lost += lines - want.pieces_done();
            run.report("slot {} (good): no answer to {:?} within {} s ({} of {} bytes)", s.id, query,
                       run.opt.answer_timeout, want.received(), want.total());
        } else {
            ++run.mismatches;
            run.report("slot {} (good): query {:?}: {}", s.id, query, describe(o, want));
        }
        co_return;
    }
}

// Sends `input` (in `parts` writes), checks the reply, then checks that the
// session goes on (a good query) or that the server closed it.
asio::awaitable<bool> scripted(soak_run& run, slot& s, std::string_view input, const expected_reply& reply,
                               bool half_close, std::size_t parts, std::string_view who) {
    auto deadline = clock::now() + run.answer_timeout();
    std::size_t step = (input.size() + parts - 1) / parts;
    bool sent = true;
    for (std::size_t at = 0; sent && at < input.size(); at += step) {
        sent = co_await write_all(s, input.substr(at, step), deadline);
        if (sent && parts > 1) co_await sleep_until(s, clock::now() + 5ms);
    }
    if (sent && half_close) {
        boost::system::error_code ec;
        s.sock.shutdown(tcp::socket::shutdown_send, ec);
    }
    expected_stream want;
    want.add(reply.bytes);
    outcome o = sent ? co_await receive(run, s, want, deadline) : outcome::closed;
    if (o != outcome::ok) {
        run.report("slot {} ({}): after {:?}: {}", s.id, who, input.substr(0, 48), describe(o, want));
        co_return false;
    }
    if (reply.closes || half_close) {
        outcome c = co_await expect_close(run, s, deadline);
        if (c != outcome::closed)
            run.report("slot {} ({}): not closed after {:?}", s.id, who, input.substr(0, 48));
        co_return c == outcome::closed;
    }
    co_return co_await ask(run, s, run.small_good(), who);
}

asio::awaitable<verdict> never_read(soak_run& run, slot& s) {
    // A small receive buffer keeps what the kernel holds for us small, so the
    // server's own buffer fills and its send timeout runs.
    if (!co_await connect(run, s, 4096)) co_return verdict::skipped;
    auto deadline = clock::now() + run.answer_timeout();
    if (!co_await write_all(s, run.cat.never_read, deadline)) {
        run.report("slot {} (never-read): cannot send", s.id);
        co_return verdict::unexpected;
    }
    auto wait = std::chrono::seconds(run.opt.send_timeout) + 5s;
    if (clock::now() + wait + 10s > run.end) {
        // Not enough run left to see the send timeout: hold on, then reset.
        co_await pause(run, s, std::chrono::milliseconds(run.uniform(5000, 30000)));
        close_socket(s, true);
        co_return verdict::as_expected;
    }
    co_await sleep_until(s, clock::now() + wait);
    // The server must have given up: what is left in the kernel's buffers
    // arrives, matching the answers, and then the end, long before 50 answers.
    expected_stream want;
    want.add(protocol::prompt);
    const std::string& cjk = run.cat.good[run.cat.big[0]].reply.bytes;
    for (int i = 0; i < 50; ++i) want.add(cjk);
    outcome o = co_await receive(run, s, want, clock::now() + run.answer_timeout());
    if (o == outcome::closed) {
        ++run.never_read_dropped;
        co_return verdict::as_expected;
    }
    run.report("slot {} (never-read): {} s without reading, then: {}", s.id, wait.count(),
               o == outcome::ok ? "every answer came: not dropped" : describe(o, want));
    co_return verdict::unexpected;
}

asio::awaitable<verdict> idle(soak_run& run, slot& s) {
    // The server's idle clock starts when it accepts, which is after this
    // (not necessarily before connect() resumes here, on a busy loop).
    auto connecting = clock::now();
    if (!co_await connect(run, s)) co_return verdict::skipped;
    outcome hello = co_await greet(run, s, "idle");
    if (hello != outcome::ok) co_return hello == outcome::busy ? verdict::skipped : verdict::unexpected;
    auto timeout = std::chrono::seconds(run.opt.idle_timeout);
    if (run.chance(50) && connecting + timeout + 15s < run.end) {
        // Wait for the server's idle timeout: its error line and the close,
        // not before the timeout has passed.
        expected_stream want;
        want.add(protocol::error_idle);
        outcome o = co_await receive(run, s, want, connecting + timeout + 15s);
        if (o == outcome::ok && clock::now() < connecting + timeout) {
            run.report("slot {} (idle): closed after {:.3f} s, before the idle timeout", s.id,
                       std::chrono::duration<double>(clock::now() - connecting).count());
            co_return verdict::unexpected;
        }
        if (o != outcome::ok) {
            run.report("slot {} (idle): {}", s.id, describe(o, want));
            co_return verdict::unexpected;
        }
        if (co_await expect_close(run, s, connecting + timeout + 15s) != outcome::closed) {
            run.report("slot {} (idle): not closed after the idle timeout line", s.id);
            co_return verdict::unexpected;
        }
        ++run.idle_timed_out;
        co_return verdict::as_expected;
    }
    // Then a query, well inside the idle timeout, to show the session still works.
    auto longest = std::min<std::chrono::milliseconds>(20s, timeout * 2 / 3);
    co_await pause(run, s,
                   std::chrono::milliseconds(run.uniform(0, static_cast<std::size_t>(longest.count()))));
    if (run.stopping || !run.chance(50)) co_return verdict::as_expected;
    co_return co_await ask(run, s, run.small_good(), "idle") ? verdict::as_expected : verdict::unexpected;
}

asio::awaitable<verdict> trickle(soak_run& run, slot& s) {
    if (!co_await connect(run, s)) co_return verdict::skipped;
    if (outcome o = co_await greet(run, s, "trickle"); o != outcome::ok)
        co_return o == outcome::busy ? verdict::skipped : verdict::unexpected;
    const good_query& q = run.small_good();
    // Well inside the idle timeout, which runs from the session's start.
    auto gap = std::min<std::chrono::milliseconds>(
        50ms, std::chrono::milliseconds(std::chrono::seconds(run.opt.idle_timeout)) / (2 * q.line.size()));
    std::string_view line = q.line;
    for (; line.size() > 1; line.remove_prefix(1)) {
        if (!co_await write_all(s, line.substr(0, 1), clock::now() + run.answer_timeout())) {
            run.report("slot {} (trickle): cannot send", s.id);
            co_return verdict::unexpected;
        }
        co_await sleep_until(s, clock::now() + gap);
    }
    co_return co_await ask(run, s, line, q.reply.bytes, "trickle") ? verdict::as_expected
                                                                   : verdict::unexpected;
}

asio::awaitable<verdict> bad_session(soak_run& run, slot& s, bad_kind kind) {
    const catalogue& cat = run.cat;
    const char* who = bad_kind_names[static_cast<std::size_t>(kind)];
    if (kind == bad_kind::never_read) co_return co_await never_read(run, s);
    if (kind == bad_kind::idle) co_return co_await idle(run, s);
    if (kind == bad_kind::trickle) co_return co_await trickle(run, s);

    if (!co_await connect(run, s)) co_return verdict::skipped;
    if (outcome o = co_await greet(run, s, who); o != outcome::ok)
        co_return o == outcome::busy ? verdict::skipped : verdict::unexpected;
    // Sometimes a good query first: the bad input must not care what came before.
    if (run.chance(30) && !co_await ask(run, s, run.small_good(), who)) co_return verdict::unexpected;
    bool ok = true;

    switch (kind) {
        case bad_kind::invalid_utf8: {
            const auto& [line, reply] = cat.invalid_utf8[run.uniform(0, cat.invalid_utf8.size() - 1)];
            ok = co_await scripted(run, s, line, reply, false, 1, who);
            break;
        }
        case bad_kind::hang_up: {
            const auto& [input, reply] = cat.hang_up[run.uniform(0, cat.hang_up.size() - 1)];
            ok = co_await scripted(run, s, input, reply, false, 1, who);
            break;
        }
        case bad_kind::flood:
            ok = co_await scripted(run, s, cat.flood, cat.flood_reply, false, 1, who);
            break;
        case bad_kind::long_line: {
            // Just over the limit or far over it, in one write or in three.
            std::size_t length = run.opt.max_line + (run.chance(30) ? 1 : run.uniform(2, 3000));
            std::string line;
            while (line.size() < length) line += "cat ";
            line.resize(length);
            line += run.chance(50) ? "\n" : "\r\n";
            expected_reply reply = reply_to(run.idx, run.opt.max_line, line, false);
            ok = co_await scripted(run, s, line, reply, false, run.chance(50) ? 3 : 1, who);
            break;
        }
        case bad_kind::cr_only: {
            // Lines ended by CR alone are one line to the server, ended here by
            // the half-close.
            std::string input;
            for (std::size_t n = run.uniform(1, 3); n > 0; --n) {
                std::string_view line = run.small_good().line;
                input += line.substr(0, line.find_first_of("\r\n"));
                input += '\r';
            }
            expected_reply reply = reply_to(run.idx, run.opt.max_line, input, true);
            ok = co_await scripted(run, s, input, reply, true, 1, who);
            break;
        }
        case bad_kind::reset_mid_answer: {
            const good_query& q = cat.good[cat.big[run.uniform(0, cat.big.size() - 1)]];
            expected_stream want;
            want.add(q.reply.bytes);
            auto deadline = clock::now() + run.answer_timeout();
            std::size_t enough = run.uniform(1, std::min<std::size_t>(q.reply.bytes.size() - 1, 1u << 20));
            outcome o = co_await write_all(s, q.line, deadline)
                            ? co_await receive(run, s, want, deadline, enough)
                            : outcome::closed;
            close_socket(s, true);
            if (o != outcome::ok) run.report("slot {} ({}): {:?}: {}", s.id, who, q.line, describe(o, want));
            ok = o == outcome::ok;
            break;
        }
        case bad_kind::never_read:
        case bad_kind::idle:
        case bad_kind::trickle: break;
    }
    co_return ok ? verdict::as_expected : verdict::unexpected;
}

// ---------------------------------------------------------------------------
// HTTP sessions (--http-port).

// The responses an exchange must get, in order, and which requests were HEADs.
struct http_want {
    std::vector<const http_response*> responses;
    std::vector<bool> heads;
    void add(const http_response& r, bool head) {
        responses.push_back(&r);
        heads.push_back(head);
    }
};

std::string describe_body(const std::string& body) {
    return fmt::format("{} bytes {:?}", body.size(), std::string_view(body).substr(0, 48));
}

// Reads until every response in `want` has arrived (or `enough` bytes have),
// comparing each as it completes; `why` says what went wrong. A 503 first,
// where none is expected, is the server refusing a connection past
// --max-connections: busy.
asio::awaitable<outcome> receive_http(soak_run& run, slot& s, const http_want& want, clock::time_point deadline,
                                      std::string& why, std::size_t enough = SIZE_MAX) {
    response_reader reader(want.heads);
    std::size_t checked = 0, received = 0;
    while (checked < want.responses.size() && received < enough) {
        read_result r = co_await read_some(run, s, deadline);
        if (r.what != outcome::ok) {
            why = fmt::format("{} after {} of {} responses ({} bytes)",
                              r.what == outcome::timeout ? "nothing more" : "closed", checked,
                              want.responses.size(), received);
            co_return r.what;
        }
        received += r.data.size();
        if (!reader.feed(r.data)) {
            why = reader.error();
            co_return outcome::mismatch;
        }
        for (; checked < reader.done().size(); ++checked) {
            const http_response& got = reader.done()[checked];
            const http_response& expected = *want.responses[checked];
            if (checked == 0 && got.status == 503 && expected.status != 503) co_return outcome::busy;
            if (got.status != expected.status || got.body != expected.body) {
                why = fmt::format("response {} of {}: {} with {}; expected {} with {}", checked + 1,
                                  want.responses.size(), got.status, describe_body(got.body), expected.status,
                                  describe_body(expected.body));
                co_return outcome::mismatch;
            }
        }
    }
    co_return outcome::ok;
}

// Sends `input` in `parts` writes (a write the server cuts short by closing
// is not an error: its response may be on its way), checks the responses,
// then that the server closes when it must.
asio::awaitable<outcome> http_exchange(soak_run& run, slot& s, std::string_view input, const http_want& want,
                                       bool closes, std::size_t parts, std::string& why) {
    auto deadline = clock::now() + run.answer_timeout();
    std::size_t step = (input.size() + parts - 1) / parts;
    for (std::size_t at = 0; at < input.size(); at += step) {
        if (!co_await write_all(s, input.substr(at, step), deadline)) break;
        if (parts > 1) co_await sleep_until(s, clock::now() + 5ms);
    }
    outcome o = co_await receive_http(run, s, want, deadline, why);
    if (o == outcome::ok && closes && co_await expect_close(run, s, deadline) != outcome::closed) {
        why = "not closed after the response";
        co_return outcome::mismatch;
    }
    co_return o;
}

asio::awaitable<void> http_good_session(soak_run& run, slot& s) {
    if (!co_await connect(run, s, 0, true)) co_return;
    std::size_t n = run.uniform(1, 30);
    for (std::size_t i = 0; i < n && !run.stopping; ++i) {
        if (i > 0) co_await pause(run, s, std::chrono::milliseconds(run.uniform(0, run.opt.think_ms)));
        if (run.stopping) break;
        // Mostly one request at a time; sometimes a few pipelined in one write.
        std::size_t count = run.chance(10) ? run.uniform(2, 4) : 1;
        std::string input;
        http_want want;
        for (std::size_t k = 0; k < count; ++k) {
            const http_good& q = run.any_http();
            input += q.request;
            want.add(q.response, q.head);
        }
        std::string why;
        outcome o = co_await http_exchange(run, s, input, want, false, 1, why);
        if (o == outcome::busy && i == 0) {
            ++run.busy;
            co_return;
        }
        if (i == 0) ++run.http_good_sessions;
        run.http_sent += count;
        if (o == outcome::ok) {
            run.http_verified += count;
            continue;
        }
        if (o == outcome::timeout) {
            ++run.http_lost;
            run.report("slot {} (http good): no answer to {:?} within {} s: {}", s.id, input.substr(0, 80),
                       run.opt.answer_timeout, why);
        } else {
            ++run.http_mismatches;
            run.report("slot {} (http good): {:?}: {}", s.id, input.substr(0, 80), why);
        }
        co_return;
    }
}

// A request begun and never finished, a header line a second: the server
// must answer 408 and close, not before its request timeout. When the run
// has not that long left, the client gives up first.
asio::awaitable<verdict> slowloris(soak_run& run, slot& s) {
    if (!co_await connect(run, s, 0, true)) co_return verdict::skipped;
    const http_catalogue& cat = *run.http_cat;
    auto started = clock::now();
    auto timeout = std::chrono::seconds(run.opt.http_request_timeout);
    bool wait_for_timeout = started + timeout + 15s < run.end;
    auto give_up = wait_for_timeout ? started + timeout + 15s
                                    : started + std::chrono::seconds(run.uniform(1, 5));
    if (!co_await write_all(s, cat.slow_start, started + run.answer_timeout())) {
        run.report("slot {} (slowloris): cannot send", s.id);
        co_return verdict::unexpected;
    }
    http_want want;
    want.add(cat.slow_reply.responses[0], false);
    response_reader reader(want.heads);
    for (unsigned line = 0;; ++line) {
        read_result r = co_await read_some(run, s, std::min(clock::now() + 1s, give_up));
        if (r.what == outcome::timeout) {
            if (clock::now() >= give_up) {
                if (!wait_for_timeout) co_return verdict::as_expected;
                run.report("slot {} (slowloris): no 408 {:.1f} s after the first byte", s.id,
                           std::chrono::duration<double>(clock::now() - started).count());
                co_return verdict::unexpected;
            }
            // The server may have closed meanwhile; its 408 is then still to be read.
            co_await write_all(s, fmt::format("X-Slow-{}: y\r\n", line), clock::now() + 1s);
            continue;
        }
        if (r.what == outcome::closed) {
            run.report("slot {} (slowloris): closed without a 408", s.id);
            co_return verdict::unexpected;
        }
        if (!reader.feed(r.data)) {
            run.report("slot {} (slowloris): {}", s.id, reader.error());
            co_return verdict::unexpected;
        }
        if (reader.done().empty()) continue;
        const http_response& got = reader.done()[0];
        if (got.status == 503 && line == 0) {
            ++run.busy;
            co_return verdict::skipped;
        }
        auto after = clock::now() - started;
        if (got.status != want.responses[0]->status || got.body != want.responses[0]->body ||
            after < timeout) {
            run.report("slot {} (slowloris): {} with {} after {:.1f} s; expected {} with {} after {} s", s.id,
                       got.status, describe_body(got.body), std::chrono::duration<double>(after).count(),
                       want.responses[0]->status, describe_body(want.responses[0]->body), timeout.count());
            co_return verdict::unexpected;
        }
        if (co_await expect_close(run, s, clock::now() + run.answer_timeout()) != outcome::closed) {
            run.report("slot {} (slowloris): not closed after the 408", s.id);
            co_return verdict::unexpected;
        }
        ++run.http_timed_out;
        co_return verdict::as_expected;
    }
}

asio::awaitable<verdict> http_bad_session(soak_run& run, slot& s, http_bad_kind kind) {
    const http_catalogue& cat = *run.http_cat;
    const char* who = http_bad_kind_names[static_cast<std::size_t>(kind)];
    if (kind == http_bad_kind::slowloris) co_return co_await slowloris(run, s);
    if (!co_await connect(run, s, 0, true)) co_return verdict::skipped;
    std::string why;
    outcome o = outcome::ok;
    // Sometimes a good request first: the bad input must not care what came before.
    if (kind != http_bad_kind::pipelined_flood && run.chance(30)) {
        const http_good& q = run.small_http();
        http_want want;
        want.add(q.response, q.head);
        o = co_await http_exchange(run, s, q.request, want, false, 1, why);
        if (o == outcome::busy) {
            ++run.busy;
            co_return verdict::skipped;
        }
        if (o != outcome::ok) {
            run.report("slot {} (http {}): the good request first: {}", s.id, who, why);
            co_return verdict::unexpected;
        }
    }
    std::string_view input;
    http_want want;
    bool closes = false;
    std::size_t parts = 1;
    switch (kind) {
        case http_bad_kind::malformed: {
            const http_bad_input& bad = cat.malformed[run.uniform(0, cat.malformed.size() - 1)];
            input = bad.input;
            want.add(bad.reply.responses[0], false);
            closes = bad.reply.closes;
            break;
        }
        case http_bad_kind::long_target:
        case http_bad_kind::long_fields: {
            const http_bad_input& bad = kind == http_bad_kind::long_target ? cat.long_target : cat.long_fields;
            input = bad.input;
            want.add(bad.reply.responses[0], false);
            parts = run.chance(50) ? 3 : 1;
            closes = true;
            break;
        }
        case http_bad_kind::pipelined_flood: {
            // 20 to 200 requests in one go (or in a few writes), each answered in turn.
            std::string flood;
            for (std::size_t n = run.uniform(20, 200); n > 0; --n) {
                const http_good& q = run.small_http();
                flood += q.request;
                want.add(q.response, q.head);
            }
            std::size_t flood_parts = run.chance(50) ? run.uniform(2, 4) : 1;
            o = co_await http_exchange(run, s, flood, want, false, flood_parts, why);
            if (o == outcome::busy) {
                ++run.busy;
                co_return verdict::skipped;
            }
            if (o != outcome::ok) run.report("slot {} (http {}): {}", s.id, who, why);
            co_return o == outcome::ok ? verdict::as_expected : verdict::unexpected;
        }
        case http_bad_kind::reset_mid_response: {
            const http_good* big = nullptr;
            for (const http_good& q : cat.good)
                if (q.request == http_get(big_http_target)) big = &q;
            want.add(big->response, false);
            auto deadline = clock::now() + run.answer_timeout();
            std::size_t enough = run.uniform(1, std::min<std::size_t>(big->response.body.size() - 1, 1u << 20));
            o = outcome::closed;
            why = "cannot send";
            if (co_await write_all(s, big->request, deadline))
                o = co_await receive_http(run, s, want, deadline, why, enough);
            close_socket(s, true);
            if (o == outcome::busy) {
                ++run.busy;
                co_return verdict::skipped;
            }
            if (o != outcome::ok) run.report("slot {} (http {}): {}", s.id, who, why);
            co_return o == outcome::ok ? verdict::as_expected : verdict::unexpected;
        }
        case http_bad_kind::slowloris: break;
    }
    o = co_await http_exchange(run, s, input, want, closes, parts, why);
    if (o == outcome::busy) {
        ++run.busy;
        co_return verdict::skipped;
    }
    if (o != outcome::ok) {
        run.report("slot {} (http {}): after {:?}: {}", s.id, who, input.substr(0, 48), why);
        co_return verdict::unexpected;
    }
    if (closes) co_return verdict::as_expected;
    // The connection goes on: a good request is answered.
    const http_good& q = run.small_http();
    http_want next;
    next.add(q.response, q.head);
    o = co_await http_exchange(run, s, q.request, next, false, 1, why);
    if (o != outcome::ok) run.report("slot {} (http {}): the good request after: {}", s.id, who, why);
    co_return o == outcome::ok ? verdict::as_expected : verdict::unexpected;
}

void finish(soak_run& run);

asio::awaitable<void> slot_loop(soak_run& run, std::unique_ptr<slot> s) {
    // Staggered, so the run does not start with thousands of connects at once.
    co_await pause(run, *s, std::chrono::milliseconds(run.uniform(0, 1000)));
    while (!run.stopping) {
        bool http = run.http_cat && run.chance(run.opt.http_percent);
        if (run.chance(run.opt.bad_percent)) {
            verdict v;
            counts* c;
            if (http) {
                auto kind = static_cast<http_bad_kind>(run.pick_http_bad(run.rng));
                v = co_await http_bad_session(run, *s, kind);
                c = &run.http_bad[static_cast<std::size_t>(kind)];
            } else {
                auto kind = static_cast<bad_kind>(run.pick_bad(run.rng));
                v = co_await bad_session(run, *s, kind);
                c = &run.bad[static_cast<std::size_t>(kind)];
            }
            if (v != verdict::skipped) ++c->sessions;
            if (v == verdict::as_expected) ++c->as_expected;
            if (v == verdict::unexpected) ++c->unexpected;
            close_socket(*s);
            // Paces the heavy kinds (floods, big answers).
            co_await pause(run, *s, std::chrono::milliseconds(run.uniform(0, 1000)));
        } else {
            if (http)
                co_await http_good_session(run, *s);
            else
                co_await good_session(run, *s);
            close_socket(*s);
        }
    }
    if (--run.slots_running == 0) finish(run);
}

void sample_rss(soak_run& run) {
    if (run.opt.pid <= 0) return;
    long kib = rss_kib(run.opt.pid);
    if (kib > run.rss_peak) run.rss_peak = kib;
    if (run.rss_start < 0) run.rss_start = kib;
}

double mib(long kib) {
    return static_cast<double>(kib) / 1024.0;
}

asio::awaitable<void> sampler(soak_run& run) {
    for (std::size_t tick = 1;; ++tick) {
        run.sampler_timer.expires_after(500ms);
        auto [ec] = co_await run.sampler_timer.async_wait(as_tuple(use_awaitable));
        if (ec) co_return;
        sample_rss(run);
        if (tick % 20 == 0) {
            std::uint64_t unexpected = 0, bad = 0;
            for (const counts& c : run.bad) {
                unexpected += c.unexpected;
                bad += c.sessions;
            }
            fmt::print(
                stderr,
                "[{:7.2f} s] good: {} sent, {} verified, {} mismatches, {} lost; bad: {} sessions, {} "
                "unexpected{}\n",
                run.elapsed(), run.sent, run.verified, run.mismatches, run.lost, bad, unexpected,
                run.opt.pid > 0 ? fmt::format("; server RSS {:.1f} MiB", mib(rss_kib(run.opt.pid))) : "");
        }
    }
}

// Ends the run: nothing new after --duration; a bounded wait for what is in
// flight.
asio::awaitable<void> run_clock(soak_run& run) {
    run.clock_timer.expires_at(run.end);
    co_await run.clock_timer.async_wait(as_tuple(use_awaitable));
    run.stopping = true;
    run.clock_timer.expires_after(run.answer_timeout() + 30s);
    auto [ec] = co_await run.clock_timer.async_wait(as_tuple(use_awaitable));
    if (ec) co_return;
    run.stuck = true;
    run.report("{} clients still busy long after the end: stopping", run.slots_running);
    static_cast<asio::io_context&>(run.clock_timer.get_executor().context()).stop();
}

asio::awaitable<void> final_sample(soak_run& run) {
    // The server lingers a second after its last sessions; then it should be
    // back near where it started.
    run.clock_timer.expires_after(2s);
    co_await run.clock_timer.async_wait(as_tuple(use_awaitable));
    if (run.opt.pid > 0) run.rss_end = rss_kib(run.opt.pid);
}

void finish(soak_run& run) {
    run.sampler_timer.cancel();
    run.clock_timer.cancel();
    asio::co_spawn(run.clock_timer.get_executor(), final_sample(run), asio::detached);
}

// The report's lines on good and bad sessions; returns the unexpected ones.
template <std::size_t kinds>
std::uint64_t print_sessions(std::string_view protocol, std::string_view what, std::uint64_t sessions,
                             std::uint64_t sent, std::uint64_t verified, std::uint64_t mismatches,
                             std::uint64_t lost, const std::array<counts, kinds>& bad,
                             const std::array<const char*, kinds>& names) {
    fmt::print("{:<21}{}\n", fmt::format("{}good sessions", protocol), sessions);
    fmt::print("{:<21}{} sent, {} answered and verified, {} mismatches, {} lost\n",
               fmt::format("{}good {}", protocol, what), sent, verified, mismatches, lost);
    fmt::print("{:<21}{:<18} {:>8} {:>12} {:>11}\n", fmt::format("{}bad sessions", protocol), "kind", "sessions",
               "as expected", "unexpected");
    std::uint64_t unexpected = 0;
    for (std::size_t k = 0; k < kinds; ++k) {
        fmt::print("{:<21}{:<18} {:>8} {:>12} {:>11}\n", "", names[k], bad[k].sessions, bad[k].as_expected,
                   bad[k].unexpected);
        unexpected += bad[k].unexpected;
    }
    return unexpected;
}

int print_report(const soak_run& run, double drained) {
    const options& opt = run.opt;
    fmt::print("mojifinder-soak {}:{}{}: {} clients ({}% bad), {:.0f} s and {:.1f} s of drain, seed {}\n",
               run.server.address().to_string(), run.server.port(),
               run.http_cat ? fmt::format(" and HTTP {} ({}% of sessions)", opt.http_port, opt.http_percent) : "",
               opt.clients, opt.bad_percent, opt.duration, drained, opt.seed);
    std::uint64_t unexpected = print_sessions("", "queries ", run.good_sessions, run.sent, run.verified,
                                              run.mismatches, run.lost, run.bad, bad_kind_names);
    fmt::print("never-read dropped   {} (checked after --send-timeout {} s)\n", run.never_read_dropped,
               opt.send_timeout);
    fmt::print("idle timed out       {} (checked after --idle-timeout {} s)\n", run.idle_timed_out,
               opt.idle_timeout);
    std::uint64_t http_unexpected = 0;
    if (run.http_cat) {
        http_unexpected = print_sessions("http ", "requests", run.http_good_sessions, run.http_sent,
                                         run.http_verified, run.http_mismatches, run.http_lost, run.http_bad,
                                         http_bad_kind_names);
        fmt::print("http 408 checked     {} (after --http-request-timeout {} s)\n", run.http_timed_out,
                   opt.http_request_timeout);
    }
    fmt::print("refused (busy)       {}\n", run.busy);
    fmt::print("connect errors       {}\n", run.connect_errors);
    if (opt.pid > 0)
        fmt::print("server RSS (MiB)     start {:.1f}, peak {:.1f}, end {:.1f}\n", mib(run.rss_start),
                   mib(run.rss_peak), mib(run.rss_end));
    bool pass = run.mismatches == 0 && run.lost == 0 && unexpected == 0 && !run.stuck && run.verified > 0 &&
                (!run.http_cat || (run.http_mismatches == 0 && run.http_lost == 0 && http_unexpected == 0 &&
                                   run.http_verified > 0));
    fmt::print("result               {}\n", pass ? "PASS" : "FAIL");
    return pass ? 0 : 1;
}

int run_main(options opt) {
    tcp::endpoint server;
    try {
        server = resolve_server(opt.host, opt.port);
    } catch (const std::invalid_argument& e) {
        fmt::print(stderr, "mojifinder-soak: --host: {}\n{}\n", e.what(), usage);
        return 2;
    }
    std::size_t limit = raise_descriptor_limit();
    if (opt.clients + 16 > limit) {
        fmt::print(stderr, "mojifinder-soak: {} clients need more descriptors than the limit of {}\n",
                   opt.clients, limit);
        return 2;
    }
    if (opt.seed == 0) opt.seed = std::random_device{}();
    const index idx = index::open(index::build_tree_data_path());
    std::optional<http_world> world;
    std::optional<http_catalogue> http_cat;
    if (opt.http_port != 0) {
        world.emplace(idx, std::chrono::seconds(opt.http_request_timeout));
        http_cat = make_http_catalogue(*world);
    }
    asio::io_context io(1);
    soak_run run(io, opt, idx, make_catalogue(idx, opt.max_line), server, http_cat ? &*http_cat : nullptr);
    sample_rss(run);
    run.start = clock::now();
    run.end =
        run.start + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(opt.duration));
    run.slots_running = opt.clients;
    for (std::size_t i = 0; i < opt.clients; ++i)
        asio::co_spawn(io, slot_loop(run, std::make_unique<slot>(io, i)), asio::detached);
    asio::co_spawn(io, run_clock(run), asio::detached);
    asio::co_spawn(io, sampler(run), asio::detached);
    io.run();
    double drained = std::chrono::duration<double>(clock::now() - run.end).count();
    return print_report(run, drained);
}

}  // namespace
}  // namespace mojifinder::bench

int main(int argc, char** argv) {
    mojifinder::bench::options opt;
    CLI::App app("Soaks a running mojifinderd with good and bad clients, checking every answer.",
                 "mojifinder-soak");
    app.footer(mojifinder::bench::details);
    app.add_option("--host", opt.host, "server name or address")->capture_default_str();
    app.add_option("--port", opt.port, "server port")->required();
    app.add_option("--pid", opt.pid, "the server's process id, to sample its RSS");
    app.add_option("-d,--duration", opt.duration, "seconds of load")
        ->capture_default_str()
        ->check(CLI::Range(1.0, 86400.0));
    app.add_option("-c,--clients", opt.clients, "clients at once")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1}, std::size_t{100'000}));
    app.add_option("--bad-percent", opt.bad_percent, "share of sessions that misbehave")
        ->capture_default_str()
        ->check(CLI::Range(0u, 100u));
    app.add_option("--max-line", opt.max_line, "the server's --max-line")
        ->capture_default_str()
        ->check(CLI::Range(mojifinder::config::max_line_bounds.min, mojifinder::config::max_line_bounds.max));
    app.add_option("--idle-timeout", opt.idle_timeout, "the server's --idle-timeout, seconds")
        ->capture_default_str()
        ->check(CLI::Range(1u, 86400u));
    app.add_option("--send-timeout", opt.send_timeout, "the server's --send-timeout, seconds")
        ->capture_default_str()
        ->check(CLI::Range(1u, 86400u));
    app.add_option("--think-ms", opt.think_ms, "a good client's longest pause between queries")
        ->capture_default_str()
        ->check(CLI::Range(0u, 60000u));
    app.add_option("--answer-timeout", opt.answer_timeout,
                   "seconds an answer may take before it counts as lost")
        ->capture_default_str()
        ->check(CLI::Range(1u, 3600u));
    app.add_option("--http-port", opt.http_port, "the server's --http-port: HTTP sessions too");
    app.add_option("--http-percent", opt.http_percent, "with --http-port, the share of sessions over HTTP")
        ->capture_default_str()
        ->check(CLI::Range(0u, 100u));
    constexpr auto request_timeout_bounds = mojifinder::config::http_request_timeout_bounds;
    app.add_option("--http-request-timeout", opt.http_request_timeout, "the server's --http-request-timeout, seconds")
        ->capture_default_str()
        ->check(CLI::Range(static_cast<unsigned>(request_timeout_bounds.min.count()),
                           static_cast<unsigned>(request_timeout_bounds.max.count())));
    app.add_option("--seed", opt.seed, "random seed (default: a fresh one, printed in the report)");
    app.add_option("--max-reports", opt.max_reports, "problems described on standard error")
        ->capture_default_str();
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        fmt::print(stderr, "mojifinder-soak: {}\n{}\n", e.what(), mojifinder::bench::usage);
        return 2;
    }
    std::signal(SIGPIPE, SIG_IGN);
    try {
        return mojifinder::bench::run_main(opt);
    } catch (const std::exception& e) {
        fmt::print(stderr, "mojifinder-soak: {}\n", e.what());
        return 1;
    }
}
