// Flow: each function writes one object with json_writer straight onto
// `out` (no document is built, so a line costs no heap allocation beyond
// `out` growing), then CR LF. An entry's `cp` and `char` are taken from its
// answer line, which the index writes: one writer of that format.
#include "json_lines.hpp"

#include "json_writer.hpp"

#include <fmt/format.h>
#include <unicode/utf8.h>

#include <array>

namespace mojifinder::protocol::json_lines {
namespace {

constexpr std::string_view crlf = "\r\n";

// The members every character object has, after `cp` and `char`.
void write_description(json_writer& w, const search::character_info& info, std::string_view name,
                       bool with_aliases) {
    w.member(key::name, name);
    w.member(key::block, info.block);
    w.member(key::gc, info.gc);
    w.member(key::age, info.age);
    w.key(key::aliases);
    w.begin_array();
    if (with_aliases)
        for (std::string_view a : info.aliases) w.string(a);
    w.end_array();
}

// The first two TAB-separated fields of an answer line: code points, character.
std::array<std::string_view, 2> first_fields(std::string_view line) noexcept {
    std::size_t tab = line.find('\t');
    std::size_t second = line.find('\t', tab + 1);
    return {line.substr(0, tab), line.substr(tab + 1, second - tab - 1)};
}

// "match":[...] (append_entry_object()).
void write_matches(json_writer& w, std::span<const search::match> matches) {
    w.key(key::match);
    w.begin_array();
    for (const search::match& m : matches) {
        w.begin_object();
        w.member(key::term, m.term);
        w.member(key::field, search::field_label(m.where));
        w.member(key::text, m.text);
        w.end_object();
    }
    w.end_array();
}

}  // namespace

void append_entry_object(std::string& out, const index& idx, index::language_id language, index::entry_id e,
                         matches why) {
    // The short name is made (a toned sequence's is), so it needs a buffer:
    // this thread's, reused, so that a warm session's lines allocate nothing.
    thread_local std::string short_name;
    short_name.clear();
    idx.append_short_name(language, e, short_name);
    search::character_info info = search::describe_entry(idx, e);
    auto [cp, character] = first_fields(idx.line(e));
    json_writer w(out);
    w.begin_object();
    w.member(key::cp, cp);
    w.member(key::character, character);
    write_description(w, info, idx.name(e), !idx.is_sequence(e));
    w.member(key::short_name, short_name);
    w.key(key::keywords);
    w.begin_array();
    idx.for_each_keyword(language, e, [&](std::string_view k) { w.string(k); });
    w.end_array();
    if (why) write_matches(w, *why);
    w.end_object();
}

void append_entry(std::string& out, const index& idx, index::language_id language, index::entry_id e, matches why) {
    append_entry_object(out, idx, language, e, why);
    out += crlf;
}

void append_character_object(std::string& out, const index& idx, char32_t cp, bool why) {
    search::character_info info = search::describe(idx, cp);
    std::array<char, 16> hex;
    auto end = fmt::format_to_n(hex.data(), hex.size(), "U+{:04X}", static_cast<std::uint32_t>(cp)).out;
    char utf8[U8_MAX_LENGTH];
    std::int32_t length = 0;
    U8_APPEND_UNSAFE(utf8, length, info.written_raw ? static_cast<UChar32>(cp) : 0xFFFD);
    json_writer w(out);
    w.begin_object();
    w.member(key::cp, {hex.data(), static_cast<std::size_t>(end - hex.data())});
    w.member(key::character, {utf8, static_cast<std::size_t>(length)});
    write_description(w, info, info.name, true);
    w.member(key::short_name, "");
    w.key(key::keywords);
    w.begin_array();
    w.end_array();
    if (why) write_matches(w, {});
    w.end_object();
}

void append_character(std::string& out, const index& idx, char32_t cp, bool why) {
    append_character_object(out, idx, cp, why);
    out += crlf;
}

void append_status(std::string& out, std::size_t found, std::size_t shown,
                   std::span<const std::string_view> hints) {
    json_writer w(out);
    w.begin_object();
    w.member(key::found, found);
    w.member(key::shown, shown);
    if (!hints.empty()) {
        w.key(key::hint);
        w.strings(hints);
    }
    w.end_object();
    out += crlf;
}

void append_error_object(std::string& out, std::string_view message) {
    json_writer w(out);
    w.begin_object();
    w.member(key::error, message);
    w.end_object();
}

void append_error(std::string& out, std::string_view message) {
    append_error_object(out, message);
    out += crlf;
}

void append_ok(std::string& out, std::string_view message, std::span<const std::string_view> text) {
    json_writer w(out);
    w.begin_object();
    w.member(key::ok, message);
    if (!text.empty()) {
        w.key(key::text);
        w.strings(text);
    }
    w.end_object();
    out += crlf;
}

}  // namespace mojifinder::protocol::json_lines
