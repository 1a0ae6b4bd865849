// The picker's core (client/picker.hpp) without a terminal or a server: keys
// from a terminal's bytes, display widths, the lines it sends and when, what
// it does with replies (stale ones dropped), and the frames it draws, row by
// row. tests/picker/picker_test.sh drives the real thing in tmux. Flow: each
// case builds a picker on a small screen (ready_picker: its /limit
// acknowledged), feeds it keys and scripted replies, and checks the lines it
// sends and the frame's rows exactly.
#include "picker.hpp"
#include "picker_terminal.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <string>
#include <vector>

using namespace mojifinder::client::picker;

namespace {

// An answer object as the server writes it in JSON mode.
std::string object(std::string_view cp, std::string_view character, std::string_view name) {
    return fmt::format(
        R"({{"cp":"{}","char":"{}","name":"{}","block":"Emoticons","gc":"So","age":"6.1","aliases":[],"short":"","keywords":["cat","face"]}})",
        cp, character, name);
}

item make_item(std::string_view cp, std::string_view character, std::string_view name) {
    return *parse_item(object(cp, character, name));
}

reply cats(std::size_t from, std::size_t count, std::size_t found) {
    static const std::vector<item> all = {
        make_item("U+1F431", "\xF0\x9F\x90\xB1", "CAT FACE"),
        make_item("U+1F638", "\xF0\x9F\x98\xB8", "GRINNING CAT FACE WITH SMILING EYES"),
        make_item("U+1F639", "\xF0\x9F\x98\xB9", "CAT FACE WITH TEARS OF JOY"),
        make_item("U+1F63A", "\xF0\x9F\x98\xBA", "SMILING CAT FACE WITH OPEN MOUTH"),
        make_item("U+1F63B", "\xF0\x9F\x98\xBB", "SMILING CAT FACE WITH HEART-SHAPED EYES"),
        make_item("U+1F63C", "\xF0\x9F\x98\xBC", "CAT FACE WITH WRY SMILE"),
        make_item("U+1F63D", "\xF0\x9F\x98\xBD", "KISSING CAT FACE WITH CLOSED EYES"),
        make_item("U+1F63E", "\xF0\x9F\x98\xBE", "POUTING CAT FACE"),
        make_item("U+1F63F", "\xF0\x9F\x98\xBF", "CRYING CAT FACE"),
        make_item("U+1F640", "\xF0\x9F\x99\x80", "WEARY CAT FACE"),
    };
    reply r;
    r.items.assign(all.begin() + static_cast<long>(from), all.begin() + static_cast<long>(from + count));
    r.found = found;
    r.shown = from + count;
    return r;
}

void type(picker& p, std::string_view text) {
    for (char c : text) p.on_key({key_kind::text, std::string(1, c)});
}

std::vector<std::string> rows(const frame& f) {
    std::vector<std::string> out;
    for (unsigned r = 0; r < f.height; ++r) out.push_back(f.text(r));
    return out;
}

// A picker on a 60x8 terminal (6 list rows) whose /limit was acknowledged.
picker ready_picker(std::vector<item> recent = {}) {
    picker p(std::move(recent), "en");
    p.resize(60, 8);
    REQUIRE(p.next_request() == "/limit 6");
    p.on_reply(reply{{}, 0, 0, {}, {}, "limit 6"});
    return p;
}

}  // namespace

TEST_CASE("picker keys: a terminal's bytes", "[picker]") {
    auto [bytes, expected] = GENERATE(table<std::string, key>({
        {"\x1b[A", {key_kind::up, {}}},
        {"\x1b[B", {key_kind::down, {}}},
        {"\x1bOA", {key_kind::up, {}}},
        {"\x1bOB", {key_kind::down, {}}},
        {"\x1b[5~", {key_kind::page_up, {}}},
        {"\x1b[6~", {key_kind::page_down, {}}},
        {"\x1b[H", {key_kind::home, {}}},
        {"\x1b[F", {key_kind::end, {}}},
        {"\x1b[1~", {key_kind::home, {}}},
        {"\x1b[4~", {key_kind::end, {}}},
        {"\x1b[1;5A", {key_kind::up, {}}},
        {"\r", {key_kind::enter, {}}},
        {"\t", {key_kind::tab, {}}},
        {"\x7f", {key_kind::backspace, {}}},
        {"\x03", {key_kind::interrupt, {}}},
        {"\x0c", {key_kind::language, {}}},
        {"\x15", {key_kind::clear_query, {}}},
        {"\x17", {key_kind::delete_word, {}}},
        {"a", {key_kind::text, "a"}},
        {"\xC3\xA9", {key_kind::text, "\xC3\xA9"}},
        {"\xF0\x9F\x90\xB1", {key_kind::text, "\xF0\x9F\x90\xB1"}},
    }));
    key_decoder d;
    d.feed(bytes);
    CAPTURE(bytes);
    CHECK(d.next() == expected);
    CHECK(d.next() == std::nullopt);
    CHECK_FALSE(d.waiting());
}

TEST_CASE("picker keys: Esc alone, split sequences, keys with nothing to do", "[picker]") {
    key_decoder d;
    SECTION("a lone ESC waits, then is Escape once the time is up") {
        d.feed("\x1b");
        CHECK(d.next() == std::nullopt);
        CHECK(d.waiting());
        d.expire_escape();
        CHECK(d.next() == key{key_kind::escape, {}});
        CHECK_FALSE(d.waiting());
    }
    SECTION("a sequence in two reads is one key") {
        d.feed("\x1b[");
        CHECK(d.next() == std::nullopt);
        d.feed("B");
        CHECK(d.next() == key{key_kind::down, {}});
    }
    SECTION("a character in two reads is one key") {
        d.feed("\xF0\x9F");
        CHECK(d.next() == std::nullopt);
        d.feed("\x90\xB1");
        CHECK(d.next() == key{key_kind::text, "\xF0\x9F\x90\xB1"});
    }
    SECTION("left, right, Delete, F1 and other controls are dropped; what follows is read") {
        d.feed("\x1b[C\x1b[D\x1b[3~\x1bOP\x01x");
        CHECK(d.next() == key{key_kind::text, "x"});
        CHECK(d.next() == std::nullopt);
    }
    SECTION("ESC then a letter (Alt+x): Escape first") {
        d.feed("\x1bx");
        CHECK(d.next() == key{key_kind::escape, {}});
        CHECK(d.next() == key{key_kind::text, "x"});
    }
    SECTION("invalid UTF-8 is dropped") {
        d.feed("\xFF\xC3y");
        CHECK(d.next() == key{key_kind::text, "y"});
    }
}

TEST_CASE("picker display widths", "[picker]") {
    auto [text, width] = GENERATE(table<std::string, int>({
        {"a", 1},
        {"CAT FACE", 8},
        {"\xF0\x9F\x90\xB1", 2},                                     // 🐱 Emoji_Presentation
        {"\xE4\xB8\xAD", 2},                                         // 中 East Asian Wide
        {"\xEF\xBC\xA1", 2},                                         // Ａ Fullwidth
        {"\xCC\x81", 0},                                             // U+0301 combining acute
        {"\xE2\x80\x8D", 0},                                         // ZWJ
        {"\xE2\x97\x8C\xCC\x81", 1},                                 // ◌́
        {"\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x9A\x92", 2},         // 👩‍🚒 ZWJ sequence
        {"\xF0\x9F\x87\xAF\xF0\x9F\x87\xB5", 2},                     // 🇯🇵 flag
        {"\xE2\x9D\xA4\xEF\xB8\x8F", 2},                             // ❤️ with U+FE0F
        {"\xE2\x9D\xA4", 1},                                         // ❤ text presentation
        {"\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD", 2},                     // 👍🏽 with a skin tone
    }));
    CAPTURE(text);
    CHECK(display_width(text) == width);
}

TEST_CASE("picker: control characters never reach the terminal", "[picker]") {
    CHECK(printable("a\x1b[2Jb") == "a\xEF\xBF\xBD[2Jb");
    CHECK(printable("\xC2\x85") == "\xEF\xBF\xBD");  // U+0085, a C1 control
    CHECK(printable("\x7f") == "\xEF\xBF\xBD");
    CHECK(printable("\xFF") == "\xEF\xBF\xBD");
    CHECK(printable("caf\xC3\xA9") == "caf\xC3\xA9");
    CHECK(character_cell("\xCC\x81") == "\xE2\x97\x8C\xCC\x81");  // on U+25CC
    CHECK(character_cell("\xE2\x80\x8D") == "\xE2\x97\x8C\xE2\x80\x8D");
    CHECK(character_cell("\xF0\x9F\x90\xB1") == "\xF0\x9F\x90\xB1");
}

TEST_CASE("picker: the line sent for what was typed", "[picker]") {
    auto [typed, sent] = GENERATE(table<std::string, std::string>({
        {"cat fa", "cat fa*"},
        {"cat fa ", "cat fa"},
        {"c", "c*"},
        {"  ", ""},
        {"", ""},
        {"arrow -lef", "arrow -lef*"},
        {"arrow -", "arrow -"},
        {"U+1F6", "U+1F6"},
        {"smil*", "smil*"},
        {"caf\xC3\xA9", "caf\xC3\xA9"},
        {"\"black ches", "\"black ches"},
        {"/help", "//help"},
        {"gc:Sm", "gc:Sm"},
    }));
    CAPTURE(typed);
    CHECK(query_line(typed) == sent);
}

TEST_CASE("picker: an answer object read back, and what --print writes", "[picker]") {
    std::optional<item> it = parse_item(
        R"({"cp":"U+1F600","char":"😀","name":"GRINNING FACE","block":"Emoticons","gc":"So","age":"6.1","aliases":[],"short":"grinning face","keywords":["face","grin","grinning face"]})"
        "\r\n");
    REQUIRE(it);
    CHECK(it->block == "Emoticons");
    CHECK(it->short_name == "grinning face");
    CHECK(it->keywords == std::vector<std::string>{"face", "grin", "grinning face"});
    CHECK(it->json.ends_with("]}"));
    CHECK(printed(*it, print_field::character) == "😀");
    CHECK(printed(*it, print_field::code) == "U+1F600");
    CHECK(printed(*it, print_field::name) == "GRINNING FACE");
    CHECK(printed(*it, print_field::line) == "U+1F600\t😀\tGRINNING FACE");
    // A sequence's line, as the server writes it.
    std::optional<item> sequence = parse_item(
        R"({"cp":"U+1F469 U+200D U+1F692","char":"👩‍🚒","name":"WOMAN FIREFIGHTER","block":"Miscellaneous Symbols and Pictographs","gc":"So","age":"6.0","aliases":[]})");
    REQUIRE(sequence);
    CHECK(printed(*sequence, print_field::line) == "U+1F469 U+200D U+1F692\t👩‍🚒\tWOMAN FIREFIGHTER");
    CHECK_FALSE(parse_item(R"({"found":1,"shown":1})"));
    CHECK_FALSE(parse_item("U+1F600\t😀\tGRINNING FACE"));
}

TEST_CASE("picker: typing, stale answers dropped, the frame", "[picker]") {
    picker p = ready_picker();
    CHECK(rows(p.render()) == std::vector<std::string>{">                                                       [en]", "type to search; Esc leaves", "", "", "", "", "", ""});

    type(p, "c");
    REQUIRE(p.next_request() == "c*");
    type(p, "at fa");  // while "c*" is in flight: nothing more is sent
    CHECK(p.next_request() == std::nullopt);
    reply for_c = cats(0, 6, 4000);
    p.on_reply(for_c);  // typed over: dropped
    CHECK(p.render().text(1) == "searching...");
    REQUIRE(p.next_request() == "cat fa*");
    p.on_reply(cats(0, 6, 10));
    CHECK(p.next_request() == std::nullopt);
    frame f = p.render();
    CHECK(rows(f) == std::vector<std::string>{
                         "> cat fa                                                [en]",
                         "10 found, 6 shown",
                         "> 🐱 CAT FACE                                        U+1F431",
                         "  😸 GRINNING CAT FACE WITH SMILING EYES             U+1F638",
                         "  😹 CAT FACE WITH TEARS OF JOY                      U+1F639",
                         "  😺 SMILING CAT FACE WITH OPEN MOUTH                U+1F63A",
                         "  😻 SMILING CAT FACE WITH HEART-SHAPED EYES         U+1F63B",
                         "  😼 CAT FACE WITH WRY SMILE                         U+1F63C",
                     });
    CHECK(f.cursor_row == 0);
    CHECK(f.cursor_column == 8);

    SECTION("Down, Enter: the second") {
        p.on_key({key_kind::down, {}});
        p.on_key({key_kind::enter, {}});
        REQUIRE(p.state() == outcome::picked);
        CHECK(p.picked().cp == "U+1F638");
    }
    SECTION("Esc and Ctrl-C leave") {
        p.on_key({GENERATE(key_kind::escape, key_kind::interrupt), {}});
        CHECK(p.state() == outcome::left);
        CHECK(p.next_request() == std::nullopt);
    }
    SECTION("past the last line received: /more, then the selection goes on") {
        for (int i = 0; i < 6; ++i) p.on_key({key_kind::down, {}});
        REQUIRE(p.next_request() == "/more");
        p.on_reply(cats(6, 4, 10));
        frame g = p.render();
        CHECK(g.text(1) == "10 found");
        CHECK(g.text(2) == "  😸 GRINNING CAT FACE WITH SMILING EYES             U+1F638");
        CHECK(g.text(7) == "> 😽 KISSING CAT FACE WITH CLOSED EYES               U+1F63D");
        p.on_key({key_kind::end, {}});
        CHECK(p.render().text(7) == "> 🙀 WEARY CAT FACE                                  U+1F640");
        p.on_key({key_kind::home, {}});
        CHECK(p.render().text(2) == "> 🐱 CAT FACE                                        U+1F431");
        p.on_key({key_kind::page_down, {}});
        CHECK(p.render().text(7) == "> 😽 KISSING CAT FACE WITH CLOSED EYES               U+1F63D");
    }
    SECTION("Tab: the details, Tab again: the list") {
        p.on_key({key_kind::tab, {}});
        CHECK(rows(p.render()) == std::vector<std::string>{
                                      "> cat fa                                                [en]",
                                      "10 found, 6 shown",
                                      "  U+1F431   🐱",
                                      "  name      CAT FACE",
                                      "  block     Emoticons",
                                      "  category  So",
                                      "  age       6.1",
                                      "  aliases   -",
                                  });
        p.on_key({key_kind::tab, {}});
        CHECK(p.render().text(2) == "> 🐱 CAT FACE                                        U+1F431");
    }
    SECTION("Backspace to an empty query: no query is sent") {
        for (int i = 0; i < 6; ++i) p.on_key({key_kind::backspace, {}});
        CHECK(p.next_request() == std::nullopt);
        CHECK(p.render().text(0) == ">                                                       [en]");
    }
    SECTION("Ctrl-L: another language, and the query asked again in it") {
        p.on_key({key_kind::language, {}});
        type(p, "de");
        CHECK(p.render().text(0) == "language: de                                            [en]");
        p.on_key({key_kind::enter, {}});
        REQUIRE(p.next_request() == "/lang de");
        p.on_reply(reply{{}, 0, 0, {}, {}, "lang de Deutsch"});
        CHECK(p.language() == "de");
        CHECK(p.next_request() == "cat fa*");
    }
    SECTION("a server that sorts by relevance: the status line says so") {
        p.set_relevance(true);
        CHECK(p.render().text(1) == "10 found, 6 shown, best first");
    }
    SECTION("a resize: a new /limit before the next query") {
        p.resize(60, 12);
        type(p, "c");
        CHECK(p.next_request() == "/limit 10");
    }
}

TEST_CASE("picker: errors and hints on the status line", "[picker]") {
    picker p = ready_picker();
    type(p, "xyzzy ");
    REQUIRE(p.next_request() == "xyzzy");
    p.on_reply(reply{{}, 0, 0, "dizzy, zzy", {}, {}});
    CHECK(p.render().text(1) == "0 found; did you mean: dizzy, zzy");
    p.on_key({key_kind::enter, {}});  // nothing to pick
    CHECK(p.state() == outcome::running);
    type(p, "-");
    REQUIRE(p.next_request() == "xyzzy -");
    p.on_reply(reply{{}, 0, 0, {}, "only exclusions: add a word to search for, e.g. arrow -left", {}});
    CHECK(p.render().text(1) == "error: only exclusions: add a word to search for, e.g. arro…");
}

TEST_CASE("picker: the recently picked list while the query is empty", "[picker]") {
    picker p = ready_picker({make_item("U+1F63A", "\xF0\x9F\x98\xBA", "SMILING CAT FACE WITH OPEN MOUTH")});
    CHECK(p.render().text(1) == "recently picked");
    CHECK(p.render().text(2) == "> 😺 SMILING CAT FACE WITH OPEN MOUTH                U+1F63A");
    CHECK(p.next_request() == std::nullopt);
    p.on_key({key_kind::enter, {}});
    CHECK(p.picked().cp == "U+1F63A");
}

TEST_CASE("picker: wide and zero-width characters keep the columns", "[picker]") {
    picker p = ready_picker();
    type(p, "x");
    REQUIRE(p.next_request() == "x*");
    reply r;
    r.items = {make_item("U+0301", "\xCC\x81", "COMBINING ACUTE ACCENT"), make_item("U+4E2D", "\xE4\xB8\xAD", "CJK UNIFIED IDEOGRAPH-4E2D"),
               make_item("U+0041", "A", "LATIN CAPITAL LETTER A"), make_item("U+0085", "\xEF\xBF\xBD", "<control-0085>")};
    r.found = r.shown = 4;
    p.on_reply(r);
    frame f = p.render();
    CHECK(f.text(2) == "> ◌́  COMBINING ACUTE ACCENT                           U+0301");
    CHECK(f.text(3) == "  中 CJK UNIFIED IDEOGRAPH-4E2D                       U+4E2D");
    CHECK(f.text(4) == "  A  LATIN CAPITAL LETTER A                           U+0041");
    CHECK(f.text(5) == "  �  <control-0085>                                   U+0085");
    // Every segment is written at its own column: the name at column 6.
    std::string bytes = to_terminal(f, true);
    CHECK(bytes.find("\x1b[3;6H\x1b[7mCOMBINING ACUTE ACCENT") != std::string::npos);
    CHECK(bytes.find("\x1b[4;6HCJK UNIFIED IDEOGRAPH-4E2D") != std::string::npos);
}

TEST_CASE("picker: the bytes of a frame, with and without colour", "[picker]") {
    picker p = ready_picker();
    type(p, "cat");
    REQUIRE(p.next_request() == "cat*");
    p.on_reply(cats(0, 2, 2));
    frame f = p.render();
    std::string color = to_terminal(f, true);
    std::string mono = to_terminal(f, false);
    CHECK(color.starts_with("\x1b[?25l\x1b[1;1H\x1b[2K\x1b[1;1H\x1b[1m> cat\x1b[0m"));
    CHECK(color.ends_with("\x1b[1;6H\x1b[?25h"));
    CHECK(mono.ends_with("\x1b[1;6H\x1b[?25h"));
    CHECK(color.find("\x1b[36m2 found") != std::string::npos);
    CHECK(mono.find("\x1b[2;1H2 found") != std::string::npos);
    CHECK(mono.find("\x1b[3;1H\x1b[7m> \x1b[0m") != std::string::npos);  // reverse video stays
    for (std::string_view colour_code : {"\x1b[36m", "\x1b[2m", "\x1b[31m"})
        CHECK(mono.find(colour_code) == std::string::npos);
}

TEST_CASE("picker: OSC 52 carries the character in base64", "[picker]") {
    auto [text, sequence] = GENERATE(table<std::string, std::string>({
        {"\xF0\x9F\x90\xB1", "\x1b]52;c;8J+QsQ==\x07"},
        {"\xF0\x9F\x98\xB8", "\x1b]52;c;8J+YuA==\x07"},
        {"\xC3\xA9", "\x1b]52;c;w6k=\x07"},
        {"abc", "\x1b]52;c;YWJj\x07"},
    }));
    CHECK(mojifinder::client::osc52(text) == sequence);
}
