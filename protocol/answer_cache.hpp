#pragma once
// Recent small answers of the line protocol, kept whole so that a query
// asked again (the same words with the same settings: a popular search, a
// script in a loop) is answered by one copy instead of a search and its
// formatting.
//
// Flow: session_core::run_query() asks find() before it searches; when the
// reply it then makes leaves in that one step (not an error) and is small,
// it store()s the reply's bytes (its lines and the status line, without the
// prompt) with the counts: found, and shown when /limit cut the answer (a
// /more after a kept reply searches again, session_core::search_again()).
// The server keeps one cache per event loop, shared by that loop's line
// sessions, so nothing is locked. The data
// file is read-only, so an answer never goes stale: the key is the query's
// bytes and every setting that shapes the answer (session_settings).
// Two-way set associative: a key has one set of two entries; a store
// replaces the one of the two used less recently.
#include "session_core.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mojifinder::protocol {

// A kept reply, as answer_cache::find() hands it out.
struct kept_reply {
    std::string_view bytes;  // valid while `owner` is held
    std::size_t found;
    std::size_t shown;       // < found when /limit cut the answer
    // Keeps `bytes` alive while a step still writes them, even after a
    // store() has replaced the entry: no copy per session.
    std::shared_ptr<const std::string> owner;
};

class answer_cache {
public:
    // Answers of at most this many bytes are kept: the small answers that
    // dominate (`cat face` 606 bytes, `chess black` 1,854, `arrow left`
    // 2,751), so that a full cache of the default size holds at most ~1 MiB.
    static constexpr std::size_t max_answer = 4096;
    // Queries longer than this are not kept (pasted text, long phrases:
    // rarely asked twice).
    static constexpr std::size_t max_query = 128;

    // Room for `entries` answers (rounded up to even); 0 keeps nothing.
    explicit answer_cache(std::size_t entries);

    std::optional<kept_reply> find(const session_settings& settings, std::string_view query) noexcept;

    // `body`: the reply's pieces, as a step hands them out. Not kept when
    // the cache is off or the query or the reply is too long.
    void store(const session_settings& settings, std::string_view query, std::span<const std::string_view> body,
               std::size_t found, std::size_t shown);

    // Whether store() may keep an answer to `query`: asked before the
    // search, so that an answer that cannot be kept is not gathered.
    bool keeps(std::string_view query) const noexcept { return !sets_.empty() && query.size() <= max_query; }

    std::size_t capacity() const noexcept { return sets_.size() * 2; }
    // Entries holding an answer.
    std::size_t size() const noexcept;

private:
    struct entry {
        std::uint64_t hash = 0;
        session_settings settings;
        std::size_t found = 0;
        std::size_t shown = 0;
        std::size_t query_size = 0;
        std::shared_ptr<const std::string> text;  // the query, then the answer; null: unused
        std::string_view query() const noexcept { return std::string_view(*text).substr(0, query_size); }
        std::string_view bytes() const noexcept { return std::string_view(*text).substr(query_size); }
        bool holds(std::uint64_t h, const session_settings& s, std::string_view q) const noexcept;
    };
    struct set {
        entry way[2];
        unsigned older = 0;  // the way store() replaces next
    };
    static std::uint64_t hash_of(const session_settings& settings, std::string_view query) noexcept;
    std::vector<set> sets_;
};

}  // namespace mojifinder::protocol
