// The sans-I/O HTTP connection (docs/HTTP.md), driven as the server drives
// it, checked by the exact bytes of whole responses: every path, every
// limit and every error status, pipelining, keep-alive and close, HEAD,
// a big answer streamed in chunks through a bounded buffer, paging, the
// language, the timeouts, and the same bytes whatever way the input is split.
// Flow: run() is the loop of server/http_session.cpp: it writes each
// action's out(); on a read it takes the next piece of the input into the
// buffer, never beyond input_limit() (the server's buffer stops there too),
// or, with the input used up, passes eof (when asked to) or leaves the
// connection waiting.
#include "http_core.hpp"

#include "http_api.hpp"
#include "json_lines.hpp"
#include "mojifinder_version.hpp"
#include "search.hpp"
#include "web_assets.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <string_view>
#include <vector>

using mojifinder::config;
namespace http = mojifinder::protocol::http;
namespace protocol = mojifinder::protocol;
namespace search = mojifinder::search;
namespace json = boost::json;

namespace {

const mojifinder::index& the_index() {
    static const mojifinder::index idx = mojifinder::index::open(mojifinder::index::build_tree_data_path());
    return idx;
}

// A server's shared state for one test: its own counters and stop flag.
struct server_state {
    config cfg;
    protocol::metrics counters;
    std::atomic<bool> stopping{false};
    http::context ctx{the_index(), cfg, counters, the_index().english(), &stopping};
};

struct transcript {
    std::string bytes;
    bool closed = false;
    std::size_t largest_piece = 0;  // the longest single view of any out()
    std::size_t largest_write = 0;  // the most bytes of one action
    std::size_t writes = 0;
    std::size_t queries_answered = 0;  // answered_query() seen
};

// The transcript of a connection that receives `input` in reads of at most
// `split` bytes, then eof if `eof`.
transcript run(const http::context& ctx, std::string_view input, std::size_t split = 1u << 20, bool eof = true) {
    http::connection_core core(ctx);
    transcript t;
    std::string buffer;
    std::size_t sent = 0;
    bool at_eof = false;
    http::action a = core.start();
    REQUIRE(a.what() == http::action::kind::read);
    REQUIRE(a.timeout() == config{}.http_idle_timeout);
    REQUIRE(core.quiet());
    for (std::size_t guard = 0; guard < 1'000'000; ++guard) {
        if (a.what() != http::action::kind::read) {
            std::size_t bytes = 0;
            for (std::string_view piece : a.out()) {
                t.bytes += piece;
                bytes += piece.size();
                t.largest_piece = std::max(t.largest_piece, piece.size());
            }
            t.largest_write = std::max(t.largest_write, bytes);
            ++t.writes;
        }
        if (a.what() == http::action::kind::close) {
            t.closed = true;
            return t;
        }
        if (a.what() == http::action::kind::read) {
            if (at_eof) FAIL("the core asks to read after eof");
            if (sent == input.size()) {
                if (!eof) return t;
                at_eof = true;
            } else {
                std::size_t room = core.input_limit() - buffer.size();
                if (room == 0) FAIL("the core asks to read with a full buffer");
                std::size_t n = std::min({split, room, input.size() - sent});
                buffer.append(input.substr(sent, n));
                sent += n;
            }
        }
        a = core.next(buffer, at_eof, false);
        if (core.answered_query()) ++t.queries_answered;
        REQUIRE(core.consumed() <= buffer.size());
        buffer.erase(0, core.consumed());
    }
    FAIL("the connection never ends");
    return t;
}

const std::string server_field = fmt::format("Server: mojifinderd/{}\r\n", mojifinder::version);
const std::string security_fields =
    "Content-Security-Policy: default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'\r\n"
    "X-Content-Type-Options: nosniff\r\n";
const std::string json_type = "application/json; charset=utf-8";

struct expected_head {
    std::string status = "200 OK";
    std::string type = json_type;
    std::string cache = "no-store";
    bool cors = false;
    bool close = false;
    std::string extra;  // fields between Cache-Control and the CORS field
};

// A whole response with a Content-Length, its fields in the documented order.
std::string response(const expected_head& h, std::string_view body, bool head_only = false) {
    return fmt::format("HTTP/1.1 {}\r\n{}Content-Type: {}\r\nContent-Length: {}\r\nCache-Control: {}\r\n{}{}{}{}\r\n{}",
                       h.status, server_field, h.type, body.size(), h.cache, h.extra,
                       h.cors ? "Access-Control-Allow-Origin: *\r\n" : "", security_fields,
                       h.close ? "Connection: close\r\n" : "", head_only ? std::string_view{} : body);
}

std::string api_error(std::string_view status, std::string_view message, bool close = false, bool cors = true) {
    expected_head h;
    h.status = status;
    h.cors = cors;
    h.close = close;
    if (status.starts_with("405")) h.extra = "Allow: GET, HEAD\r\n";
    return response(h, fmt::format(R"({{"error":"{}"}})", message));
}

std::string get(std::string_view target, std::string_view fields = "") {
    return fmt::format("GET {} HTTP/1.1\r\nHost: x\r\n{}\r\n", target, fields);
}

// The results of a query as the search layer answers it, each object as the
// line protocol's JSON mode writes it (without its CR LF), joined by
// commas; with `why`, as /why on writes it ("match").
std::string results_of(std::string_view query, std::size_t offset = 0, std::size_t limit = 100,
                       mojifinder::index::language_id language = the_index().english(),
                       search::order sort = search::order::code, bool why = false) {
    search::engine engine(the_index());
    search::scratch s;
    engine.run(query, search::options{.language = language, .sort = sort}, s);
    std::vector<std::string> objects;
    search::run r;
    while (s.next(r)) {
        if (r.identified()) {
            std::string o;
            auto e = the_index().entry_of(r.code_point);
            if (e == mojifinder::index::no_entry)
                protocol::json_lines::append_character(o, the_index(), r.code_point, why);
            else
                protocol::json_lines::append_entry(
                    o, the_index(), language, e,
                    why ? protocol::json_lines::matches(std::span<const search::match>{}) : std::nullopt);
            objects.push_back(o.substr(0, o.size() - 2));
            continue;
        }
        for (auto e = r.first; e != r.last; ++e) {
            std::string o;
            protocol::json_lines::append_entry(o, the_index(), language, e,
                                               why ? protocol::json_lines::matches(s.why(e)) : std::nullopt);
            objects.push_back(o.substr(0, o.size() - 2));
        }
    }
    std::string out;
    for (std::size_t i = offset; i < objects.size() && i < offset + limit; ++i) {
        if (i > offset) out += ',';
        out += objects[i];
    }
    return out;
}

std::string search_body(std::string_view query_json, std::size_t found, std::size_t offset, std::string_view results,
                        std::string_view hint = "[]") {
    return fmt::format(R"({{"query":{},"found":{},"offset":{},"results":[{}],"hint":{}}})", query_json, found, offset,
                       results, hint);
}

// Undoes chunked framing; fails on anything malformed.
std::string dechunk(std::string_view body) {
    std::string out;
    for (;;) {
        std::size_t eol = body.find("\r\n");
        REQUIRE(eol != std::string_view::npos);
        std::size_t size = std::stoul(std::string(body.substr(0, eol)), nullptr, 16);
        body.remove_prefix(eol + 2);
        if (size == 0) {
            REQUIRE(body == "\r\n");
            return out;
        }
        REQUIRE(body.size() >= size + 2);
        out += body.substr(0, size);
        REQUIRE(body.substr(size, 2) == "\r\n");
        body.remove_prefix(size + 2);
    }
}

}  // namespace

TEST_CASE("every path answers with its exact response", "[http]") {
    server_state server;
    const std::string cat_results = results_of("cat face");
    const std::string languages = [] {
        std::string out;
        http::append_languages(out, the_index());
        return out;
    }();
    const std::string fresh_metrics = [] {
        std::string out;
        protocol::metrics().render(out, the_index().versions());
        return out;
    }();
    REQUIRE(fresh_metrics.ends_with("mojifinder_data_info{unicode=\"15.0\",cldr=\"41\",icu=\"72.1\"} 1\n"));
    const auto& page = protocol::web_assets()[0];
    REQUIRE(page.path == "/");

    struct row {
        std::string name;
        std::string request;
        std::string expected;
    };
    expected_head api;
    api.cors = true;
    expected_head classic;
    classic.type = "application/json";
    expected_head text;
    text.type = "text/plain; charset=utf-8";
    expected_head metrics_head;
    metrics_head.type = "text/plain; version=0.0.4; charset=utf-8";
    expected_head page_head;
    page_head.type = std::string(page.content_type);
    page_head.cache = "no-cache";
    page_head.extra = fmt::format("ETag: {}\r\n", page.etag);

    auto row_ = GENERATE_COPY(values<row>({
        {"search", get("/api/search?q=cat+face"),
         response(api, search_body(R"("cat face")", 10, 0, cat_results))},
        {"search, %20 for the space", get("/api/search?q=cat%20face"),
         response(api, search_body(R"("cat face")", 10, 0, cat_results))},
        {"one character, every field",
         get("/api/search?q=U%2B1F431"),
         response(api,
                  R"({"query":"U+1F431","found":1,"offset":0,"results":[{"cp":"U+1F431","char":"🐱","name":"CAT FACE",)"
                  R"("block":"Miscellaneous Symbols and Pictographs","gc":"So","age":"6.0","aliases":[],"short":"cat face",)"
                  R"("keywords":["cat","face","pet"]}],"hint":[]})")},
        {"nothing found, a hint", get("/api/search?q=snowmn"),
         response(api, search_body(R"("snowmn")", 0, 0, "", R"(["snowman","snow"])"))},
        {"nothing found, no hint", get("/api/search?q=zzzq"), response(api, search_body(R"("zzzq")", 0, 0, "", "[]"))},
        // Pasted text, identified character by character: data, which the page escapes.
        {"XSS probe", get("/api/search?q=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E"),
         response(api, search_body(R"("<img src=x onerror=alert(1)>")", 26, 0,
                                   results_of("<img src=x onerror=alert(1)>")))},
        {"languages", get("/api/languages"), response(api, languages)},
        {"classic", get("/search?q=cat+face"),
         response(classic, R"([{"char":"🐱","name":"CAT FACE"},{"char":"😸","name":"GRINNING CAT FACE WITH SMILING EYES"},)"
                           R"({"char":"😹","name":"CAT FACE WITH TEARS OF JOY"},{"char":"😺","name":"SMILING CAT FACE WITH OPEN MOUTH"},)"
                           R"({"char":"😻","name":"SMILING CAT FACE WITH HEART-SHAPED EYES"},{"char":"😼","name":"CAT FACE WITH WRY SMILE"},)"
                           R"({"char":"😽","name":"KISSING CAT FACE WITH CLOSED EYES"},{"char":"😾","name":"POUTING CAT FACE"},)"
                           R"({"char":"😿","name":"CRYING CAT FACE"},{"char":"🙀","name":"WEARY CAT FACE"}])")},
        {"classic, empty q", get("/search?q="), response(classic, "[]")},
        {"classic, no match", get("/search?q=zzzq"), response(classic, "[]")},
        {"classic, without q", get("/search"),
         response([] { expected_head h; h.status = "422 Unprocessable Entity"; h.type = "application/json"; return h; }(),
                  R"({"detail":[{"loc":["query","q"],"msg":"field required","type":"value_error.missing"}]})")},
        {"healthz", get("/healthz"), response(text, "ok\n")},
        {"metrics: a fresh server's counters", get("/metrics"), response(metrics_head, fresh_metrics)},
        {"the page", get("/"), response(page_head, page.body)},
        {"the page keeps its query", get("/?q=cat+face&lang=de"), response(page_head, page.body)},
        {"the page, its ETag matches",
         get("/", fmt::format("If-None-Match: {}\r\n", page.etag)),
         fmt::format("HTTP/1.1 304 Not Modified\r\n{}Cache-Control: no-cache\r\nETag: {}\r\n{}\r\n", server_field,
                     page.etag, security_fields)},
        {"the page, another ETag", get("/", "If-None-Match: \"0000000000000000\"\r\n"), response(page_head, page.body)},
        {"not found", get("/nowhere"), api_error("404 Not Found", "not found", false, false)},
        {"not found under /api/", get("/api/nowhere"), api_error("404 Not Found", "not found")},
    }));
    DYNAMIC_SECTION(row_.name) {
        transcript t = run(server.ctx, row_.request);
        CHECK(t.bytes == row_.expected);
        CHECK(t.closed);  // by the end of input, after the response
    }
}

TEST_CASE("the page's files, each with its ETag", "[http]") {
    server_state server;
    for (const auto& asset : protocol::web_assets()) {
        expected_head h;
        h.type = std::string(asset.content_type);
        h.cache = "no-cache";
        h.extra = fmt::format("ETag: {}\r\n", asset.etag);
        CHECK(run(server.ctx, get(asset.path)).bytes == response(h, asset.body));
        std::string head_request = fmt::format("HEAD {} HTTP/1.1\r\n\r\n", asset.path);
        CHECK(run(server.ctx, head_request).bytes == response(h, asset.body, true));
        // A file bigger than one write leaves in several.
        CHECK(run(server.ctx, get(asset.path)).largest_piece <= config::write_chunk);
    }
}

TEST_CASE("/api/search's parameters: each bad one is a 400 that keeps the connection", "[http]") {
    server_state server;
    auto [target, message] = GENERATE(table<std::string, std::string>({
        {"/api/search", "missing parameter q"},
        {"/api/search?q=", "empty query q"},
        {"/api/search?q=+++", "empty query q"},
        {"/api/search?lang=de", "missing parameter q"},
        {"/api/search?q=cat&limit=0", "limit takes a number from 1 to 10000"},
        {"/api/search?q=cat&limit=10001", "limit takes a number from 1 to 10000"},
        {"/api/search?q=cat&limit=-1", "limit takes a number from 1 to 10000"},
        {"/api/search?q=cat&limit=+5", "limit takes a number from 1 to 10000"},
        {"/api/search?q=cat&limit=ten", "limit takes a number from 1 to 10000"},
        {"/api/search?q=cat&limit=", "limit takes a number from 1 to 10000"},
        {"/api/search?q=cat&limit=99999999999999999999", "limit takes a number from 1 to 10000"},
        {"/api/search?q=cat&offset=-1", "offset takes a number from 0"},
        {"/api/search?q=cat&offset=x", "offset takes a number from 0"},
        {"/api/search?q=cat&q=dog", "parameter 'q' given twice"},
        {"/api/search?q=cat&limit=5&limit=5", "parameter 'limit' given twice"},
        {"/api/search?q=cat&lang=xx", "unknown language 'xx'"},
        {"/api/search?q=cat&lang=", "unknown language ''"},
        {"/api/search?q=cat&color=red", "unknown parameter 'color'; try q, lang, limit, offset, sort, why"},
        {"/api/search?q=cat&sort=best", "sort takes relevance or code"},
        {"/api/search?q=cat&sort=", "sort takes relevance or code"},
        {"/api/search?q=cat&sort=Relevance", "sort takes relevance or code"},
        {"/api/search?q=cat&sort=code&sort=code", "parameter 'sort' given twice"},
        {"/api/search?q=cat&why=yes", "why takes on or off"},
        {"/api/search?q=cat&why=on&why=off", "parameter 'why' given twice"},
        {"/api/search?q=%FF", "q is not valid UTF-8"},
        {"/api/search?q=%C3", "q is not valid UTF-8"},
        {"/api/search?q=%zz", "request target is not a valid URL path"},
    }));
    CAPTURE(target);
    transcript t = run(server.ctx, get(target) + get("/healthz"));
    expected_head text;
    text.type = "text/plain; charset=utf-8";
    CHECK(t.bytes == api_error("400 Bad Request", message) + response(text, "ok\n"));
    CHECK(server.counters.errors(protocol::protocol_kind::http, protocol::error_kind::bad_request) == 1);
}

TEST_CASE("a query's error is the line protocol's message", "[http]") {
    // Whatever the engine says of a query, the API says it too.
    server_state server;
    auto query = GENERATE(as<std::string>{}, "-cat", "smi*x", "U+110000", "gc:nonsense", "\"black");
    search::engine engine(the_index());
    search::scratch s;
    engine.run(query, search::mode::full, s);
    REQUIRE(!s.error().empty());
    std::string message;
    http::append_error(message, s.error());
    expected_head h;
    h.status = "400 Bad Request";
    h.cors = true;
    std::string target = "/api/search?q=";
    for (unsigned char c : query) target += fmt::format("%{:02X}", c);
    CHECK(run(server.ctx, get(target)).bytes == response(h, message));
    CHECK(server.counters.queries(protocol::protocol_kind::http, protocol::query_outcome::error) == 1);
}

TEST_CASE("paging with offset and limit, and the language", "[http]") {
    server_state server;
    expected_head api;
    api.cors = true;
    auto [offset, limit] = GENERATE(table<std::size_t, std::size_t>({{0, 3}, {3, 3}, {9, 5}, {10, 1}, {500, 2}}));
    std::string target = fmt::format("/api/search?q=cat&offset={}&limit={}", offset, limit);
    std::size_t found = 0;
    {
        search::engine engine(the_index());
        search::scratch s;
        engine.run("cat", search::mode::full, s);
        found = s.found();
    }
    REQUIRE(found > 10);
    REQUIRE(found < 500);
    CHECK(run(server.ctx, get(target)).bytes ==
          response(api, search_body(R"("cat")", found, offset, results_of("cat", offset, limit))));

    SECTION("lang") {
        auto de = the_index().find_language("de");
        auto de_ch = the_index().find_language("de-CH");
        REQUIRE(de != mojifinder::index::no_language);
        std::string body = search_body(R"("katze")", 0, 0, results_of("katze", 0, 100, de));
        // found, from the results (they are fewer than the default limit)
        json::value v = json::parse(results_of("katze", 0, 100, de).insert(0, "[") + "]");
        body = search_body(R"("katze")", v.as_array().size(), 0, results_of("katze", 0, 100, de));
        REQUIRE(v.as_array().size() > 0);
        CHECK(run(server.ctx, get("/api/search?q=katze&lang=de")).bytes == response(api, body));
        // A regional tag falls back as /lang's does.
        std::string regional =
            search_body(R"("katze")", v.as_array().size(), 0, results_of("katze", 0, 100, de_ch));
        CHECK(run(server.ctx, get("/api/search?q=katze&lang=de-CH")).bytes == response(api, regional));
    }
}

TEST_CASE("pipelining, keep-alive and close", "[http]") {
    server_state server;
    expected_head text;
    text.type = "text/plain; charset=utf-8";
    const std::string ok = response(text, "ok\n");
    expected_head closing = text;
    closing.close = true;
    const std::string ok_close = response(closing, "ok\n");

    SECTION("two requests in one input: two responses in order, then the end of input closes") {
        transcript t = run(server.ctx, get("/healthz") + get("/nowhere"), 1u << 20, false);
        CHECK(t.bytes == ok + api_error("404 Not Found", "not found", false, false));
        CHECK_FALSE(t.closed);
    }
    SECTION("Connection: close closes after the response; what follows is not answered") {
        transcript t = run(server.ctx, get("/healthz", "Connection: close\r\n") + get("/healthz"), 1u << 20, false);
        CHECK(t.bytes == ok_close);
        CHECK(t.closed);
    }
    SECTION("HTTP/1.0 closes after the response") {
        transcript t = run(server.ctx, "GET /healthz HTTP/1.0\r\n\r\n", 1u << 20, false);
        CHECK(t.bytes == ok_close);
        CHECK(t.closed);
    }
    SECTION("HEAD: the same head, no body") {
        transcript t = run(server.ctx, "HEAD /healthz HTTP/1.1\r\n\r\n" + get("/healthz"), 1u << 20, false);
        CHECK(t.bytes == response(text, "ok\n", true) + ok);
    }
    SECTION("HEAD of a query: its Content-Length") {
        expected_head api;
        api.cors = true;
        transcript t = run(server.ctx, "HEAD /api/search?q=cat+face HTTP/1.1\r\n\r\n", 1u << 20, false);
        CHECK(t.bytes == response(api, search_body(R"("cat face")", 10, 0, results_of("cat face")), true));
    }
    SECTION("a stopping server: healthz 503, and the response closes") {
        server.stopping = true;
        transcript t = run(server.ctx, get("/healthz") + get("/healthz"), 1u << 20, false);
        expected_head h = closing;
        h.status = "503 Service Unavailable";
        CHECK(t.bytes == response(h, "stopping\n"));
        CHECK(t.closed);
    }
}

TEST_CASE("limits and malformed requests: exact status lines, and which ones close", "[http]") {
    server_state server;
    const std::string long_target = "/" + std::string(config::http_max_target, 'a');
    const std::string ok_target = "/" + std::string(config::http_max_target - 1, 'a');
    const std::string many_fields = "X-Filler: " + std::string(config::http_max_fields - 12, 'b') + "\r\n";
    const std::string fields_over = many_fields + "X: y\r\n";
    REQUIRE(many_fields.size() == config::http_max_fields);
    struct row {
        std::string name;
        std::string request;
        std::string expected;
        bool closed;
    };
    auto row_ = GENERATE_COPY(values<row>({
        {"target over the limit: 414", get(long_target),
         api_error("414 URI Too Long", "request target too long", true, false), true},
        {"target over the limit, no end of line yet: 414", "GET " + long_target + long_target,
         api_error("414 URI Too Long", "request target too long", true, false), true},
        {"target at the limit: read, 404", get(ok_target), api_error("404 Not Found", "not found", false, false),
         false},
        {"fields over the limit: 431", "GET /healthz HTTP/1.1\r\nX: y\r\n" + many_fields + "\r\n",
         api_error("431 Request Header Fields Too Large", "header fields too long", true, false), true},
        {"fields over the limit, no end yet: 431", "GET / HTTP/1.1\r\n" + fields_over + fields_over,
         api_error("431 Request Header Fields Too Large", "header fields too long", true, false), true},
        {"fields at the limit: read", "GET /nowhere HTTP/1.1\r\n" + many_fields + "\r\n",
         api_error("404 Not Found", "not found", false, false), false},
        {"POST: 405 with Allow, kept alive", "POST /api/search?q=cat HTTP/1.1\r\n\r\n",
         api_error("405 Method Not Allowed", "only GET and HEAD"), false},
        {"DELETE: 405", "DELETE / HTTP/1.1\r\n\r\n",
         api_error("405 Method Not Allowed", "only GET and HEAD", false, false), false},
        {"POST with a body: 405, closed", "POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc",
         api_error("405 Method Not Allowed", "only GET and HEAD", true, false), true},
        {"GET with a body: 400, closed", "GET /healthz HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc",
         api_error("400 Bad Request", "a GET or HEAD request has no body", true, false), true},
        {"GET chunked: 400, closed", "GET /healthz HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
         api_error("400 Bad Request", "a GET or HEAD request has no body", true, false), true},
        {"GET with Content-Length 0: fine", "GET /nowhere HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
         api_error("404 Not Found", "not found", false, false), false},
        {"malformed request line: 400, closed", "GARBAGE\r\n\r\n",
         api_error("400 Bad Request", "malformed request", true, false), true},
        {"malformed field: 400, closed", "GET / HTTP/1.1\r\nNo colon here\r\n\r\n",
         api_error("400 Bad Request", "malformed request", true, false), true},
        {"bad Content-Length: 400, closed", "GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n",
         api_error("400 Bad Request", "malformed request", true, false), true},
        {"absolute-form target: 400, kept", "GET http://x/ HTTP/1.1\r\n\r\n",
         api_error("400 Bad Request", "request target is not a valid URL path", false, false), false},
    }));
    DYNAMIC_SECTION(row_.name) {
        transcript t = run(server.ctx, row_.request, 1u << 20, false);
        CHECK(t.bytes == row_.expected);
        CHECK(t.closed == row_.closed);
    }
}

TEST_CASE("timeouts: 408 mid-request, a silent close between requests", "[http]") {
    server_state server;
    http::connection_core core(server.ctx);
    http::action a = core.start();
    REQUIRE(a.what() == http::action::kind::read);

    SECTION("idle") {
        a = core.next("", false, false);
        REQUIRE(a.what() == http::action::kind::read);
        CHECK(a.timeout() == config{}.http_idle_timeout);
        CHECK(core.quiet());
        a = core.timed_out();
        CHECK(a.what() == http::action::kind::close);
        CHECK(a.out().empty());
        CHECK(server.counters.errors(protocol::protocol_kind::http, protocol::error_kind::idle_timeout) == 1);
    }
    SECTION("idle after a response") {
        std::string input = get("/healthz");
        a = core.next(input, false, false);
        REQUIRE(a.what() == http::action::kind::write);
        CHECK_FALSE(core.quiet());  // its out() is being written
        a = core.next(std::string_view(input).substr(core.consumed()), false, false);
        REQUIRE(a.what() == http::action::kind::read);
        CHECK(a.timeout() == config{}.http_idle_timeout);
        CHECK(core.quiet());
        CHECK(core.timed_out().out().empty());
    }
    SECTION("mid-request") {
        a = core.next("GET /healthz HTTP/1.1\r\nHost:", false, false);
        REQUIRE(a.what() == http::action::kind::read);
        CHECK(a.timeout() <= config{}.http_request_timeout);
        CHECK(a.timeout() > config{}.http_request_timeout - std::chrono::seconds(2));
        CHECK_FALSE(core.quiet());
        a = core.timed_out();
        REQUIRE(a.what() == http::action::kind::close);
        std::string out;
        for (auto piece : a.out()) out += piece;
        CHECK(out == api_error("408 Request Timeout", "request timeout", true, false));
        CHECK(server.counters.errors(protocol::protocol_kind::http, protocol::error_kind::request_timeout) == 1);
    }
}

TEST_CASE("a big answer is chunked through a bounded buffer", "[http]") {
    server_state server;
    std::size_t found = 0;
    {
        search::engine engine(the_index());
        search::scratch s;
        engine.run("CJK", search::mode::full, s);
        found = s.found();
    }
    REQUIRE(found > 90'000);
    transcript t = run(server.ctx, get("/api/search?q=CJK&limit=10000"));
    const std::string head = fmt::format(
        "HTTP/1.1 200 OK\r\n{}Content-Type: {}\r\nTransfer-Encoding: chunked\r\nCache-Control: no-store\r\n"
        "Access-Control-Allow-Origin: *\r\n{}\r\n",
        server_field, json_type, security_fields);
    REQUIRE(t.bytes.starts_with(head));
    std::string body = dechunk(std::string_view(t.bytes).substr(head.size()));
    CHECK(body == search_body(R"("CJK")", found, 0, results_of("CJK", 0, 10'000)));
    CHECK(body.size() > 1'500'000);
    CHECK(t.largest_piece <= config::write_chunk);
    CHECK(t.largest_write <= config::write_chunk + 64);
    CHECK(t.writes > body.size() / config::write_chunk);

    SECTION("the ancestor's /search: every match, chunked too") {
        transcript c = run(server.ctx, get("/search?q=cjk"));
        std::size_t at = c.bytes.find("\r\n\r\n");
        REQUIRE(at != std::string::npos);
        CHECK(c.bytes.substr(0, at).find("Transfer-Encoding: chunked") != std::string::npos);
        json::value v = json::parse(dechunk(std::string_view(c.bytes).substr(at + 4)));
        auto entries = the_index().entries_with("CJK");
        REQUIRE(v.as_array().size() == entries.size());
        CHECK(v.as_array().back().as_object().at("name").as_string() == std::string(the_index().name(entries.back())));
        CHECK(c.largest_piece <= config::write_chunk);
    }
    SECTION("HEAD: chunked, no body") {
        transcript h = run(server.ctx, "HEAD /api/search?q=CJK&limit=10000 HTTP/1.1\r\n\r\n");
        CHECK(h.bytes == head);
    }
}

TEST_CASE("the input split at every byte gives the same bytes", "[http]") {
    server_state server;
    const std::string input = get("/api/search?q=cat+face&limit=3") + "HEAD /healthz HTTP/1.1\r\n\r\n" +
                              get("/search?q=snowman") + get("/nowhere") + "GET /healthz HTTP/1.0\r\n\r\n";
    const transcript whole = run(server.ctx, input);
    REQUIRE(whole.closed);
    REQUIRE(whole.bytes.find("HTTP/1.1 404") != std::string::npos);
    REQUIRE(whole.queries_answered == 2);
    auto split = GENERATE(range<std::size_t>(1, 24));
    transcript t = run(server.ctx, input, split);
    CHECK(t.bytes == whole.bytes);
    CHECK(t.closed);
    CHECK(t.queries_answered == 2);
}

TEST_CASE("the counts a core keeps", "[http]") {
    server_state server;
    run(server.ctx, get("/api/search?q=cat") + get("/api/search?q=zzzq") + get("/search?q=cat") +
                        get("/api/search?q=-cat") + get("/api/search") + get("/x") + "PUT / HTTP/1.1\r\n\r\n");
    using protocol::error_kind;
    using protocol::protocol_kind;
    using protocol::query_outcome;
    CHECK(server.counters.queries(protocol_kind::http, query_outcome::found) == 2);
    CHECK(server.counters.queries(protocol_kind::http, query_outcome::empty) == 1);
    CHECK(server.counters.queries(protocol_kind::http, query_outcome::error) == 2);
    CHECK(server.counters.errors(protocol_kind::http, error_kind::bad_request) == 2);
    CHECK(server.counters.errors(protocol_kind::http, error_kind::not_found) == 1);
    CHECK(server.counters.errors(protocol_kind::http, error_kind::method) == 1);
    CHECK(server.counters.queries(protocol_kind::line, query_outcome::found) == 0);
    // Three answers (not the errors), their bodies' bytes.
    std::string text;
    server.counters.render(text, the_index().versions());
    CHECK(text.find("\nmojifinder_answer_bytes_count{protocol=\"http\"} 3\n") != std::string::npos);
    auto body_size = [&](std::string_view target) {
        std::string r = run(server.ctx, get(target)).bytes;
        return r.size() - r.find("\r\n\r\n") - 4;
    };
    std::size_t bytes = body_size("/api/search?q=cat") + body_size("/api/search?q=zzzq") + body_size("/search?q=cat");
    CHECK(text.find(fmt::format("\nmojifinder_answer_bytes_sum{{protocol=\"http\"}} {}\n", bytes)) !=
          std::string::npos);
}

TEST_CASE("busy_response: the whole 503", "[http]") {
    const std::string body = R"({"error":"server busy, try again later"})";
    CHECK(http::busy_response() ==
          fmt::format("HTTP/1.1 503 Service Unavailable\r\n{}Content-Type: {}\r\nContent-Length: {}\r\n"
                      "Cache-Control: no-store\r\nRetry-After: 1\r\n{}Connection: close\r\n\r\n{}",
                      server_field, json_type, body.size(), security_fields, body));
}

TEST_CASE("/api/search's sort and why: exact bodies", "[http][relevance]") {
    server_state server;
    expected_head api;
    api.cors = true;
    const auto en = the_index().english();
    auto found = [](std::string_view q) {
        search::engine engine(the_index());
        search::scratch s;
        engine.run(q, search::mode::full, s);
        return s.found();
    };
    using search::order;
    // target, query, offset, limit, order, why
    auto [target, query, offset, limit, sort, why] =
        GENERATE_COPY(table<std::string, std::string, std::size_t, std::size_t, order, bool>({
            {"/api/search?q=cat&sort=relevance", "cat", 0, 100, order::relevance, true},
            {"/api/search?q=cat&sort=relevance&why=off", "cat", 0, 100, order::relevance, false},
            {"/api/search?q=cat&sort=code", "cat", 0, 100, order::code, false},
            {"/api/search?q=cat&why=on", "cat", 0, 100, order::code, true},
            {"/api/search?q=cat&sort=relevance&limit=3", "cat", 0, 3, order::relevance, true},
            {"/api/search?q=cat&sort=relevance&limit=4&offset=5", "cat", 5, 4, order::relevance, true},
            {"/api/search?q=heart&sort=relevance&limit=7&offset=30", "heart", 30, 7, order::relevance, true},
            {"/api/search?q=%E2%86%92%20red%20heart&sort=relevance", "\u2192 red heart", 0, 100, order::relevance, true},
            {"/api/search?q=U%2B1F431&why=on", "U+1F431", 0, 100, order::code, true},
        }));
    CAPTURE(target);
    std::string query_json = "\"" + query + "\"";
    CHECK(run(server.ctx, get(target)).bytes ==
          response(api, search_body(query_json, found(query), offset, results_of(query, offset, limit, en, sort, why))));
}

TEST_CASE("/api/search with sort=relevance: the first result and its match, byte for byte", "[http][relevance]") {
    server_state server;
    std::string body = run(server.ctx, get("/api/search?q=cat&sort=relevance&limit=1")).bytes;
    CHECK(body.ends_with(
        R"({"query":"cat","found":24,"offset":0,"results":[{"cp":"U+1F408","char":"🐈","name":"CAT",)"
        R"("block":"Miscellaneous Symbols and Pictographs","gc":"So","age":"6.0","aliases":[],"short":"cat",)"
        R"("keywords":["cat","pet"],"match":[{"term":"cat","field":"name","text":"CAT"}]}],"hint":[]})"));
}
