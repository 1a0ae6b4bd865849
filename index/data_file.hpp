#pragma once
// The data file's layout, shared by its writer (datagen/) and its reader
// (index::open()): a header, then named arrays, each aligned to 8 bytes, then
// a directory of them sorted by name. A reader asks for an array by name and
// element type; a later source (informal aliases, Unihan) adds arrays under
// names of its own without moving the others, and a reader that does not
// know them never reads them. Integers are the machine's own (the file is
// made on the machine, or the architecture, that serves it).
#include <bit>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mojifinder::data_file {

inline constexpr char magic[8] = {'M', 'O', 'J', 'I', 'D', 'A', 'T', 'A'};
// Bumped whenever an array's meaning or element type changes.
// 4: NamesList.txt's informal aliases ("informal/...") and Unihan's
// definitions and readings ("unihan/...").
// 5: each word table's, and the names', lead unions ("<table>/lead_start",
// "<table>/lead_postings").
inline constexpr std::uint32_t format_version = 5;
inline constexpr std::size_t alignment = 8;

struct header {
    char magic[8];
    std::uint32_t format_version;
    std::uint32_t array_count;
    std::uint64_t directory_offset;  // array_count array_records, sorted by name
    std::uint64_t file_size;         // the whole file: a shorter one was cut off
    char icu_version[16];            // U_ICU_VERSION of the generator: "72.1"
    char unicode_version[16];        // "15.0"
    char cldr_version[16];           // "41"
};

struct array_record {
    char name[48];  // NUL-padded
    std::uint64_t offset;
    std::uint64_t bytes;
};

inline std::string_view name_of(const array_record& r) noexcept {
    std::string_view padded(r.name, sizeof r.name);
    return padded.substr(0, padded.find('\0'));
}

// One language (CLDR locale), in "languages/records", sorted by tag; its
// strings are in "languages/text"; its arrays are "lang/<tag>/...".
struct language_record {
    std::uint32_t tag_offset, tag_size;
    std::uint32_t name_offset, name_size;  // its name in itself
    std::uint32_t tone_separator_offset, tone_separator_size;
    std::uint32_t tone_list_separator_offset, tone_list_separator_size;
    std::uint16_t parent;       // its record's index, or 0xFFFF
    std::uint8_t folds_accents;  // 1: keyword words are made without accents
    std::uint8_t unused = 0;
};

// What index::open() throws; what() is the whole message an operator sees.
struct data_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// A per-language array's name: "lang/de_CH/postings".
inline std::string language_array(std::string_view tag, std::string_view what) {
    std::string name = "lang/";
    name.append(tag).append("/").append(what);
    return name;
}

// Unihan_Readings.txt's fields that the file keeps, in this order (the
// definition, then index::reading's order): "unihan/kMandarin/words" is the
// word table of kMandarin's keys.
inline constexpr std::string_view unihan_fields[] = {"kDefinition", "kMandarin",   "kCantonese", "kJapaneseKun",
                                                     "kJapaneseOn", "kKorean", "kVietnamese"};

// A word table's arrays (index::word_table): "<table>/words" (text, back to
// back), "<table>/word_start", "<table>/posting_start", "<table>/postings",
// and "<table>/slots" (open addressing by slot_of(): word index + 1, 0 free).
inline std::string word_table_array(std::string_view table, std::string_view what) {
    std::string name(table);
    name.append("/").append(what);
    return name;
}

// A table's lead unions (index::lead_unions): for each first byte b, the
// entries of all its words that start with b, ascending and distinct, at
// "<table>/lead_postings"[lead_start[b], lead_start[b + 1]); lead_start has
// lead_count + 1 offsets. A one-character prefix (p*) reads one list instead
// of every word's (the names have 1,080 words that start with P).
inline constexpr std::size_t lead_count = 256;

// The names' word table: words grouped by their first two characters, each
// character one of 37 codes (0: none or another; 1..10 digits; 11..36 A-Z).
inline constexpr std::size_t start_codes = 37;
constexpr std::size_t start_code(char c) noexcept {
    return c >= '0' && c <= '9' ? static_cast<std::size_t>(c - '0') + 1
         : c >= 'A' && c <= 'Z' ? static_cast<std::size_t>(c - 'A') + 11 : 0;
}
constexpr std::size_t start_group(std::string_view word) noexcept {
    return start_code(word.empty() ? '\0' : word[0]) * start_codes + start_code(word.size() < 2 ? '\0' : word[1]);
}

// The word table's home slot of a word: FNV-1a over the bytes, then
// Fibonacci hashing, so the slot comes from the product's high bits, which
// every input byte reaches (FNV's own low bits cluster badly on the many hex
// words like 4E00, 4E01, ...). `table_size` is a power of two.
inline std::size_t slot_of(std::string_view word, std::size_t table_size) noexcept {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : word) h = (h ^ c) * 0x100000001b3ull;
    return static_cast<std::size_t>((h * 0x9E3779B97F4A7C15ull) >> (64 - std::countr_zero(table_size)));
}

// Which source an array carries, for the account of what the file is made
// of (mojifinder-probe data-sizes): "names" (Unicode's names, aliases and
// sequences, the names' index: names/, other/, sequences/), "cldr" (CLDR's
// keywords and short names: lang/, keywords/, languages/), "nameslist"
// (informal/), "unihan" (unihan/), "ranking" (rank/, and every table's lead
// unions, which serve prefixes in relevance order).
inline std::string_view source_of(std::string_view array_name) noexcept {
    if (array_name.starts_with("rank/") || array_name.find("/lead_") != std::string_view::npos) return "ranking";
    if (array_name.starts_with("informal/")) return "nameslist";
    if (array_name.starts_with("unihan/")) return "unihan";
    if (array_name.starts_with("lang/") || array_name.starts_with("keywords/") || array_name.starts_with("languages/"))
        return "cldr";
    return "names";
}

}  // namespace mojifinder::data_file
