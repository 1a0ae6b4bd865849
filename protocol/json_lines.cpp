// Flow: each function builds one object (in a monotonic resource on the
// stack, so that a line costs no heap allocation beyond `out` growing) and
// serializes it onto `out`, then CR LF. Boost.JSON is header-only here: its
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

}  // namespace

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
    o.emplace(view(key::name), view(info.name));
    o.emplace(view(key::block), view(info.block));
    o.emplace(view(key::gc), view(info.gc));
    o.emplace(view(key::age), view(info.age));
    json::array aliases(&mr);
    for (std::string_view a : info.aliases) aliases.emplace_back(view(a));
    o.emplace(view(key::aliases), std::move(aliases));
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
