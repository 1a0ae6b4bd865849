// The answer cache alone: what it keeps, under which key, and which entry a
// store replaces. How a session uses it (the same bytes as a search, what
// is never kept) is in session_core_test.cpp.
#include "answer_cache.hpp"

#include "index.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <functional>
#include <string>
#include <string_view>

using mojifinder::protocol::answer_cache;
using mojifinder::protocol::output_format;
using mojifinder::protocol::session_settings;
namespace search = mojifinder::search;

namespace {

// A session of a server without --classic, in the data's first language.
const session_settings base = session_settings::for_server(false, 0);

// The pieces of an answer, as a step hands them out.
std::array<std::string_view, 2> pieces(std::string_view a, std::string_view b) { return {a, b}; }

}  // namespace

TEST_CASE("answer_cache: a kept answer comes back whole, with its count, for the same key only", "[answer_cache]") {
    // Room enough that these few keys never share a set (which store
    // replaces is the last test's).
    answer_cache cache(1024);
    CHECK(cache.capacity() == 1024);
    CHECK(cache.size() == 0);
    CHECK_FALSE(cache.find(base, "cat face"));
    cache.store(base, "cat face", pieces("U+1F431\t🐱\tCAT FACE\r\n", " 1 found\r\n"), 1, 1);
    CHECK(cache.size() == 1);
    auto kept = cache.find(base, "cat face");
    REQUIRE(kept);
    CHECK(kept->bytes == "U+1F431\t🐱\tCAT FACE\r\n 1 found\r\n");
    CHECK(kept->found == 1);
    CHECK(kept->shown == 1);
    // A reply cut by /limit keeps both counts.
    cache.store(base, "dog", pieces("U+1F415\r\n", " 7 found, 1 shown\r\n"), 7, 1);
    CHECK(cache.find(base, "dog")->found == 7);
    CHECK(cache.find(base, "dog")->shown == 1);
    // The same key again replaces its entry.
    cache.store(base, "dog", pieces("none", ""), 0, 0);
    CHECK(cache.find(base, "dog")->bytes == "none");
    CHECK(cache.size() == 2);

    SECTION("other bytes are another query") {
        auto query = GENERATE(as<std::string_view>{}, "cat  face", "Cat face", "cat fac", "cat face ", "");
        CAPTURE(query);
        CHECK_FALSE(cache.find(base, query));
    }
    SECTION("every setting is part of the key") {
        using change = std::function<void(session_settings&)>;
        auto [what, apply] = GENERATE(table<std::string, change>({
            {"mode", [](session_settings& s) { s.mode = search::mode::classic; }},
            {"format", [](session_settings& s) { s.format = output_format::json; }},
            {"classic server", [](session_settings& s) { s.classic_server = true; }},
            {"limit", [](session_settings& s) { s.limit = 10; }},
            {"language", [](session_settings& s) { s.language = 1; }},
            {"sort", [](session_settings& s) { s.sort = search::order::relevance; }},
            {"why", [](session_settings& s) { s.why = true; }},
            {"readings", [](session_settings& s) { s.readings = true; }},
        }));
        CAPTURE(what);
        session_settings other = base;
        apply(other);
        REQUIRE(other != base);
        CHECK_FALSE(cache.find(other, "cat face"));
        cache.store(other, "cat face", pieces("other\r\n", ""), 5, 5);
        REQUIRE(cache.find(other, "cat face"));
        CHECK(cache.find(other, "cat face")->bytes == "other\r\n");
        REQUIRE(cache.find(base, "cat face"));
        CHECK(cache.find(base, "cat face")->bytes == "U+1F431\t🐱\tCAT FACE\r\n 1 found\r\n");
        CHECK(cache.size() == 3);
    }
}

TEST_CASE("answer_cache: what it does not keep", "[answer_cache]") {
    const std::string longest_answer(answer_cache::max_answer, 'a');
    const std::string longest_query(answer_cache::max_query, 'q');
    SECTION("room for none: nothing") {
        answer_cache cache(0);
        CHECK(cache.capacity() == 0);
        CHECK_FALSE(cache.keeps("cat face"));
        cache.store(base, "cat face", pieces("a", "b"), 1, 1);
        CHECK(cache.size() == 0);
        CHECK_FALSE(cache.find(base, "cat face"));
    }
    SECTION("an answer or a query over the limit") {
        answer_cache cache(8);
        cache.store(base, "long answer", pieces(longest_answer, "b"), 1, 1);
        cache.store(base, longest_query + "q", pieces("a", "b"), 1, 1);
        CHECK_FALSE(cache.keeps(longest_query + "q"));
        CHECK(cache.size() == 0);
        cache.store(base, "long answer", pieces(longest_answer, ""), 1, 1);
        cache.store(base, longest_query, pieces("a", "b"), 1, 1);
        CHECK(cache.keeps(longest_query));
        CHECK(cache.size() == 2);
        CHECK(cache.find(base, "long answer")->bytes == longest_answer);
        CHECK(cache.find(base, longest_query)->bytes == "ab");
    }
}

TEST_CASE("answer_cache: a store replaces the entry of its set used less recently", "[answer_cache]") {
    answer_cache cache(1);  // rounded up: one set of two
    REQUIRE(cache.capacity() == 2);
    cache.store(base, "a", pieces("A", ""), 1, 1);
    cache.store(base, "b", pieces("B", ""), 2, 2);
    REQUIRE(cache.size() == 2);
    SECTION("the older one goes") {
        cache.store(base, "c", pieces("C", ""), 3, 3);
        CHECK_FALSE(cache.find(base, "a"));
        CHECK(cache.find(base, "b")->bytes == "B");
        CHECK(cache.find(base, "c")->bytes == "C");
    }
    SECTION("a find makes an entry the recent one") {
        CHECK(cache.find(base, "a")->found == 1);
        cache.store(base, "c", pieces("C", ""), 3, 3);
        CHECK(cache.find(base, "a")->bytes == "A");
        CHECK_FALSE(cache.find(base, "b"));
        CHECK(cache.find(base, "c")->found == 3);
    }
    CHECK(cache.size() == 2);
}
