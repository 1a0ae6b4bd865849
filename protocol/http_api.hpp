#pragma once
// What the HTTP API answers (docs/HTTP.md), without the connection around
// it: a request target read into a route and its parameters, and the JSON
// bodies, the big ones rendered a few results at a time. http_core.cpp
// frames these bodies into responses.
//
// Flow: read_target() splits the origin-form target (Boost.URL) into a
// route and its query; read_api_search() and read_classic_search() check
// the parameters of /api/search and /search; answer::start() runs the
// query (search::engine) and answer::fill() renders the body into a
// bounded buffer, each result object by json_lines (one renderer for the
// line protocol's JSON mode and the API), until the answer is over.
#include "config.hpp"
#include "index.hpp"
#include "search.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace mojifinder::protocol::http {

enum class route {
    api_search,     // /api/search
    api_languages,  // /api/languages
    classic_search, // /search: the ancestor's API
    healthz,        // /healthz
    metrics,        // /metrics
    asset,          // one of the page's files (web_assets())
    not_found,
};

struct target {
    route where = route::not_found;
    std::string_view path;   // as sent (percent-encoded)
    std::string_view query;  // after '?', as sent; "" when none
};

// The target of a request, or nullopt when it is no origin-form URL
// ("/path?query"; a bad percent-encoding makes it none).
std::optional<target> read_target(std::string_view request_target);

// /api/search's parameters, checked.
struct api_search_request {
    std::string query;  // q, decoded, trimmed
    index::language_id language = index::no_language;
    std::uint32_t limit = config::http_default_limit;
    std::uint64_t offset = 0;
    // sort=relevance|code (code unless asked; the page asks relevance).
    search::order sort = search::order::code;
    // why=on|off: each result's "match" (search::scratch::why()); by
    // default on with sort=relevance, off in code order, where the answer
    // costs ~35-70% more with it (mojifinder-micro HttpCore: cat face 5.2 ->
    // 7.1 us, arrow left 18.8 -> 31.8 us: its bytes nearly double).
    bool why = false;
};

// The parameters of /api/search from its (encoded) query string, or the
// message of the 400 they get.
std::variant<api_search_request, std::string> read_api_search(std::string_view query, const index& idx,
                                                               index::language_id default_language);

// /search's q as the ancestor (FastAPI) reads it: the last q, decoded;
// nullopt when there is none (422).
std::optional<std::string> read_classic_search(std::string_view query);

// {"error":"..."}: the body of every error of the API.
void append_error(std::string& out, std::string_view message);

// [{"tag":"de","name":"Deutsch"},...] in tag order.
void append_languages(std::string& out, const index& idx);

// FastAPI 0.92's answer to /search without q (422).
inline constexpr std::string_view classic_missing_q =
    R"({"detail":[{"loc":["query","q"],"msg":"field required","type":"value_error.missing"}]})";

// A query's body, streamed: {"query":...,"found":N,"offset":K,"results":[...],"hint":[...]}
// for /api/search, [{"char":...,"name":...},...] for /search.
class answer {
public:
    explicit answer(const index& idx) noexcept : index_(idx), engine_(idx) {}

    // Runs the query; false when it is no valid query (error() says why).
    bool start_api(const api_search_request& request);
    // The ancestor's search: words of names, every match, sorted.
    void start_classic(std::string_view query);

    std::string_view error() const noexcept { return error_; }
    std::size_t found() const noexcept { return found_; }

    // Appends the next part of the body to `out` as long as it stays within
    // `budget` bytes (whole result objects; at least one, whatever its size,
    // when `out` is empty); true when the body is complete.
    bool fill(std::string& out, std::size_t budget);

    // Gives the search scratch back (the answer is done or abandoned).
    void release() noexcept;

private:
    enum class part : std::uint8_t { prefix, results, suffix, done };
    bool next_result(std::string& item);
    void append_prefix(std::string& out) const;
    void append_suffix(std::string& out);

    const index& index_;
    search::engine engine_;
    search::scratch_lease scratch_;
    bool classic_ = false;
    bool empty_query_ = false;  // /search?q= (blank): [] without a search
    part part_ = part::done;
    std::string query_;
    std::string error_;
    index::language_id language_ = index::no_language;
    std::size_t found_ = 0;
    std::uint64_t offset_ = 0;
    bool why_ = false;
    std::size_t left_ = 0;     // results still to render
    std::size_t rendered_ = 0;
    search::run run_{};
    bool have_run_ = false;
    std::string item_;         // the result object being placed
    bool have_item_ = false;   // item_ did not fit the last fill()
};

}  // namespace mojifinder::protocol::http
