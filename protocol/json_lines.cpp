// Flow: each function builds one object (in a monotonic resource on the
// stack, so that a line costs no heap allocation beyond `out` growing) and
// serializes it onto `out`, then CR LF. An entry's `cp` and `char` are taken
// from its answer line, which the index writes: one writer of that format. Boost.JSON is header-only here: its
// implementation is compiled in this file, once for the whole program.
#include "json_lines.hpp"

#include <boost/json/src.hpp>
#include <fmt/format.h>
#include <unicode/utf8.h>

#include <array>

namespace mojifinder::protocol::json_lines {
namespace {

namespace json = boost::json;

constexpr std::string_view crlf = "\r\n";

void append_value(std::string& out, const json::value& v) {
    json::serializer sr;
    sr.reset(&v);
    std::array<char, 512> chunk;
    while (!sr.done()) out.append(sr.read(chunk.data(), chunk.size()));
    out.append(crlf);
}

json::string_view view(std::string_view s) noexcept { return {s.data(), s.size()}; }

// The fields every character object has, after `cp` and `char`.
void emplace_description(json::object& o, json::monotonic_resource& mr, const search::character_info& info,
                         std::string_view name, bool with_aliases) {
    o.emplace(view(key::name), view(name));
    o.emplace(view(key::block), view(info.block));
    o.emplace(view(key::gc), view(info.gc));
    o.emplace(view(key::age), view(info.age));
    json::array aliases(&mr);
    if (with_aliases)
        for (std::string_view a : info.aliases) aliases.emplace_back(view(a));
    o.emplace(view(key::aliases), std::move(aliases));
}

// The first two TAB-separated fields of an answer line: code points, character.
std::array<std::string_view, 2> first_fields(std::string_view line) noexcept {
    std::size_t tab = line.find('\t');
    std::size_t second = line.find('\t', tab + 1);
    return {line.substr(0, tab), line.substr(tab + 1, second - tab - 1)};
}

}  // namespace

void append_entry(std::string& out, const index& idx, index::language_id language, index::entry_id e) {
    // The short name is made (a toned sequence's is), so it needs a buffer:
    // this thread's, reused, so that a warm session's lines allocate nothing.
    thread_local std::string short_name;
    short_name.clear();
    idx.append_short_name(language, e, short_name);
    search::character_info info = search::describe_entry(idx, e);
    std::array<unsigned char, 4096> storage;
    json::monotonic_resource mr(storage.data(), storage.size());
    // Room for its ten fields at once: growing the object rehashed it
    // twice per entry (~10% of an /api/search answer's time, perf).
    json::object o(10, &mr);
    auto [cp, character] = first_fields(idx.line(e));
    o.emplace(view(key::cp), view(cp));
    o.emplace(view(key::character), view(character));
    emplace_description(o, mr, info, idx.name(e), !idx.is_sequence(e));
    o.emplace(view(key::short_name), view(short_name));
    json::array keywords(&mr);
    idx.for_each_keyword(language, e, [&](std::string_view k) { keywords.emplace_back(view(k)); });
    o.emplace(view(key::keywords), std::move(keywords));
    append_value(out, o);
}

void append_character(std::string& out, const index& idx, char32_t cp) {
    search::character_info info = search::describe(idx, cp);
    std::array<unsigned char, 2048> storage;
    json::monotonic_resource mr(storage.data(), storage.size());
    json::object o(&mr);
    std::array<char, 16> hex;
    auto end = fmt::format_to_n(hex.data(), hex.size(), "U+{:04X}", static_cast<std::uint32_t>(cp)).out;
    char utf8[U8_MAX_LENGTH];
    std::int32_t length = 0;
    U8_APPEND_UNSAFE(utf8, length, info.written_raw ? static_cast<UChar32>(cp) : 0xFFFD);
    o.emplace(view(key::cp), view({hex.data(), static_cast<std::size_t>(end - hex.data())}));
    o.emplace(view(key::character), view({utf8, static_cast<std::size_t>(length)}));
    emplace_description(o, mr, info, info.name, true);
    o.emplace(view(key::short_name), "");
    o.emplace(view(key::keywords), json::array(&mr));
    append_value(out, o);
}

void append_status(std::string& out, std::size_t found, std::size_t shown,
                   std::span<const std::string_view> hints) {
    std::array<unsigned char, 1024> storage;
    json::monotonic_resource mr(storage.data(), storage.size());
    json::object o(&mr);
    o.emplace(view(key::found), static_cast<std::uint64_t>(found));
    o.emplace(view(key::shown), static_cast<std::uint64_t>(shown));
    if (!hints.empty()) {
        json::array h(&mr);
        for (std::string_view w : hints) h.emplace_back(view(w));
        o.emplace(view(key::hint), std::move(h));
    }
    append_value(out, o);
}

void append_error(std::string& out, std::string_view message) {
    std::array<unsigned char, 1024> storage;
    json::monotonic_resource mr(storage.data(), storage.size());
    json::object o(&mr);
    o.emplace(view(key::error), view(message));
    append_value(out, o);
}

void append_ok(std::string& out, std::string_view message, std::span<const std::string_view> text) {
    std::array<unsigned char, 4096> storage;
    json::monotonic_resource mr(storage.data(), storage.size());
    json::object o(&mr);
    o.emplace(view(key::ok), view(message));
    if (!text.empty()) {
        json::array lines(&mr);
        for (std::string_view line : text) lines.emplace_back(view(line));
        o.emplace(view(key::text), std::move(lines));
    }
    append_value(out, o);
}

}  // namespace mojifinder::protocol::json_lines
