// Flow: see answer_cache.hpp. A key's set is its hash modulo the sets; a
// hit makes the other way the one store() replaces next.
#include "answer_cache.hpp"

#include <functional>

namespace mojifinder::protocol {

answer_cache::answer_cache(std::size_t entries) : sets_((entries + 1) / 2) {}

std::uint64_t answer_cache::hash_of(const session_settings& s, std::string_view query) noexcept {
    // Every field of session_settings, packed; a field added there and not
    // here only makes keys collide, which operator== then tells apart.
    std::uint64_t bits = static_cast<std::uint64_t>(s.mode) | static_cast<std::uint64_t>(s.format) << 2 |
                         static_cast<std::uint64_t>(s.classic_server) << 4 |
                         static_cast<std::uint64_t>(s.sort) << 5 | static_cast<std::uint64_t>(s.why) << 7 |
                         static_cast<std::uint64_t>(s.readings) << 8 |
                         static_cast<std::uint64_t>(s.language) << 16 | static_cast<std::uint64_t>(s.limit) << 32;
    // A multiplicative mix, so that settings differing in one bit land in
    // different sets.
    return std::hash<std::string_view>{}(query) ^ (bits * 0x9E3779B97F4A7C15ull);
}

bool answer_cache::entry::holds(std::uint64_t h, const session_settings& s, std::string_view q) const noexcept {
    return text != nullptr && hash == h && settings == s && query() == q;
}

std::optional<kept_reply> answer_cache::find(const session_settings& settings, std::string_view query) noexcept {
    if (!keeps(query)) return std::nullopt;
    std::uint64_t h = hash_of(settings, query);
    set& s = sets_[h % sets_.size()];
    for (unsigned w = 0; w < 2; ++w) {
        const entry& e = s.way[w];
        if (e.holds(h, settings, query)) {
            s.older = 1 - w;
            return kept_reply{e.bytes(), e.found, e.shown, e.text};
        }
    }
    return std::nullopt;
}

void answer_cache::store(const session_settings& settings, std::string_view query,
                         std::span<const std::string_view> body, std::size_t found, std::size_t shown) {
    if (!keeps(query)) return;
    std::size_t size = 0;
    for (std::string_view piece : body) size += piece.size();
    if (size > max_answer) return;
    std::uint64_t h = hash_of(settings, query);
    set& s = sets_[h % sets_.size()];
    // A key already kept is replaced where it is, never kept twice
    // (run_query() stores only after a miss; this is for any other caller).
    unsigned w = s.older;
    for (unsigned i = 0; i < 2; ++i)
        if (s.way[i].holds(h, settings, query)) w = i;
    entry& e = s.way[w];
    s.older = 1 - w;
    e.hash = h;
    e.settings = settings;
    e.found = found;
    e.shown = shown;
    e.query_size = query.size();
    // A fresh string: a step may still be writing the one it replaces.
    auto text = std::make_shared<std::string>();
    text->reserve(query.size() + size);
    text->assign(query);
    for (std::string_view piece : body) *text += piece;
    e.text = std::move(text);
}

std::size_t answer_cache::size() const noexcept {
    std::size_t n = 0;
    for (const set& s : sets_)
        for (const entry& e : s.way) n += e.text != nullptr ? 1 : 0;
    return n;
}

}  // namespace mojifinder::protocol
