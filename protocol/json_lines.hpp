#pragma once
// JSON mode's lines (docs/PROTOCOL.md, "JSON mode"), written here and only
// here, with json_writer (Boost.JSON's escaping): one object per answer line,
// then exactly one final object per client line ({"found":N,"shown":M
// [,"hint":[...]]}, {"error":...} or {"ok":...}). Each line ends with CR LF
// like every server line; the *_object functions write the object alone,
// for HTTP bodies (http_api.cpp), which hold the same objects.
#include "index.hpp"
#include "search.hpp"

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace mojifinder::protocol::json_lines {

// The keys, for the writer here and the reader (answer_reader.cpp).
namespace key {
inline constexpr std::string_view cp = "cp", character = "char", name = "name", block = "block", gc = "gc",
                                  age = "age", aliases = "aliases", short_name = "short", keywords = "keywords",
                                  match = "match", term = "term", field = "field";
inline constexpr std::string_view found = "found", shown = "shown", hint = "hint";
inline constexpr std::string_view error = "error", ok = "ok", text = "text";
}  // namespace key

// {"cp":"U+1F600","char":"😀","name":"GRINNING FACE","block":"Emoticons",
//  "gc":"So","age":"6.1","aliases":[],"short":"grinning face",
//  "keywords":["face","grin","grinning face"]}: an entry of the index, its
// short name ("" when it has none) and keywords in `language`. `cp` and
// `char` are its answer line's first two fields, so a sequence's are
// "U+1F469 U+200D U+1F692" and the whole sequence; its block, gc and age
// are its first code point's, and it has no aliases.
// With `matches` (search::scratch::why()), the object ends with
// "match":[{"term":"cat","field":"name","text":"CAT FACE"},...]: one per
// positive word or prefix of the query, field as search::field_label().
using matches = std::optional<std::span<const search::match>>;
void append_entry(std::string& out, const index& idx, index::language_id language, index::entry_id e,
                  matches why = std::nullopt);
void append_entry_object(std::string& out, const index& idx, index::language_id language, index::entry_id e,
                         matches why = std::nullopt);

// The same object for a code point without an entry (identified pasted
// text: unassigned, a control, private use): its label for a name, U+FFFD
// for the `char` of one never written raw, "short":"" and "keywords":[].
// With `why`: "match":[] (identified text matched no term).
void append_character(std::string& out, const index& idx, char32_t cp, bool why = false);
void append_character_object(std::string& out, const index& idx, char32_t cp, bool why = false);

// {"found":N,"shown":M} with "hint":[...] when there are hints.
void append_status(std::string& out, std::size_t found, std::size_t shown,
                   std::span<const std::string_view> hints);

// {"error":"..."}
void append_error(std::string& out, std::string_view message);
void append_error_object(std::string& out, std::string_view message);

// {"ok":"..."}; with `text` lines, {"ok":"...","text":[...]} (/help).
void append_ok(std::string& out, std::string_view message, std::span<const std::string_view> text = {});

}  // namespace mojifinder::protocol::json_lines
