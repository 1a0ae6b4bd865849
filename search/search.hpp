#pragma once
// The search layer between the index and every wire format: it parses a
// query line into a query (or an error that says what is wrong), runs it
// against the index, and streams the answer in order. It knows nothing of
// sockets or of the line protocol: session_core renders its answers as text
// lines or JSON Lines, and the HTTP front end will render them as JSON.
//
// Flow: engine::run() parses the line into terms, plans them (rarest term
// first) and leaves the answer in the caller's scratch; the caller then reads
// found() and hints(), and pulls the answer in runs with next(), in as many
// steps as it likes (a /limit answer stops part-way and /more resumes it).
#include "index.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace mojifinder::search {

enum class mode : std::uint8_t {
    full,     // the query language of docs/PROTOCOL.md
    classic,  // v1 exactly: words of names only, no aliases, hints or identification
};

// One piece of an answer, in answer order.
struct run {
    // Named characters: the entries [first, last), consecutive, so their
    // answer lines are index::lines(first, last) in one view.
    index::entry_id first = 0;
    index::entry_id last = 0;
    // Or, when first == last, one code point identified from pasted text
    // (it may have no entry: unassigned, private use, a control).
    char32_t code_point = 0;
    bool identified() const noexcept { return first == last; }
};

// What JSON output says of a character; see describe().
struct character_info {
    char32_t code_point = 0;
    std::string_view name;   // the Unicode name, or its label: "<unassigned-0378>"
    std::string_view block;  // ICU's long block name: "Emoticons"
    std::string_view gc;     // short general category: "So"
    std::string_view age;    // "6.1"; "" when unassigned
    std::span<const std::string_view> aliases;  // formal aliases (NameAliases.txt), upper-case
    bool control = false;    // never written raw: its character field is U+FFFD
};

class engine;

// Per-session working memory. Reused from query to query, so that a warm
// session allocates nothing per query; its size is bounded whatever the
// answer (huge answers stream, they are not materialized).
class scratch {
public:
    scratch();
    ~scratch();
    scratch(const scratch&) = delete;
    scratch& operator=(const scratch&) = delete;

    // After engine::run(): non-empty when the line was not a valid query;
    // one line of text, without "error: " and without CR LF.
    std::string_view error() const noexcept;
    // How many lines the whole answer has (identified code points + entries).
    std::size_t found() const noexcept;
    // Did-you-mean words (lower-case), closest first, at most 3; only when
    // found() == 0 because a word is in no name.
    std::span<const std::string_view> hints() const noexcept;
    // The next run of the answer; false when the answer is over.
    bool next(run& r);

private:
    friend class engine;
    struct state;
    std::unique_ptr<state> state_;
};

class engine {
public:
    explicit engine(const index& idx) noexcept : index_(idx) {}

    // `query` is a trimmed, valid UTF-8, non-blank line. Parses and runs it;
    // the answer (or error) is left in `s`, replacing the last one. Views
    // returned by `s` live until the next run() with the same scratch.
    void run(std::string_view query, mode m, scratch& s) const;

    const index& data() const noexcept { return index_; }

private:
    const index& index_;
};

// Everything JSON output needs about one code point. Views point into the
// index or into ICU's static data; `line` receives nothing.
character_info describe(const index& idx, char32_t cp);

// Appends the text line for an identified code point, as PROTOCOL.md
// defines it: "U+0378\t\uFFFD\t<unassigned-0378>\r\n" (a control's character
// field is U+FFFD, never the raw byte).
void append_identified_line(std::string& out, const index& idx, char32_t cp);

}  // namespace mojifinder::search
