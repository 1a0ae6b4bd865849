// What the HTTP API reads and renders, without a connection: targets and
// their routes, /api/search's and /search's parameters as read, and a
// query's body rendered in pieces of any budget giving the same bytes.
// Flow: each test calls one function of protocol/http_api.hpp on a table of
// inputs and compares its whole result; http_core_test checks the responses.
#include "http_api.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <variant>

namespace http = mojifinder::protocol::http;
using mojifinder::config;

namespace {

const mojifinder::index& the_index() {
    static const mojifinder::index idx = mojifinder::index::open(mojifinder::index::build_tree_data_path());
    return idx;
}

}  // namespace

TEST_CASE("request targets: their route, path and query", "[http_api]") {
    auto [request_target, where, path, query] = GENERATE(table<std::string, http::route, std::string, std::string>({
        {"/api/search?q=cat", http::route::api_search, "/api/search", "q=cat"},
        {"/api/languages", http::route::api_languages, "/api/languages", ""},
        {"/search?q=a+b", http::route::classic_search, "/search", "q=a+b"},
        {"/healthz", http::route::healthz, "/healthz", ""},
        {"/metrics?x", http::route::metrics, "/metrics", "x"},
        {"/", http::route::asset, "/", ""},
        {"/?q=cat+face&lang=de", http::route::asset, "/", "q=cat+face&lang=de"},
        {"/app.js", http::route::asset, "/app.js", ""},
        {"/api/search/", http::route::asset, "/api/search/", ""},  // no such file: the core's 404
        {"/API/search", http::route::asset, "/API/search", ""},
    }));
    CAPTURE(request_target);
    std::optional<http::target> t = http::read_target(request_target);
    REQUIRE(t);
    CHECK(t->where == where);
    CHECK(t->path == path);
    CHECK(t->query == query);
}

TEST_CASE("targets that are no origin-form path", "[http_api]") {
    auto request_target = GENERATE(as<std::string>{}, "*", "http://x/", "x", "/a%zz", "/a?q=%4", "");
    CAPTURE(request_target);
    CHECK_FALSE(http::read_target(request_target));
}

TEST_CASE("/api/search's parameters as read", "[http_api]") {
    const auto english = the_index().english();
    const auto german = the_index().find_language("de");
    auto [query, q, language, limit, offset] =
        GENERATE_COPY(table<std::string, std::string, mojifinder::index::language_id, std::uint32_t, std::uint64_t>({
            {"q=cat", "cat", english, config::http_default_limit, 0},
            {"q=cat+face", "cat face", english, config::http_default_limit, 0},
            {"q=+%20cat%09", "cat", english, config::http_default_limit, 0},
            {"q=%E2%86%92&lang=de", "\u2192", german, config::http_default_limit, 0},
            {"lang=de&q=Katze&limit=10000&offset=20", "Katze", german, 10000, 20},
            {"q=cat&limit=1&", "cat", english, 1, 0},
            {"q=a%2Bb", "a+b", english, config::http_default_limit, 0},
        }));
    CAPTURE(query);
    auto read = http::read_api_search(query, the_index(), english);
    REQUIRE(std::holds_alternative<http::api_search_request>(read));
    const auto& request = std::get<http::api_search_request>(read);
    CHECK(request.query == q);
    CHECK(request.language == language);
    CHECK(request.limit == limit);
    CHECK(request.offset == offset);
}

TEST_CASE("/search's q as FastAPI reads it", "[http_api]") {
    auto [query, q] = GENERATE(table<std::string, std::optional<std::string>>({
        {"q=cat+face", "cat face"},
        {"q=", ""},
        {"q=a&q=b", "b"},  // the last one
        {"x=1&q=cat&y", "cat"},
        {"", std::nullopt},
        {"Q=cat", std::nullopt},
    }));
    CAPTURE(query);
    CHECK(http::read_classic_search(query) == q);
}

TEST_CASE("a body in pieces of any budget is the same bytes", "[http_api]") {
    http::api_search_request request;
    request.query = "arrow";
    request.language = the_index().english();
    request.limit = 300;
    http::answer whole(the_index());
    REQUIRE(whole.start_api(request));
    std::string expected;
    REQUIRE(whole.fill(expected, std::size_t(1) << 30));
    REQUIRE(expected.size() > 50'000);
    whole.release();

    auto budget = GENERATE(as<std::size_t>{}, 1, 100, 4096, 65536);
    http::answer pieces(the_index());
    REQUIRE(pieces.start_api(request));
    std::string got;
    std::size_t calls = 0;
    for (bool done = false; !done; ++calls) {
        std::string piece;
        done = pieces.fill(piece, budget);
        // At least one whole result each time, past the budget only when one alone is bigger.
        REQUIRE(!piece.empty());
        if (budget >= 4096) CHECK(piece.size() <= budget + 512);
        got += piece;
    }
    CHECK(got == expected);
    CHECK(calls >= expected.size() / std::max<std::size_t>(budget, 2000));
}

TEST_CASE("a query error leaves no answer", "[http_api]") {
    http::api_search_request request;
    request.query = "\"black";
    request.language = the_index().english();
    http::answer a(the_index());
    CHECK_FALSE(a.start_api(request));
    CHECK(a.error().starts_with("unclosed '\"'"));
}
