// Flow: see http_core.hpp. next() either goes on with the response being
// streamed (the next chunk of a query's body), or reads the next request
// from the input: the limits first (414, 431: the request line and the
// header fields measured here, so that each gets its own status), then
// Boost.Beast's request parser on the bytes up to the end of the header
// (a fresh parser per attempt: the input is the whole request so far), then
// the method, the body and the route. A response is its head (written
// here, field by field, in a fixed order so that its bytes are the same
// every time) and its body: whole (Content-Length) when it fits in one
// write, else chunked, rendered a few results at a time (http_api.cpp).
#include "http_core.hpp"

// GCC 12 with -fsanitize=address sees Beast's Content-Length parsing return
// a boost::optional "maybe uninitialized" (basic_parser.hpp:66); it is not,
// and without the sanitizer GCC says nothing (nor is it silenced then).
#if defined(__GNUC__) && !defined(__clang__) && defined(__SANITIZE_ADDRESS__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "http_api.hpp"
#include "mojifinder_version.hpp"
#include "web_assets.hpp"

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <variant>

namespace mojifinder::protocol::http {
namespace {

namespace beast = boost::beast;
using clock = std::chrono::steady_clock;

constexpr std::string_view crlf = "\r\n";
constexpr std::string_view last_chunk = "0\r\n\r\n";
constexpr std::string_view json_type = "application/json; charset=utf-8";
// What FastAPI's JSONResponse says; /search answers as it did.
constexpr std::string_view classic_json_type = "application/json";
constexpr std::string_view text_type = "text/plain; charset=utf-8";
constexpr std::string_view metrics_type = "text/plain; version=0.0.4; charset=utf-8";
constexpr std::string_view no_store = "no-store";
// The page's files have no version in their names: a browser asks again
// each time (a 304 when its ETag still matches), so a new server is never
// mixed with an old cached script.
constexpr std::string_view revalidate = "no-cache";
constexpr std::string_view content_security_policy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'";

// The request line around its target: a method, two spaces, "HTTP/1.1" and
// CR LF take at most this many bytes (OPTIONS, the longest common method,
// takes 19).
constexpr std::size_t request_line_slack = 32;
// A complete header has at most this many bytes after its request line.
constexpr std::size_t max_fields_and_end = config::http_max_fields + crlf.size();

// A query body's pieces: at most this many bytes of results, so that a
// chunk with its size line and CR LF, or the last one with the body's
// suffix (three hints at most) and the last-chunk marker, stays within
// config::write_chunk.
constexpr std::size_t body_budget = config::write_chunk - 512;

enum class status : std::uint16_t {
    ok = 200,
    not_modified = 304,
    bad_request = 400,
    not_found = 404,
    method_not_allowed = 405,
    request_timeout = 408,
    uri_too_long = 414,
    unprocessable = 422,
    fields_too_large = 431,
    unavailable = 503,
};

std::string_view reason(status s) noexcept {
    switch (s) {
    case status::ok: return "OK";
    case status::not_modified: return "Not Modified";
    case status::bad_request: return "Bad Request";
    case status::not_found: return "Not Found";
    case status::method_not_allowed: return "Method Not Allowed";
    case status::request_timeout: return "Request Timeout";
    case status::uri_too_long: return "URI Too Long";
    case status::unprocessable: return "Unprocessable Entity";
    case status::fields_too_large: return "Request Header Fields Too Large";
    case status::unavailable: return "Service Unavailable";
    }
    return "";
}

// A response's head, as its fields are written: in this order, each only
// when it is set.
struct head {
    status code = status::ok;
    std::string_view content_type;
    std::optional<std::size_t> length;  // Content-Length; none: chunked (or a 304)
    bool chunked = false;
    std::string_view cache = no_store;
    std::string_view etag;
    bool allow = false;        // 405: Allow: GET, HEAD
    bool retry_after = false;  // 503
    bool cors = false;         // /api/: Access-Control-Allow-Origin: *
    bool close = false;        // Connection: close
};

void append_head(std::string& out, const head& h) {
    auto to = std::back_inserter(out);
    fmt::format_to(to, "HTTP/1.1 {} {}\r\nServer: mojifinderd/{}\r\n", static_cast<unsigned>(h.code), reason(h.code),
                   mojifinder::version);
    if (!h.content_type.empty()) fmt::format_to(to, "Content-Type: {}\r\n", h.content_type);
    if (h.length) fmt::format_to(to, "Content-Length: {}\r\n", *h.length);
    if (h.chunked) out += "Transfer-Encoding: chunked\r\n";
    fmt::format_to(to, "Cache-Control: {}\r\n", h.cache);
    if (!h.etag.empty()) fmt::format_to(to, "ETag: {}\r\n", h.etag);
    if (h.allow) out += "Allow: GET, HEAD\r\n";
    if (h.retry_after) fmt::format_to(to, "Retry-After: {}\r\n", config::http_retry_after.count());
    if (h.cors) out += "Access-Control-Allow-Origin: *\r\n";
    fmt::format_to(to, "Content-Security-Policy: {}\r\nX-Content-Type-Options: nosniff\r\n", content_security_policy);
    if (h.close) out += "Connection: close\r\n";
    out += crlf;
}

// Whether If-None-Match names `etag` ("*", or one of its list, weak or not).
bool matches_etag(std::string_view if_none_match, std::string_view etag) noexcept {
    while (!if_none_match.empty()) {
        std::size_t comma = if_none_match.find(',');
        std::string_view tag = if_none_match.substr(0, comma);
        while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
        while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
        if (tag.starts_with("W/")) tag.remove_prefix(2);
        if (tag == "*" || tag == etag) return true;
        if (comma == std::string_view::npos) break;
        if_none_match.remove_prefix(comma + 1);
    }
    return false;
}

const web_asset* find_asset(std::string_view path) noexcept {
    for (const web_asset& a : web_assets())
        if (a.path == path) return &a;
    return nullptr;
}

// What the limits say of a request's first bytes: 414, 431, or nothing yet.
std::optional<status> over_limits(std::string_view input) noexcept {
    std::size_t lf = input.find('\n');
    if (lf == std::string_view::npos)
        return input.size() > config::http_max_target + request_line_slack ? std::optional(status::uri_too_long)
                                                                           : std::nullopt;
    std::string_view line = input.substr(0, lf);
    std::size_t space = line.find(' ');
    if (space != std::string_view::npos) {
        std::size_t end = line.find(' ', space + 1);
        std::size_t target = (end == std::string_view::npos ? line.size() : end) - space - 1;
        if (target > config::http_max_target) return status::uri_too_long;
    }
    std::string_view rest = input.substr(lf + 1);
    std::size_t end = rest.starts_with(crlf) ? 0 : rest.find("\r\n\r\n");
    std::size_t fields = end == std::string_view::npos ? rest.size() : end == 0 ? 0 : end + crlf.size();
    if (end == std::string_view::npos ? fields > max_fields_and_end : fields > config::http_max_fields)
        return status::fields_too_large;
    return std::nullopt;
}

}  // namespace

struct connection_core::state {
    explicit state(const context& c) : ctx(c), query(c.idx) {}

    enum class phase : std::uint8_t { reading, streaming, closed };

    const context& ctx;
    phase now = phase::reading;
    std::size_t consumed = 0;
    bool request_begun = false;     // bytes of a request are in the input
    clock::time_point deadline{};   // of that request
    bool wrote = false;             // the last action was a write: its out() still lives
    bool answered_query = false;
    // The response being streamed.
    bool close_after = false;
    std::size_t body_bytes = 0;
    answer query;
    std::string_view rest;  // of a whole body being written, after the first write
    std::string head_text;
    std::string body;
    std::array<char, 24> chunk_line{};
    std::array<std::string_view, 6> out{};

    action finish(std::size_t pieces) {
        std::span<const std::string_view> o{out.data(), pieces};
        if (close_after) {
            now = phase::closed;
            return action::close(o);
        }
        now = phase::reading;
        wrote = true;
        return action::write(o);
    }

    // A whole response: the head, then the body unless HEAD asked.
    action respond(head h, std::string_view content, bool head_only) {
        if (!h.length && !h.chunked && h.code != status::not_modified) h.length = content.size();
        h.close = h.close || close_after;
        close_after = h.close;
        head_text.clear();
        append_head(head_text, h);
        std::size_t n = 0;
        out[n++] = head_text;
        if (!head_only && !content.empty()) {
            std::string_view first = content.substr(0, config::write_chunk);
            out[n++] = first;
            rest = content.substr(first.size());
            if (!rest.empty()) {
                now = phase::streaming;
                wrote = true;
                return action::write({out.data(), n});
            }
        }
        return finish(n);
    }

    // The next write_chunk bytes of a whole body (a page file, /metrics)
    // that did not fit in the first write.
    action continue_whole() {
        out[0] = rest.substr(0, config::write_chunk);
        rest.remove_prefix(out[0].size());
        if (!rest.empty()) {
            wrote = true;
            return action::write({out.data(), 1});
        }
        return finish(1);
    }

    action error(status code, error_kind kind, std::string_view message, bool cors, bool close, bool head_only) {
        ctx.counters.error(protocol_kind::http, kind);
        body.clear();
        append_error(body, message);
        head h;
        h.code = code;
        h.content_type = json_type;
        h.cors = cors;
        h.allow = code == status::method_not_allowed;
        h.close = close;
        return respond(h, body, head_only);
    }

    std::string_view chunk_size(std::size_t n) {
        auto r = fmt::format_to_n(chunk_line.data(), chunk_line.size(), "{:x}\r\n", n);
        return {chunk_line.data(), r.size};
    }

    void count_answer(std::size_t bytes) {
        ctx.counters.query(protocol_kind::http, query.found() > 0 ? query_outcome::found : query_outcome::empty);
        ctx.counters.answer_size(protocol_kind::http, bytes);
    }

    // A query's response: whole when its body fits one write, else chunked.
    action start_answer(std::string_view content_type, bool cors, bool head_only) {
        answered_query = true;
        body.clear();
        bool complete = query.fill(body, body_budget);
        head h;
        h.content_type = content_type;
        h.cors = cors;
        if (complete) {
            query.release();
            count_answer(head_only ? 0 : body.size());
            return respond(h, body, head_only);
        }
        h.chunked = true;
        if (head_only) {
            query.release();
            count_answer(0);
            return respond(h, {}, true);
        }
        h.close = close_after;
        head_text.clear();
        append_head(head_text, h);
        body_bytes = body.size();
        out[0] = head_text;
        out[1] = chunk_size(body.size());
        out[2] = body;
        out[3] = crlf;
        now = phase::streaming;
        wrote = true;
        return action::write({out.data(), 4});
    }

    action continue_answer(bool stopping) {
        body.clear();
        bool complete = query.fill(body, body_budget);
        body_bytes += body.size();
        std::size_t n = 0;
        if (!body.empty()) {
            out[n++] = chunk_size(body.size());
            out[n++] = body;
            out[n++] = crlf;
        }
        if (!complete) {
            wrote = true;
            return action::write({out.data(), n});
        }
        out[n++] = last_chunk;
        query.release();
        count_answer(body_bytes);
        close_after = close_after || stopping;
        return finish(n);
    }
};

connection_core::connection_core(const context& ctx) : state_(std::make_unique<state>(ctx)) {}
connection_core::~connection_core() = default;

action connection_core::start() noexcept { return action::read(state_->ctx.cfg.http_idle_timeout); }

std::size_t connection_core::consumed() const noexcept { return state_->consumed; }

std::size_t connection_core::input_limit() const noexcept {
    return config::http_max_target + request_line_slack + max_fields_and_end + 1;
}

bool connection_core::quiet() const noexcept {
    return state_->now == state::phase::reading && !state_->request_begun && !state_->wrote;
}

bool connection_core::answered_query() const noexcept { return state_->answered_query; }

action connection_core::timed_out() {
    state& s = *state_;
    if (s.now != state::phase::reading) return action::close();
    if (!s.request_begun) {
        s.ctx.counters.error(protocol_kind::http, error_kind::idle_timeout);
        s.now = state::phase::closed;
        return action::close();
    }
    s.request_begun = false;
    return s.error(status::request_timeout, error_kind::request_timeout, "request timeout", false, true, false);
}

action connection_core::next(std::string_view input, bool eof, bool stopping) {
    state& s = *state_;
    s.consumed = 0;
    s.answered_query = false;
    s.wrote = false;
    if (s.now == state::phase::closed) return action::close();
    if (s.now == state::phase::streaming) return s.rest.empty() ? s.continue_answer(stopping) : s.continue_whole();

    bool server_stopping = stopping || (s.ctx.stopping != nullptr && s.ctx.stopping->load(std::memory_order_relaxed));
    if (input.empty()) {
        s.request_begun = false;
        if (eof || stopping) {
            s.now = state::phase::closed;
            return action::close();
        }
        return action::read(s.ctx.cfg.http_idle_timeout);
    }
    if (!s.request_begun) {
        s.request_begun = true;
        s.deadline = clock::now() + s.ctx.cfg.http_request_timeout;
    }
    s.close_after = false;
    if (std::optional<status> over = over_limits(input)) {
        s.consumed = input.size();
        s.request_begun = false;
        bool target = *over == status::uri_too_long;
        return s.error(*over, target ? error_kind::target_too_long : error_kind::fields_too_long,
                       target ? "request target too long" : "header fields too long", false, true, false);
    }

    beast::http::request_parser<beast::http::empty_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(input_limit()));
    beast::error_code ec;
    std::size_t used = parser.put(boost::asio::buffer(input.data(), input.size()), ec);
    if (ec == beast::http::error::need_more) {
        if (eof || stopping) {
            // The client will not finish it, or the server will not wait.
            s.now = state::phase::closed;
            return action::close();
        }
        auto left = std::chrono::ceil<std::chrono::milliseconds>(s.deadline - clock::now());
        if (left.count() <= 0) return timed_out();
        return action::read(left);
    }
    s.request_begun = false;
    if (ec || !parser.is_header_done()) {
        s.consumed = input.size();
        return s.error(status::bad_request, error_kind::bad_request, "malformed request", false, true, false);
    }
    s.consumed = used;
    const auto& request = parser.get();
    std::optional<std::uint64_t> length;
    if (auto l = parser.content_length()) length = *l;
    bool has_body = parser.chunked() || (length && *length > 0);
    s.close_after = request.version() < 11 || !request.keep_alive() || server_stopping;

    auto method = request.method();
    bool head_only = method == beast::http::verb::head;
    std::optional<target> t = read_target({request.target().data(), request.target().size()});
    bool cors = request.target().starts_with("/api/");
    if (method != beast::http::verb::get && !head_only) {
        // A body that is not read leaves the stream unknown: close after.
        return s.error(status::method_not_allowed, error_kind::method, "only GET and HEAD", cors, has_body, false);
    }
    if (has_body) {
        s.consumed = input.size();
        return s.error(status::bad_request, error_kind::bad_request, "a GET or HEAD request has no body", cors, true,
                       head_only);
    }
    if (!t) {
        return s.error(status::bad_request, error_kind::bad_request, "request target is not a valid URL path", cors,
                       false, head_only);
    }

    head h;
    h.cors = cors;
    switch (t->where) {
    case route::api_search: {
        auto request_or_error = read_api_search(t->query, s.ctx.idx, s.ctx.default_language);
        if (auto* message = std::get_if<std::string>(&request_or_error)) {
            s.ctx.counters.query(protocol_kind::http, query_outcome::error);
            std::string text = std::move(*message);
            return s.error(status::bad_request, error_kind::bad_request, text, true, false, head_only);
        }
        if (!s.query.start_api(std::get<api_search_request>(request_or_error))) {
            s.ctx.counters.query(protocol_kind::http, query_outcome::error);
            std::string text(s.query.error());
            return s.error(status::bad_request, error_kind::bad_request, text, true, false, head_only);
        }
        return s.start_answer(json_type, true, head_only);
    }
    case route::classic_search: {
        std::optional<std::string> q = read_classic_search(t->query);
        if (!q) {
            s.ctx.counters.query(protocol_kind::http, query_outcome::error);
            s.ctx.counters.error(protocol_kind::http, error_kind::bad_request);
            h.code = status::unprocessable;
            h.content_type = classic_json_type;
            return s.respond(h, classic_missing_q, head_only);
        }
        s.query.start_classic(*q);
        return s.start_answer(classic_json_type, false, head_only);
    }
    case route::api_languages:
        s.body.clear();
        append_languages(s.body, s.ctx.idx);
        h.content_type = json_type;
        return s.respond(h, s.body, head_only);
    case route::healthz:
        h.content_type = text_type;
        if (server_stopping) {
            h.code = status::unavailable;
            return s.respond(h, "stopping\n", head_only);
        }
        return s.respond(h, "ok\n", head_only);
    case route::metrics:
        s.body.clear();
        s.ctx.counters.render(s.body, s.ctx.idx.versions());
        h.content_type = metrics_type;
        return s.respond(h, s.body, head_only);
    case route::asset:
        if (const web_asset* a = find_asset(t->path)) {
            h.content_type = a->content_type;
            h.cache = revalidate;
            h.etag = a->etag;
            auto inm = request.find(beast::http::field::if_none_match);
            if (inm != request.end() && matches_etag({inm->value().data(), inm->value().size()}, a->etag)) {
                h.code = status::not_modified;
                h.content_type = {};
                return s.respond(h, {}, true);
            }
            h.length = a->body.size();
            return s.respond(h, a->body, head_only);
        }
        [[fallthrough]];
    case route::not_found: break;
    }
    return s.error(status::not_found, error_kind::not_found, "not found", cors, false, head_only);
}

std::string_view busy_response() noexcept {
    static const std::string response = [] {
        std::string body;
        append_error(body, "server busy, try again later");
        head h;
        h.code = status::unavailable;
        h.content_type = json_type;
        h.length = body.size();
        h.retry_after = true;
        h.close = true;
        std::string text;
        append_head(text, h);
        return text + body;
    }();
    return response;
}

}  // namespace mojifinder::protocol::http
