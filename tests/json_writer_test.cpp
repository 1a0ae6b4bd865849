// json_writer: the exact bytes of objects, arrays, numbers and strings, each
// string compared with what Boost.JSON's own serializer writes for it (the
// writer copies plain values itself and must write the same bytes).
// Flow: each SECTION writes onto a string that already holds text (the
// writer appends) and compares the whole string.
#include "json_writer.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string_view.hpp>
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>

using mojifinder::protocol::json_writer;

namespace {

std::string by_boost(std::string_view s) { return boost::json::serialize(boost::json::string_view(s.data(), s.size())); }

// What written() must give for `s`: Boost.JSON's string in brackets.
std::string expected(std::string_view s) { return fmt::format("[{}]", by_boost(s)); }

std::string written(std::string_view s) {
    std::string out;
    json_writer w(out);
    w.begin_array();
    w.string(s);
    w.end_array();
    return out;
}

}  // namespace

TEST_CASE("json_writer writes every string as Boost.JSON's serializer does", "[json]") {
    SECTION("each ASCII character, alone and between letters") {
        for (int c = 0; c < 0x80; ++c) {
            std::string one(1, static_cast<char>(c));
            CAPTURE(c);
            CHECK(written(one) == expected(one));
            std::string between = fmt::format("a{}b", one);
            CHECK(written(between) == expected(between));
        }
    }
    SECTION("the escapes themselves") {
        CHECK(written("say \"hi\"\\\n\t\x01") == R"(["say \"hi\"\\\n\t\u0001"])");
    }
    SECTION("UTF-8 and bytes over 0x7F are written as they are") {
        auto s = GENERATE(as<std::string>{}, "", "CAT FACE", "\xF0\x9F\x90\xB1", "c\xC5\x93ur",
                          "\xE7\x8C\xAB \xE9\xA1\x94", "\x7F\xFF\x80");
        CHECK(written(s) == expected(s));
        CHECK(by_boost(s) == fmt::format("\"{}\"", s));
    }
    SECTION("values longer than the writer's buffer, plain and escaped") {
        auto size = GENERATE(std::size_t{1021}, std::size_t{1022}, std::size_t{1023}, std::size_t{4000});
        std::string plain(size, 'x');
        CHECK(written(plain) == expected(plain));
        std::string escaped = fmt::format("{}\"{}", plain, plain);
        CHECK(written(escaped) == expected(escaped));
    }
}

TEST_CASE("json_writer writes objects, arrays and numbers with their commas", "[json]") {
    std::string out = "before:";
    SECTION("an object with an array, a number and an empty array") {
        {
            json_writer w(out);
            w.begin_object();
            w.key("cp");
            w.string("U+1F431");
            w.key("keywords");
            w.begin_array();
            w.string("cat");
            w.string("face");
            w.end_array();
            w.key("found");
            w.number(18446744073709551615u);
            w.key("aliases");
            w.begin_array();
            w.end_array();
            w.end_object();
        }
        CHECK(out == R"(before:{"cp":"U+1F431","keywords":["cat","face"],"found":18446744073709551615,"aliases":[]})");
    }
    SECTION("nested objects in an array") {
        {
            json_writer w(out);
            w.begin_array();
            for (std::uint64_t n : {0u, 7u}) {
                w.begin_object();
                w.key("n");
                w.number(n);
                w.end_object();
            }
            w.end_array();
        }
        CHECK(out == R"(before:[{"n":0},{"n":7}])");
    }
    SECTION("a container left open goes onto the string at flush()") {
        {
            json_writer w(out);
            w.begin_object();
            w.key("results");
            w.begin_array();
            CHECK(out == "before:");  // still buffered
            w.flush();
        }
        CHECK(out == R"(before:{"results":[)");
    }
    SECTION("many elements: the buffer fills and goes onto the string on the way") {
        std::string all = "before:[";
        {
            json_writer w(out);
            w.begin_array();
            for (int i = 0; i < 500; ++i) {
                w.string("element");
                all += i == 0 ? "\"element\"" : ",\"element\"";
            }
            w.end_array();
        }
        all += "]";
        CHECK(out == all);
    }
}
