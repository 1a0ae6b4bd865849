// Flow: run() parses the line into terms (full mode: the query language of
// search.hpp; classic: split_words(), v1's words), prepares each term (its
// posting lists: names', other names', informal aliases', the session
// language's keywords', definitions', and the readings' it looks up; its
// entry range, its property value), decides whether the query names a skin
// tone (if not, toned sequences are left out; if so, words and prefixes get
// a list of the toned sequences of their entries), and estimates how many
// entries each term can give. The positive term with the lowest estimate is
// the generator: the rarest term drives, and every other term is a
// membership test on its candidates, ascending (posting lists gallop from a
// cursor, prefixes and phrases read the candidate's name, phrases its
// keywords, properties ask ICU).
//
// Where the answer goes, so that a session's memory is bounded whatever the
// answer: a single word's list is answered straight from the index; a
// generator of at most small_answer_limit entries fills the scratch's small
// vector (a word or range generator leapfrogs with the other words and
// ranges, each galloping to the other's next entry, as index::search does; a
// prefix's lists are gathered and sorted); anything bigger (large prefix
// unions, properties, long lists) is a bitmap over all entries (149,186 bits,
// 18.6 KB), filled by the generator (properties from ICU's code point ranges,
// not entry by entry) and then thinned by the other terms in place. next()
// walks whichever it is in runs of consecutive entries, after the identified
// code points of pasted text.
//
// Relevance order (options::sort): after the answer is made as above,
// rank_batch() walks it once and keeps the best options::top entries' keys
// (how each matched: rank_key()) in a bounded heap, or all of them without a
// top; next() gives them one entry a run, and ranks the next top when they
// run out. why() reads an entry's matches again when asked (/why, JSON).
//
// Nothing here allocates once a scratch has seen a query of the same size and
// shape: every buffer is kept and only cleared. Errors are the exception:
// their messages (and the closest-name search behind them) are built fresh.
#include "search.hpp"

#include "gallop.hpp"
#include "words.hpp"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/ucasemap.h>
#include <unicode/uchar.h>
#include <unicode/ucpmap.h>
#include <unicode/uscript.h>
#include <unicode/uset.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <string>
#include <vector>

namespace mojifinder::search {
namespace {

using entry_id = index::entry_id;

// A generator of at most this many entries collects the answer in a vector
// (16 KB, about the bitmap's 18.6 KB: the scratch's bound is the same either
// way). "arrow" (~1,000 entries), "smil*" (25) and every block but a few of
// CJK's stay below it; the bitmap's fixed costs (clearing and scanning the
// words between the first and last entry: ~4 us for smil*, whose entries
// span U+2323..U+1F9xx) then do not apply.
constexpr std::size_t small_answer_limit = 4096;
// A prefix's union of more entries than this is made distinct through a
// bitmap (query_run::pool_union()) rather than sorted: past ~4,000 the
// sort's n log n costs more than clearing and scanning the span's bits.
constexpr std::size_t sort_union_limit = 256;
// Those bitmaps are kept for fill() to OR into the answer's, not set bit by
// bit again from the union (to*: its names' union, 38 against 42 us in
// relevance order), while they take at most this many bitmaps of every
// entry in all (18.6 KB each): the scratch's bound.
constexpr std::size_t kept_union_bitmaps = 4;

// Did-you-mean: words this long or longer may be two edits away, shorter
// ones one; longer query words than this get no hints (no name word is).
constexpr std::size_t two_edits_from = 5;
constexpr std::size_t longest_hinted_word = 40;
constexpr std::size_t hint_count = 3;

enum class term_kind : std::uint8_t { word, prefix, entries, property, phrase };
enum class property_kind : std::uint8_t { script, gc, age, emoji };

// A word's (and a prefix's) entries come from these lists: the names'
// words, the other names' (formal aliases and sequence names), the informal
// aliases' (NamesList.txt), the keywords' and short names' in the session's
// language, Unihan's definitions' words, and the skin-tone sequences a
// keyword reaches through their base or tone (only when the query names a
// tone); after them, one list per Unihan reading field (index::reading's
// order) for a term that looks readings up. An entry has the word when any
// list has it.
enum list_kind : std::size_t {
    names_list, aliases_list, informal_list, keywords_list, definitions_list, toned_list, list_kinds
};
// Reading field r's list is list_kinds + r.
constexpr std::size_t all_lists = list_kinds + reading_count;
constexpr std::uint8_t all_readings = (1u << reading_count) - 1;

// The scopes of readings (names as loose() makes them).
struct reading_scope {
    std::string_view name;
    reading field;
};
constexpr reading_scope reading_scopes[] = {
    {"pinyin", reading::mandarin},    {"mandarin", reading::mandarin},   {"cantonese", reading::cantonese},
    {"jyutping", reading::cantonese}, {"kun", reading::japanese_kun},    {"japanesekun", reading::japanese_kun},
    {"on", reading::japanese_on},     {"japaneseon", reading::japanese_on}, {"korean", reading::korean},
    {"vietnamese", reading::vietnamese},
};

// Relevance order: the field a match in each list is in, one table, so that
// a new list kind is added here once (ranking reads every list this table
// has: list_field.size()). Toned sequences (reached through a base's or a
// tone's word) rank as keywords. A sequence's name is in the aliases' list:
// why() names it "name" (it ranks the same).
constexpr std::array<field, all_lists> list_field = {
    field::name,       field::alias,     field::informal,     field::keyword,     field::definition,
    field::keyword,    field::mandarin,  field::cantonese,    field::japanese_kun, field::japanese_on,
    field::korean,     field::vietnamese,
};

// A field's rank, strongest 0: formal aliases rank as names, the readings
// all alike.
constexpr unsigned field_rank(field f) noexcept {
    switch (f) {
    case field::name:
    case field::alias: return 0;
    case field::informal: return 1;
    case field::keyword: return 2;
    case field::definition: return 3;
    default: return 4;
    }
}

// An entry's relevance key, smallest first: its level (0: its whole name or
// short name is the query's words; else 1 + 2 x the rank of the weakest
// field a term matched in, + 1 when that term is a prefix), its extra words
// (beyond the query's: of its name at the name level, of its short name at
// the keyword level), its entry. Unique, so ties go by entry order.
constexpr std::uint64_t rank_key(unsigned level, std::size_t extra, entry_id e) noexcept {
    return std::uint64_t{level} << 40 | std::uint64_t{std::min<std::size_t>(extra, 255)} << 32 | e;
}

struct term {
    term_kind kind = term_kind::word;
    bool excluded = false;
    property_kind property = property_kind::script;
    // word and prefix: upper-case; phrase: its words, one space between.
    std::string_view text;
    // The same as keyword words (keyword_words(), so lower-case): word and
    // prefix: one word, or empty when it has none; phrase: its words, one
    // space between.
    std::string_view folded;
    // As the query wrote it ("Cat", "smil*"), for why(); empty when the
    // term came out of a phrase or other-script words (why() then says
    // `folded`).
    std::string_view written;
    // Readings: the fields (bit r: index::reading r) whose keys of `text`
    // (index::reading_keys()) it looks up; reading_only: nothing else (a
    // scoped term, pinyin:shui; a bare term with a tone mark, shuǐ).
    std::uint8_t readings = 0;
    bool reading_only = false;
    std::array<std::span<const entry_id>, all_lists> lists;
    std::array<const entry_id*, all_lists> at{};  // cursors of contains() and seek(), ascending
    // lists[keywords_list] (a prefix's union) and lists[toned_list] when they
    // are in the scratch's pool: [from, to) there, made into spans once the
    // pool stops growing.
    std::array<std::uint32_t, all_lists> pool_from{}, pool_to{};
    std::array<bool, all_lists> pooled{};
    entry_id first = 0, last = 0;  // entries: [first, last)
    std::uint32_t value = 0;       // script code, gc mask, age major << 8 | minor, emoji 0/1
    std::size_t estimate = 0;      // at most this many entries
    bool verified = false;         // every candidate has it already: not tested again
    // The kinds of its non-empty lists, ascending (settle()): seek() and
    // contains() walk those, not all twelve (cat face: seek() was 38 % of
    // the query with the empty ones walked too).
    std::array<std::uint8_t, all_lists> used{};
    std::size_t used_count = 0;
    std::size_t only_list = list_field.size();  // relevance order: its one non-empty list, if it has one
    // A prefix: the entries whose algorithmic name's hex word starts with it.
    index::self_named_runs hex_runs;
};

// The set bits of the words [from, to). Debian builds for the x86-64
// baseline, which has no POPCNT instruction: std::popcount is then a call
// to libgcc's __popcountdi2 per word, 9 % of Rank/top20/p* (perf). A copy
// built for CPUs that have it is called when this one does, asked once.
// (Not target_clones: its resolver runs while the program is relocated,
// before ThreadSanitizer's runtime is up, and crashed the TSan build.)
[[gnu::always_inline]] inline std::size_t count_bits_of(const std::uint64_t* from, const std::uint64_t* to) noexcept {
    std::size_t count = 0;
    for (; from != to; ++from) count += static_cast<std::size_t>(std::popcount(*from));
    return count;
}
#if defined(__x86_64__) && !defined(__POPCNT__)
[[gnu::target("popcnt")]] std::size_t count_bits_popcnt(const std::uint64_t* from, const std::uint64_t* to) noexcept {
    return count_bits_of(from, to);
}
std::size_t count_bits(const std::uint64_t* from, const std::uint64_t* to) noexcept {
    static const bool has_popcnt = __builtin_cpu_supports("popcnt");
    return has_popcnt ? count_bits_popcnt(from, to) : count_bits_of(from, to);
}
#else
std::size_t count_bits(const std::uint64_t* from, const std::uint64_t* to) noexcept { return count_bits_of(from, to); }
#endif

// Membership in an ascending list for ascending entries: a galloping cursor.
struct list_cursor {
    const entry_id* at;
    const entry_id* end;
    explicit list_cursor(std::span<const entry_id> list) noexcept : at(list.data()), end(list.data() + list.size()) {}
    bool has(entry_id e) noexcept {
        at = gallop(at, end, e);
        return at != end && *at == e;
    }
};

bool is_separator(char32_t c) noexcept { return c == '-' || is_white_space(c); }

// The next code point of `text` at `i` (advanced); U+FFFD for a byte that is
// not UTF-8, though run()'s callers pass valid UTF-8.
char32_t next_code_point(std::string_view text, std::size_t& i) noexcept {
    UChar32 c;
    auto at = static_cast<int32_t>(i);
    U8_NEXT(text.data(), at, static_cast<int32_t>(text.size()), c);
    i = static_cast<std::size_t>(at);
    return c < 0 ? 0xFFFD : static_cast<char32_t>(c);
}

bool is_name_char(char c) noexcept { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// The next word of an index name, alias or sequence name from `rest` (which
// moves past it), or "" when none is left. Names' words are their runs of
// A-Z and 0-9: a character's name has only those, ' ' and '-'; a sequence's
// ("WOMAN FIREFIGHTER: DARK SKIN TONE") has punctuation too, and, as the
// data file's words of it, a space-separated piece with a letter beyond
// ASCII ("CURAÇAO") has no words (the keywords have it, folded).
std::string_view next_name_word(std::string_view& rest) noexcept {
    std::size_t i = 0;
    auto skip_piece = [&] {
        while (i < rest.size() && rest[i] != ' ') ++i;
    };
    for (;;) {
        while (i < rest.size() && !is_name_char(rest[i])) {
            if (static_cast<unsigned char>(rest[i]) >= 0x80)
                skip_piece();
            else
                ++i;
        }
        std::size_t start = i;
        while (i < rest.size() && is_name_char(rest[i])) ++i;
        if (start == i) {
            rest = {};
            return {};
        }
        if (i < rest.size() && static_cast<unsigned char>(rest[i]) >= 0x80) {
            skip_piece();  // CURA of CURAÇAO is no word
            continue;
        }
        std::string_view word = rest.substr(start, i - start);
        rest.remove_prefix(i);
        return word;
    }
}

// Calls f(word) for each word of an index name or alias; true as soon as f does.
template <class F>
bool any_name_word(std::string_view name, F&& f) {
    for (std::string_view w; !(w = next_name_word(name)).empty();)
        if (f(w)) return true;
    return false;
}

// Do the words `next(rest)` cuts from `text` have the words of `phrase`
// (one space between them) next to each other, in that order?
template <class Next>
bool has_words_in_order(std::string_view text, std::string_view phrase, Next&& next) {
    for (std::string_view from = text; !from.empty();) {
        std::string_view rest = from, words = phrase;
        std::string_view first = next(from);
        if (first.empty()) break;
        rest = from;
        for (std::string_view w = first;;) {
            std::size_t word_end = std::min(words.find(' '), words.size());
            if (w != words.substr(0, word_end)) break;
            if (word_end == words.size()) return true;
            words.remove_prefix(word_end + 1);
            w = next(rest);
            if (w.empty()) break;
        }
    }
    return false;
}

// Does `name` have the words of `phrase` (upper-case, one space between
// them) next to each other, in that order?
bool has_phrase(std::string_view name, std::string_view phrase) {
    return has_words_in_order(name, phrase, next_name_word);
}

// The next word of text made of words with one space between them.
std::string_view next_spaced_word(std::string_view& rest) noexcept {
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    std::size_t end = std::min(rest.find(' '), rest.size());
    std::string_view word = rest.substr(0, end);
    rest.remove_prefix(end);
    return word;
}

bool is_ascii(std::string_view text) noexcept {
    return std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// Optimal string alignment distance (a swap of neighbours is one edit), or
// limit + 1 once it must exceed `limit`.
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit) {
    constexpr std::size_t most = 64;
    if (a.size() >= most || b.size() >= most) return limit + 1;
    // Three rows that take turns (no copies: the rows of a 1 ms budget).
    std::uint8_t rows[3][most];
    std::uint8_t *before = rows[0], *previous = rows[1], *current = rows[2];
    for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = static_cast<std::uint8_t>(j);
    for (std::size_t i = 1; i <= a.size(); ++i) {
        current[0] = static_cast<std::uint8_t>(i);
        std::size_t row_best = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            unsigned cost = a[i - 1] == b[j - 1] ? 0 : 1;
            unsigned d = std::min({previous[j] + 1u, current[j - 1] + 1u, previous[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d = std::min(d, before[j - 2] + 1u);
            current[j] = static_cast<std::uint8_t>(d);
            row_best = std::min<std::size_t>(row_best, d);
        }
        if (row_best > limit) return limit + 1;
        std::uint8_t* spare = before;
        before = previous;
        previous = current;
        current = spare;
    }
    return previous[b.size()];
}

// For property names and values: lower-case, without ' ', '-' and '_', as
// ICU compares its aliases.
std::string loose(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == ' ' || c == '-' || c == '_') continue;
        out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return out;
}

// Error messages, appended piece by piece (GCC 12 warns, wrongly, on
// chains of std::string operator+).
std::string concat(std::initializer_list<std::string_view> parts) {
    std::string out;
    for (auto p : parts) out.append(p);
    return out;
}

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

// Edits a hint may be away from the word it stands for: two for words of
// two_edits_from letters or more, one for shorter ones.
std::size_t hint_edits(std::size_t size) noexcept { return size >= two_edits_from ? 2 : 1; }

// The (up to) three candidates closest to `wanted`, closest first (ties in
// the candidates' order), as "did you mean: a, b, c": those within
// hint_edits() of it, or, when none is, the three closest all the same.
std::string closest(std::string_view wanted, const std::vector<std::string>& candidates) {
    std::string key = loose(wanted);
    std::vector<std::pair<std::size_t, std::string_view>> scored;
    for (const auto& c : candidates)
        if (std::none_of(scored.begin(), scored.end(), [&](const auto& s) { return s.second == c; }))
            scored.emplace_back(edit_distance(key, loose(c), 1000), c);
    std::stable_sort(scored.begin(), scored.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::size_t shown = std::min<std::size_t>(3, scored.size());
    auto near = std::find_if(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(shown),
                             [&](const auto& s) { return s.first > hint_edits(key.size()); });
    if (near != scored.begin()) shown = static_cast<std::size_t>(near - scored.begin());
    std::string out = "did you mean: ";
    for (std::size_t i = 0; i < shown; ++i) {
        if (i > 0) out.append(", ");
        out.append(scored[i].second);
    }
    return out;
}

// Every name ICU gives the values of a property, lower-case.
std::vector<std::string> value_names(UProperty property, std::span<const std::int32_t> values) {
    std::vector<std::string> names;
    for (std::int32_t v : values)
        for (int choice = 0; choice < 4; ++choice)
            if (const char* n = u_getPropertyValueName(property, v, static_cast<UPropertyNameChoice>(choice)))
                names.push_back(lower(n));
    return names;
}

// The Unicode versions that added characters, up to ICU 72's Unicode 15.0:
// the values age: accepts (search_test checks each against u_charAge).
constexpr std::string_view ages[] = {"1.1", "2.0", "2.1", "3.0", "3.1", "3.2", "4.0", "4.1", "5.0",
                                     "5.1", "5.2", "6.0", "6.1", "6.2", "6.3", "7.0", "8.0", "9.0",
                                     "10.0", "11.0", "12.0", "12.1", "13.0", "14.0", "15.0"};

std::uint32_t age_value(std::string_view age) {
    std::uint32_t major = 0, minor = 0;
    std::size_t dot = age.find('.');
    for (char c : age.substr(0, dot)) major = major * 10 + static_cast<std::uint32_t>(c - '0');
    if (dot != std::string_view::npos)
        for (char c : age.substr(dot + 1)) minor = minor * 10 + static_cast<std::uint32_t>(c - '0');
    return major << 8 | minor;
}

std::uint32_t age_of(char32_t cp) {
    UVersionInfo v;
    u_charAge(static_cast<UChar32>(cp), v);
    return std::uint32_t{v[0]} << 8 | v[1];
}

// Each block's code point range, from ICU's block map once per process: a
// block is one contiguous range.
const std::vector<std::pair<char32_t, char32_t>>& block_ranges() {
    static const std::vector<std::pair<char32_t, char32_t>> ranges = [] {
        std::vector<std::pair<char32_t, char32_t>> r(
            static_cast<std::size_t>(u_getIntPropertyMaxValue(UCHAR_BLOCK)) + 1, {1, 0});
        UErrorCode status = U_ZERO_ERROR;
        const UCPMap* map = u_getIntPropertyMap(UCHAR_BLOCK, &status);
        if (U_FAILURE(status)) return r;
        UChar32 start = 0;
        std::uint32_t value = 0;
        for (UChar32 end; (end = ucpmap_getRange(map, start, UCPMAP_RANGE_NORMAL, 0, nullptr, nullptr, &value)) >= 0;
             start = end + 1) {
            if (value == 0 || value >= r.size()) continue;  // No_Block
            auto& range = r[value];
            if (range.first > range.second) range.first = static_cast<char32_t>(start);
            range.second = static_cast<char32_t>(end);
        }
        return r;
    }();
    return ranges;
}

bool property_has(const term& t, char32_t cp) {
    switch (t.property) {
    case property_kind::script:
        return static_cast<std::uint32_t>(u_getIntPropertyValue(static_cast<UChar32>(cp), UCHAR_SCRIPT)) == t.value;
    case property_kind::gc: return (U_MASK(u_charType(static_cast<UChar32>(cp))) & t.value) != 0;
    case property_kind::age: return age_of(cp) == t.value;
    case property_kind::emoji:
        return static_cast<std::uint32_t>(u_hasBinaryProperty(static_cast<UChar32>(cp), UCHAR_EMOJI)) == t.value;
    }
    return false;
}

bool is_hex(char c) noexcept { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

bool istarts_with(std::string_view text, std::string_view prefix) noexcept {
    if (text.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        char c = text[i];
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        if (c != prefix[i]) return false;
    }
    return true;
}

// The code point label of a code point without a name, as Unicode's section
// 4.8 spells them ("<control-0085>", "<private-use-E000>",
// "<surrogate-D800>", "<noncharacter-FFFF>"), except that an unassigned one is
// "<unassigned-0378>" as ICU says (Unicode: "reserved"). ICU's own labels
// ("<private use area-E000>", "<lead surrogate-D800>") are not used.
std::size_t write_label(char* out, char32_t cp) noexcept {
    static constexpr char digits[] = "0123456789ABCDEF";
    auto c = static_cast<UChar32>(cp);
    auto type = u_charType(c);
    std::string_view kind = type == U_CONTROL_CHAR ? "control"
                          : type == U_PRIVATE_USE_CHAR ? "private-use"
                          : type == U_SURROGATE ? "surrogate"
                          : u_hasBinaryProperty(c, UCHAR_NONCHARACTER_CODE_POINT) ? "noncharacter"
                                                                                  : "unassigned";
    std::size_t n = 0;
    out[n++] = '<';
    std::memcpy(out + n, kind.data(), kind.size());
    n += kind.size();
    out[n++] = '-';
    int hex = cp > 0xFFFFF ? 6 : cp > 0xFFFF ? 5 : 4;
    for (int shift = 4 * (hex - 1); shift >= 0; shift -= 4) out[n++] = digits[(cp >> shift) & 0xF];
    out[n++] = '>';
    return n;
}

void append_hex(std::string& out, char32_t cp) {
    static constexpr char digits[] = "0123456789ABCDEF";
    int n = cp > 0xFFFFF ? 6 : cp > 0xFFFF ? 5 : 4;
    out += "U+";
    for (int shift = 4 * (n - 1); shift >= 0; shift -= 4) out += digits[(cp >> shift) & 0xF];
}

// What a scratch holds; scratch::state is this (query_run reaches it here).
struct query_state {
    std::string error;
    std::string query;  // the query line, copied: terms' `written` views point into it
    std::string text;  // the terms' upper-case text: reserved, so views into it hold
    std::vector<term> terms;
    // Pasted text's lines, in text order: a code point (entry == no_entry),
    // or the sequence entry of a whole grapheme cluster.
    struct pasted {
        char32_t code_point = 0;
        entry_id entry = index::no_entry;
    };
    std::vector<pasted> identified;
    bool with_aliases = false;
    // /readings on: bare words look Unihan's readings up too.
    bool bare_readings = false;
    std::string toned_key, toneless_key;  // index::reading_keys()' output
    std::string name_words;               // upper_name_words()' output, for phrases
    // The session's language (keywords, short names); no_language in classic mode.
    index::language_id language = index::no_language;
    bool folds_accents = false;
    // Skin-tone sequences are left out of the answer: the query names no tone.
    bool hide_toned = false;
    // Lists made for this query (prefixes' keyword unions, tone expansions).
    std::vector<entry_id> pool;
    // Per toned sequence (parallel to index::toned_sequences()): its base
    // entry and its (at most two distinct) tones' entries, no_entry where
    // none. Made on the first query that names a tone, then kept.
    struct toned_parts {
        entry_id base = index::no_entry;
        std::array<entry_id, 2> tones{index::no_entry, index::no_entry};
        std::uint32_t base_at = 0;  // its base's place in toned_bases
    };
    std::vector<toned_parts> toned_table;
    // The toned table's distinct bases, ascending, so that a term's lists
    // are asked about them with cursors; and, per query, which a term has.
    std::vector<entry_id> toned_bases;
    std::vector<std::uint8_t> toned_base_has;
    const index* toned_table_of = nullptr;
    // The five modifiers' entries (no_entry where none), looked up once per
    // index: entry_of() reads hex from answer lines, ~0.1 us each.
    std::array<entry_id, 5> tone_entries{};
    const index* tone_entries_of = nullptr;
    // keyword_words()' own scratch, and a short name's text, for phrases.
    std::string keyword_text;
    std::vector<std::string_view> keyword_list;
    std::string short_name;
    std::string_view unknown_word;  // the first positive word in no name nor alias

    // The answer's entries: a span (into the index or `small`), or the bitmap.
    bool in_bitmap = false;
    std::span<const entry_id> entries;
    std::vector<entry_id> small;
    std::vector<list_cursor> cursors;  // collect_small()'s excluded lists; intersect_words()' names
    // intersect_words(): each term's other lists joined, and cursors over them.
    std::vector<entry_id> others;
    std::vector<std::size_t> others_start;
    std::vector<entry_id> others_joined, others_merged, others_shown;  // the joins' buffers
    std::vector<list_cursor> joined_cursors;
    std::vector<std::uint64_t> bits;
    std::vector<std::span<const entry_id>> union_lists;  // pool_union()'s
    // pool_union()'s bitmaps, back to back, and the kept ones: the pooled
    // list that starts at pool[pool_from] is the bits of union_bits[at,
    // at + words), bit 0 being entry 64 x base.
    std::vector<std::uint64_t> union_bits;
    struct kept_union {
        std::uint32_t pool_from, at, base, words;
    };
    std::vector<kept_union> kept_unions;
    std::size_t bits_first = 0, bits_last = 0;  // words of `bits` that may be non-zero
    std::size_t entry_count = 0;

    // Where next() is.
    std::size_t identified_at = 0;
    std::size_t entry_at = 0;  // index into `entries`, or bit number

    std::string hint_text;
    std::array<std::string_view, hint_count> hints;
    std::size_t hint_size = 0;

    // Relevance order: the answer's entries as rank keys (rank_key()), the
    // best `top` (or all) of those not given yet, best first; next() gives
    // them one by one and ranks the next `top` when they run out.
    const index* answered_by = nullptr;  // the index of the last run()
    order sort = order::code;
    std::size_t top = 0;
    std::vector<std::uint64_t> ranked;
    std::size_t ranked_at = 0;
    std::size_t ranked_given = 0;  // keys ranked so far, all batches
    std::uint64_t ranked_last = 0; // the last key ranked
    std::vector<term*> rank_terms;  // the positive words and prefixes
    std::size_t rank_words = 0;     // how many
    bool rank_only_words = true;    // every positive term is a word: a whole name can equal them
    // why()'s answer and the text it copied (keywords are read into a buffer).
    std::vector<match> matches;
    std::string why_text;

    std::vector<std::string_view> words;  // classic mode's split
    search_scratch intersection;          // for a query of plain name words
    UCaseMap* case_map = nullptr;
    std::unique_ptr<icu::BreakIterator> graphemes;
    UText utext = UTEXT_INITIALIZER;

    query_state() = default;
    query_state(const query_state&) = delete;
    query_state& operator=(const query_state&) = delete;
    ~query_state() {
        if (case_map) ucasemap_close(case_map);
        utext_close(&utext);
    }
};

}  // namespace

struct scratch::state : query_state {};

// Nothing is reserved up front: a session that only ever asks one word keeps
// its scratch at a few hundred bytes. The buffers grow with the queries (the
// small vector to at most 16 KB, the bitmap 18.6 KB on the first big answer,
// prefixes' union bitmaps to at most five of those, the break iterator on
// the first pasted text) and then stay.
scratch::scratch() : state_(std::make_unique<state>()) {}
scratch::~scratch() = default;

std::string_view scratch::error() const noexcept { return state_->error; }
std::size_t scratch::found() const noexcept { return state_->identified.size() + state_->entry_count; }
std::span<const std::string_view> scratch::hints() const noexcept {
    return {state_->hints.data(), state_->hint_size};
}

namespace {

// Read even after the pool below is destroyed (at thread exit), which is why
// it is trivially destructible: a lease released then frees its scratch.
thread_local bool scratch_pool_gone = false;

struct scratch_pool {
    std::vector<std::unique_ptr<scratch>> free;
    ~scratch_pool() { scratch_pool_gone = true; }
};
thread_local scratch_pool scratches;

}  // namespace

scratch& scratch_lease::get() {
    if (!held_) {
        if (!scratch_pool_gone && !scratches.free.empty()) {
            held_ = std::move(scratches.free.back());
            scratches.free.pop_back();
        } else {
            held_ = std::make_unique<scratch>();
        }
    }
    return *held_;
}

void scratch_lease::release() noexcept {
    if (!held_) return;
    if (scratch_pool_gone || scratches.free.size() >= pooled_scratches) {
        held_.reset();
        return;
    }
    try {
        if (scratches.free.capacity() < pooled_scratches) scratches.free.reserve(pooled_scratches);
        scratches.free.push_back(std::move(held_));
    } catch (...) {
        held_.reset();
    }
}

namespace {
void rank_next_batch(query_state& st);
std::span<const match> explain(query_state& st, entry_id e);
}  // namespace

bool scratch::next(run& r) {
    auto& st = *state_;
    if (st.identified_at < st.identified.size()) {
        auto p = st.identified[st.identified_at++];
        r = p.entry == index::no_entry ? run{0, 0, p.code_point} : run{p.entry, p.entry + 1, 0};
        return true;
    }
    if (st.sort == order::relevance) {
        if (st.ranked_at == st.ranked.size()) {
            if (st.ranked_given >= st.entry_count) return false;
            rank_next_batch(st);
            if (st.ranked.empty()) return false;
        }
        auto e = static_cast<entry_id>(st.ranked[st.ranked_at++]);  // rank_key()'s low 32 bits
        r = run{e, e + 1, 0};
        return true;
    }
    if (!st.in_bitmap) {
        if (st.entry_at >= st.entries.size()) return false;
        std::size_t end = st.entry_at + 1;
        while (end < st.entries.size() && st.entries[end] == st.entries[end - 1] + 1) ++end;
        r = run{st.entries[st.entry_at], st.entries[end - 1] + 1, 0};
        st.entry_at = end;
        return true;
    }
    // The next run of set bits from entry_at.
    std::size_t w = st.entry_at / 64;
    if (w >= st.bits_last) return false;
    std::uint64_t word = st.bits[w] & (~std::uint64_t{0} << (st.entry_at % 64));
    while (word == 0) {
        if (++w >= st.bits_last) {
            st.entry_at = st.bits_last * 64;
            return false;
        }
        word = st.bits[w];
    }
    std::size_t first = w * 64 + static_cast<std::size_t>(std::countr_zero(word));
    // Where it ends: the first clear bit after `first`.
    std::uint64_t clear = ~st.bits[w] & (~std::uint64_t{0} << (first % 64));
    while (clear == 0 && ++w < st.bits_last) clear = ~st.bits[w];
    std::size_t last = w < st.bits_last ? w * 64 + static_cast<std::size_t>(std::countr_zero(clear)) : st.bits_last * 64;
    r = run{static_cast<entry_id>(first), static_cast<entry_id>(last), 0};
    st.entry_at = last;
    return true;
}

namespace {

// The parser and evaluator, over one scratch's state for one run().
class query_run {
public:
    query_run(const index& idx, query_state& st) : idx_(idx), st_(st) {}

    void parse_full(std::string_view q);
    void parse_classic(std::string_view q);
    void evaluate();
    void find_hints();

private:
    bool fail(std::string message) {
        if (st_.error.empty()) st_.error = std::move(message);
        return false;
    }
    std::string_view upper(std::string_view text);
    std::string_view keep(std::string_view text);
    std::string_view lower_ascii(std::string_view text);
    std::string_view fold(std::string_view piece);
    void parse_phrase(std::string_view body, bool excluded);
    void parse_token(std::string_view token);
    void parse_code_points(std::string_view body, bool excluded);
    void parse_property(std::string_view name, std::string_view value, bool excluded);
    void add_word_or_prefix(std::string_view part, std::string_view original, bool excluded);
    bool search_pasted(std::string_view body, bool excluded);
    bool in_vocabulary(std::string_view folded, std::string_view upper_word) const;
    void identify(std::string_view text);
    void add_cluster(std::string_view cluster);

    void prepare(term& t);
    void settle(term& t);
    void name_tones();
    void expand_toned(term& t);
    void make_toned_table();
    bool matches(const term& t, entry_id e);
    bool contains(term& t, entry_id e);
    bool prefix_in_names(const term& t, entry_id e) const;
    bool in_hex_runs(const term& t, entry_id e) const;
    bool keyword_phrase(const term& t, entry_id e);
    // Calls f with each list of entries a prefix covers: the words of names
    // that start with it, the hex words of algorithmic names, and (full mode)
    // the words of other names, its keyword words' union and its skin-tone
    // sequences. The lists may overlap.
    template <class F>
    void for_each_prefix_list(const term& t, F&& f) const {
        f(t.lists[names_list]);
        for (auto run : t.hex_runs.runs) f(run);
        if (!st_.with_aliases) return;
        f(t.lists[aliases_list]);
        f(t.lists[informal_list]);
        f(t.lists[keywords_list]);
        f(t.lists[definitions_list]);
        f(t.lists[toned_list]);
    }
    // The union of the lists that for_each_list(f) gives f(word, list) (a
    // prefix's words'), made once into the pool as t's list k: as a filter
    // it is then one galloping cursor, not one per word.
    template <class ForEachList>
    void pool_union(term& t, std::size_t k, ForEachList&& for_each_list) {
        auto& pool = st_.pool;
        std::size_t from = pool.size();
        auto& lists = st_.union_lists;
        lists.clear();
        std::size_t total = 0;
        entry_id low = index::no_entry, high = 0;
        for_each_list([&](std::string_view, std::span<const entry_id> list) {
            if (list.empty()) return;
            lists.push_back(list);
            total += list.size();
            low = std::min(low, list.front());
            high = std::max(high, list.back());
        });
        if (total <= sort_union_limit) {
            for (auto list : lists) pool.insert(pool.end(), list.begin(), list.end());
            auto first = pool.begin() + static_cast<std::ptrdiff_t>(from);
            std::sort(first, pool.end());
            pool.erase(std::unique(first, pool.end()), pool.end());
        } else {
            // Many entries (p* gathers ~20,000 from the definitions' words)
            // are made distinct through a bitmap over their span, not sorted
            // (Rank/top20/a* p50 450 -> 90 us). The bitmap is kept, while
            // the kept ones fit in kept_union_words, for fill() to OR in.
            std::size_t base = low / 64, words = high / 64 + 1 - base;
            auto& kept = st_.union_bits;
            std::size_t at = kept.size();
            bool keep = at + words <= kept_union_bitmaps * ((idx_.size() + 63) / 64);
            kept.resize(at + words);
            std::uint64_t* bits = kept.data() + at;
            std::fill(bits, bits + words, std::uint64_t{0});
            for (auto list : lists)
                for (entry_id e : list) bits[e / 64 - base] |= std::uint64_t{1} << (e % 64);
            pool.resize(from + total);  // at most; what is left over is cut below
            entry_id* out = pool.data() + from;
            for (std::size_t w = 0; w < words; ++w)
                for (std::uint64_t left = bits[w]; left != 0; left &= left - 1)
                    *out++ = static_cast<entry_id>((base + w) * 64 + static_cast<std::size_t>(std::countr_zero(left)));
            pool.resize(static_cast<std::size_t>(out - pool.data()));
            if (keep)
                st_.kept_unions.push_back({static_cast<std::uint32_t>(from), static_cast<std::uint32_t>(at),
                                           static_cast<std::uint32_t>(base), static_cast<std::uint32_t>(words)});
            else
                kept.resize(at);
        }
        t.pooled[k] = true;
        t.pool_from[k] = static_cast<std::uint32_t>(from);
        t.pool_to[k] = static_cast<std::uint32_t>(pool.size());
    }
    // Has a prefix's list k the entry? Its pooled union (before settle()
    // makes that a span), or the list it has from the index.
    bool in_prefix_list(const term& t, std::size_t k, entry_id e) const {
        auto list = list_of(t, k);
        return std::binary_search(list.begin(), list.end(), e);
    }
    // A term's list k, also before settle() (while the pool grows, a pooled
    // list's span is made anew each time).
    std::span<const entry_id> list_of(const term& t, std::size_t k) const {
        if (!t.pooled[k]) return t.lists[k];
        return {st_.pool.data() + t.pool_from[k], t.pool_to[k] - t.pool_from[k]};
    }
    // Has the informal alias or the definition of the entry's code point the
    // phrase's words, side by side, in order?
    bool informal_or_definition_phrase(const term& t, entry_id e);
    void parse_reading(reading r, std::string_view name, std::string_view value, bool excluded);
    bool add_bare_reading(std::string_view body, bool excluded);
    void intersect_words();
    entry_id seek(term& t, entry_id e);

public:
    void rank_batch();
    bool saturated(std::size_t want) const;
    std::span<const match> why(entry_id e);

private:
    struct term_match {
        bool found = false;
        field where = field::name;
    };
    term_match match_of(term& t, entry_id e, bool in_answer);
    std::uint64_t rank_key_of(entry_id e, std::uint64_t bound);
    bool append_short_name(entry_id e);
    bool name_is_query(entry_id e) const;
    bool short_name_is_query(std::size_t& words);
    std::string_view keyword_text(const term& t, entry_id e);
    void collect_small(std::size_t generator);
    bool accepted(std::size_t generator, entry_id e);
    void clear_bits();
    void set_bits(entry_id first, entry_id last);
    void set_bit(entry_id e) { st_.bits[e / 64] |= std::uint64_t{1} << (e % 64); }
    void fill(term& t);
    void note_bounds(entry_id first, entry_id last);

    const index& idx_;
    query_state& st_;
    entry_id fill_low_ = 0, fill_high_ = 0;  // entries the fill touched: [low, high)
};

// Every view into st_.text must hold until the query is over, so st_.text
// never grows past the capacity run() reserved: what would not fit is left
// out (an empty view), which run()'s reserve makes impossible in practice.
std::string_view query_run::upper(std::string_view text) {
    std::size_t at = st_.text.size();
    if (is_ascii(text)) {
        if (keep(text).size() != text.size()) return {};
        for (std::size_t i = at; i < st_.text.size(); ++i)
            if (st_.text[i] >= 'a' && st_.text[i] <= 'z') st_.text[i] = static_cast<char>(st_.text[i] - 'a' + 'A');
        return std::string_view(st_.text).substr(at);
    }
    UErrorCode status = U_ZERO_ERROR;
    if (!st_.case_map) st_.case_map = ucasemap_open("", 0, &status);
    // Full case mapping grows UTF-8 at most threefold (U+0390 -> 3 code points).
    std::size_t room = 3 * text.size() + 4;
    if (at + room > st_.text.capacity()) return {};
    st_.text.resize(at + room);
    status = U_ZERO_ERROR;
    int32_t n = ucasemap_utf8ToUpper(st_.case_map, st_.text.data() + at, static_cast<int32_t>(room), text.data(),
                                     static_cast<int32_t>(text.size()), &status);
    st_.text.resize(at + (U_SUCCESS(status) ? static_cast<std::size_t>(n) : 0));
    return std::string_view(st_.text).substr(at);
}

std::string_view query_run::keep(std::string_view text) {
    if (st_.text.size() + text.size() > st_.text.capacity()) return {};
    std::size_t at = st_.text.size();
    st_.text.append(text);
    return std::string_view(st_.text).substr(at);
}

std::string_view query_run::lower_ascii(std::string_view text) {
    std::size_t at = st_.text.size();
    if (keep(text).size() != text.size()) return {};
    for (std::size_t i = at; i < st_.text.size(); ++i)
        if (st_.text[i] >= 'A' && st_.text[i] <= 'Z') st_.text[i] = static_cast<char>(st_.text[i] - 'A' + 'a');
    return std::string_view(st_.text).substr(at);
}

// A piece of a word term (no '-', no '*') as a keyword word: "" when the
// session has no keywords or the piece is not exactly one keyword word.
// ASCII letters and digits are one word to ICU's word break (UAX #29 joins
// letters and digits, WB5, WB8-WB10) and fold to lower case whatever the
// language (accents aside, which ASCII has none of): lower-cased here
// without ICU, the same words (search_test checks it).
std::string_view query_run::fold(std::string_view piece) {
    if (st_.language == index::no_language || piece.empty()) return {};
    if (std::all_of(piece.begin(), piece.end(), [](char c) { return is_name_char(c) || (c >= 'a' && c <= 'z'); }))
        return lower_ascii(piece);
    keyword_words(piece, st_.folds_accents, st_.keyword_text, st_.keyword_list);
    if (st_.keyword_list.size() != 1) return {};
    return keep(st_.keyword_list[0]);
}

void query_run::parse_classic(std::string_view q) {
    split_words(q, st_.text, st_.words);
    for (std::string_view w : st_.words) st_.terms.push_back(term{.kind = term_kind::word, .text = w});
    // The full language's plain words: their keyword words too.
    if (st_.language != index::no_language)
        for (term& t : st_.terms) t.folded = lower_ascii(t.text);
}

void query_run::parse_full(std::string_view q) {
    std::size_t i = 0;
    while (i < q.size() && st_.error.empty()) {
        std::size_t start = i;
        char32_t c = next_code_point(q, i);
        if (is_white_space(c)) continue;
        bool excluded_phrase = c == '-' && i < q.size() && q[i] == '"';
        if (c == '"' || excluded_phrase) {
            std::size_t open = excluded_phrase ? i + 1 : i;
            std::size_t close = q.find('"', open);
            if (close == std::string_view::npos) {
                fail("unclosed '\"' in the query: close the phrase, e.g. \"black chess\"");
                return;
            }
            parse_phrase(q.substr(open, close - open), excluded_phrase);
            i = close + 1;
            continue;
        }
        std::size_t end = i;
        while (end < q.size()) {
            std::size_t after = end;
            char32_t d = next_code_point(q, after);
            if (d == '"' || is_white_space(d)) break;
            end = after;
        }
        parse_token(q.substr(start, end - start));
        i = end;
    }
}

void query_run::parse_phrase(std::string_view body, bool excluded) {
    std::string_view words = upper(body);
    // Rewritten in place: its words with one space between them.
    std::size_t at = static_cast<std::size_t>(words.data() - st_.text.data());
    std::size_t out = at, count = 0;
    std::size_t i = 0;
    bool in_word = false;
    bool name_like = true;  // every word A-Z and 0-9: words of names could have them
    while (i < words.size()) {
        std::size_t from = i;
        char32_t c = next_code_point(words, i);
        if (is_separator(c)) {
            in_word = false;
            continue;
        }
        if (!in_word && count++ > 0) st_.text[out++] = ' ';
        in_word = true;
        if (!is_name_char(static_cast<char>(c < 0x80 ? c : 0))) name_like = false;
        for (std::size_t k = from; k < i; ++k) st_.text[out++] = st_.text[at + k];
    }
    st_.text.resize(out);
    std::string_view phrase = std::string_view(st_.text).substr(at, out - at);
    if (count == 0) return;
    // Its keyword words, one space between them, and a word term per word.
    // Words of names: each word of the split above pairs with the one
    // keyword word it folds to. Other text (ICU splits "赤いハート" into two
    // keyword words): the keyword words are the words, each looked up in
    // names too, upper-cased.
    std::string_view folded;
    if (st_.language != index::no_language) {
        if (name_like) {
            folded = lower_ascii(phrase);
        } else {
            keyword_words(body, st_.folds_accents, st_.keyword_text, st_.keyword_list);
            std::size_t folded_at = st_.text.size();
            bool fits = true;
            for (std::size_t k = 0; k < st_.keyword_list.size() && fits; ++k)
                fits = (k == 0 || keep(" ").size() == 1) && keep(st_.keyword_list[k]).size() == st_.keyword_list[k].size();
            if (fits && !st_.keyword_list.empty()) {
                folded = std::string_view(st_.text).substr(folded_at);
                // Their upper-case forms stand for the words on the names' side.
                std::string_view upper_words = upper(folded);
                if (!upper_words.empty()) {
                    phrase = upper_words;
                    count = st_.keyword_list.size();
                }
            }
        }
    }
    if (count == 1 || !excluded) {
        // Each word is a term of its own too: they drive the search.
        std::string_view rest = phrase, rest_folded = folded;
        for (std::string_view w; !(w = next_spaced_word(rest)).empty();) {
            std::string_view f = next_spaced_word(rest_folded);
            st_.terms.push_back(term{.kind = term_kind::word, .excluded = excluded && count == 1, .text = w, .folded = f});
        }
    }
    if (count > 1)
        st_.terms.push_back(term{.kind = term_kind::phrase, .excluded = excluded, .text = phrase, .folded = folded});
}

void query_run::parse_token(std::string_view token) {
    if (token.find_first_not_of('-') == std::string_view::npos) return;  // a lone '-' separates
    bool excluded = token.front() == '-';
    std::string_view body = token.substr(token.find_first_not_of('-'));
    if (istarts_with(body, "U+") || istarts_with(body, "0X")) return parse_code_points(body, excluded);
    std::size_t colon = body.find(':');
    if (colon != std::string_view::npos && colon > 0 &&
        std::all_of(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(colon), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        }))
    {
        std::string name = loose(body.substr(0, colon));
        for (const auto& scope : reading_scopes)
            if (name == scope.name) return parse_reading(scope.field, body.substr(0, colon), body.substr(colon + 1), excluded);
        return parse_property(body.substr(0, colon), body.substr(colon + 1), excluded);
    }
    std::string_view up = upper(body);
    bool can_be_words = std::all_of(up.begin(), up.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '*' || c == '-';
    });
    if (!can_be_words) {
        st_.text.resize(st_.text.size() - up.size());
        if (add_bare_reading(body, excluded)) return;
        if (search_pasted(body, excluded)) return;
        if (excluded) {
            fail(concat({"cannot exclude '", body, "': it is pasted text, not a word; exclude words, e.g. arrow -left"}));
            return;
        }
        return identify(body);
    }
    // '-' inside separates: only the first part is excluded. The original
    // text's parts (for their keyword words) are cut at the same '-'s.
    bool first = true;
    std::string_view original = body;
    while (!up.empty() && st_.error.empty()) {
        std::size_t end = std::min(up.find('-'), up.size());
        std::size_t original_end = std::min(original.find('-'), original.size());
        if (end > 0) {
            add_word_or_prefix(up.substr(0, end), original.substr(0, original_end), excluded && first);
            first = false;
        }
        up.remove_prefix(std::min(end + 1, up.size()));
        original.remove_prefix(std::min(original_end + 1, original.size()));
    }
}

void query_run::add_word_or_prefix(std::string_view part, std::string_view original, bool excluded) {
    std::size_t star = part.find('*');
    if (star == std::string_view::npos) {
        st_.terms.push_back(term{.kind = term_kind::word, .excluded = excluded, .text = part, .folded = fold(original),
                                 .written = original});
        return;
    }
    std::string_view stem = part.substr(0, star);
    if (part.find_first_not_of('*', star) != std::string_view::npos) {
        fail("'*' goes only at the end of a word, e.g. smil*");
        return;
    }
    if (stem.empty()) {
        fail("a bare '*' matches everything; add letters before it: smil*");
        return;
    }
    std::string_view original_stem = original.substr(0, std::min(original.find('*'), original.size()));
    st_.terms.push_back(term{.kind = term_kind::prefix, .excluded = excluded, .text = stem, .folded = fold(original_stem),
                             .written = original.substr(0, std::min(original_stem.size() + 1, original.size()))});
}

// Whether `text` is one code point of gc Lo in the Han, Hiragana or
// Katakana script.
bool is_one_ideograph_or_kana(std::string_view text) noexcept {
    std::size_t i = 0;
    if (text.empty() || static_cast<unsigned char>(text[0]) < 0x80) return false;
    auto c = static_cast<UChar32>(next_code_point(text, i));
    if (i != text.size() || u_charType(c) != U_OTHER_LETTER) return false;
    UErrorCode status = U_ZERO_ERROR;
    UScriptCode script = uscript_getScript(c, &status);
    return U_SUCCESS(status) && (script == USCRIPT_HAN || script == USCRIPT_HIRAGANA || script == USCRIPT_KATAKANA);
}

// Is a keyword word (and its upper-case form) in the session's vocabulary:
// a keyword word of its language, or a word of names or other names?
bool query_run::in_vocabulary(std::string_view folded, std::string_view upper_word) const {
    if (idx_.has_keyword_word(st_.language, folded)) return true;
    return !upper_word.empty() && (!idx_.entries_with(upper_word).empty() || !idx_.alias_entries_with(upper_word).empty());
}

// A term of other characters than words have (pasted text, or words of
// another script): searched when ICU's word break finds words in it and
// every one is in the session's vocabulary ("猫" in Japanese); a single
// trailing '*' makes its one word a prefix of keyword words ("ネコ*").
// False (nothing added) when it is to be identified instead.
bool query_run::search_pasted(std::string_view body, bool excluded) {
    if (st_.language == index::no_language) return false;
    // Symbols (emoji, arrows) and other non-text (controls, private use,
    // unassigned) are what pasted text is for: a term with one is pasted
    // text whatever words it has beside them ("ネコ😀" is not ネコ). Not
    // format characters: ZWNJ and ZWJ are inside Persian and Sinhala words.
    for (std::size_t i = 0; i < body.size();) {
        char32_t c = next_code_point(body, i);
        if (c == '*' && i == body.size()) break;
        if ((U_MASK(u_charType(static_cast<UChar32>(c))) & (U_GC_S_MASK | (U_GC_C_MASK & ~U_GC_CF_MASK))) != 0) return false;
    }
    bool prefix = body.size() > 1 && body.back() == '*' && body.find('*') == body.size() - 1;
    std::string_view text = prefix ? body.substr(0, body.size() - 1) : body;
    if (is_one_ideograph_or_kana(text) && !st_.folds_accents) {
        // One ideograph or kana letter is one word of itself, which case
        // folding leaves alone (search_test checks every one): ICU's word
        // break is ~0.7 us of a Japanese or Chinese one-character query.
        st_.keyword_list.assign(1, text);
    } else {
        keyword_words(text, st_.folds_accents, st_.keyword_text, st_.keyword_list);
    }
    std::size_t count = st_.keyword_list.size();
    if (count == 0 || (prefix && count != 1)) return false;
    std::size_t mark = st_.text.size(), term_mark = st_.terms.size();
    auto undo = [&] {
        st_.text.resize(mark);
        st_.terms.resize(term_mark);
        return false;
    };
    // Copied out of keyword_words()' scratch, which the names' side reuses.
    std::size_t folded_at = st_.text.size();
    for (std::size_t k = 0; k < count; ++k)
        if ((k > 0 && keep(" ").size() != 1) || keep(st_.keyword_list[k]).size() != st_.keyword_list[k].size())
            return undo();
    std::string_view folded = std::string_view(st_.text).substr(folded_at);
    // The names' side: the words as the query wrote them (accents kept:
    // "é" is no word E in a language that folds accents), upper-cased.
    std::string_view unfolded = folded;
    if (st_.folds_accents) {
        keyword_words(text, false, st_.keyword_text, st_.keyword_list);
        std::size_t unfolded_at = st_.text.size();
        bool fits = st_.keyword_list.size() == count;
        for (std::size_t k = 0; k < st_.keyword_list.size() && fits; ++k)
            fits = (k == 0 || keep(" ").size() == 1) && keep(st_.keyword_list[k]).size() == st_.keyword_list[k].size();
        unfolded = fits ? std::string_view(st_.text).substr(unfolded_at) : std::string_view{};
    }
    // One accented letter that folds to another (é -> e, a keyword word of
    // e-mail) was pasted to be identified: the bare letter is typed as such.
    if (count == 1 && !prefix && unfolded != folded) {
        std::size_t letters = 0;
        for (std::size_t i = 0; i < unfolded.size();) {
            auto c = static_cast<UChar32>(next_code_point(unfolded, i));
            if ((U_MASK(u_charType(c)) & U_GC_M_MASK) == 0) ++letters;
        }
        if (letters <= 1) return undo();
    }
    std::string_view upper_words = unfolded.empty() ? std::string_view{} : upper(unfolded);
    // Except where a word folds to ASCII letters and digits ("corazón" in
    // Spanish): the names' side is then the folded word, upper-cased, as
    // the data file left the entries whose name has that word out of the
    // keyword's list (index::keyword_entries_with()).
    auto names_side = [&](std::string_view w, std::string_view u) { return is_folded_name_word(w) ? upper(w) : u; };
    if (prefix) {
        bool any = false;
        idx_.for_each_keyword_with_prefix(st_.language, folded, [&](std::string_view, auto) { any = true; });
        if (!any) return undo();
        st_.terms.push_back(term{.kind = term_kind::prefix, .excluded = excluded,
                                 .text = names_side(folded, upper_words.empty() ? folded : upper_words),
                                 .folded = folded});
        return true;
    }
    std::string_view rest = folded, rest_upper = upper_words;
    for (std::string_view w; !(w = next_spaced_word(rest)).empty();) {
        std::string_view u = next_spaced_word(rest_upper);
        if (!in_vocabulary(w, u)) return undo();
        // Excluded, several words are one phrase: the entries that have all
        // of them side by side, as the term had them.
        if (!excluded || count == 1)
            st_.terms.push_back(term{.kind = term_kind::word, .excluded = excluded, .text = names_side(w, u), .folded = w});
    }
    if (excluded && count > 1)
        st_.terms.push_back(term{.kind = term_kind::phrase, .excluded = true, .text = upper_words, .folded = folded});
    return true;
}

void query_run::parse_code_points(std::string_view body, bool excluded) {
    auto bad = [&] {
        fail(concat({"'", body, "' is not a code point: write U+ and hex digits, e.g. U+1F600 or U+2190..U+21FF"}));
    };
    // One code point, with its U+ or 0x (optional after '..'); false if none.
    auto read = [&](std::string_view text, bool prefix_optional, std::uint64_t& cp) {
        if (istarts_with(text, "U+") || istarts_with(text, "0X"))
            text.remove_prefix(2);
        else if (!prefix_optional)
            return false;
        if (text.empty() || text.size() > 8 || !std::all_of(text.begin(), text.end(), is_hex)) return false;
        cp = 0;
        for (char c : text) cp = cp * 16 + static_cast<std::uint64_t>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
        return true;
    };
    std::size_t dots = body.find("..");
    std::uint64_t lo = 0, hi = 0;
    if (!read(body.substr(0, dots), false, lo)) return bad();
    if (dots != std::string_view::npos && !read(body.substr(dots + 2), true, hi)) return bad();
    if (dots == std::string_view::npos) hi = lo;
    for (std::uint64_t cp : {lo, hi})
        if (cp > 0x10FFFF) {
            return (void)fail(concat({"'", body, "' is out of range: code points go from U+0000 to U+10FFFF"}));
        }
    if (hi < lo) {
        std::string fixed;
        append_hex(fixed, static_cast<char32_t>(hi));
        fixed += "..";
        append_hex(fixed, static_cast<char32_t>(lo));
        return (void)fail(concat({"reversed range '", body, "': write the lower code point first, ", fixed}));
    }
    auto cp = static_cast<char32_t>(lo);
    if (dots == std::string_view::npos) {
        // One code point is that character, not the sequences starting with it.
        entry_id e = idx_.entry_of(cp);
        if (e == index::no_entry && !excluded) {
            st_.identified.push_back({cp});  // no name: identified, with its label
            return;
        }
        st_.terms.push_back(term{.kind = term_kind::entries, .excluded = excluded,
                                 .first = e == index::no_entry ? 0 : e, .last = e == index::no_entry ? 0 : e + 1});
        return;
    }
    // A range: the entries of its code points, with the sequences that
    // start with one of them.
    st_.terms.push_back(term{.kind = term_kind::entries, .excluded = excluded,
                             .first = idx_.first_entry_from(cp),
                             .last = idx_.first_entry_from(static_cast<char32_t>(hi) + 1)});
}

void query_run::parse_property(std::string_view name, std::string_view value, bool excluded) {
    char name_z[64] = {}, value_z[128] = {};
    std::memcpy(name_z, name.data(), std::min(name.size(), sizeof name_z - 1));
    std::memcpy(value_z, value.data(), std::min(value.size(), sizeof value_z - 1));
    UProperty p = name.size() < sizeof name_z ? u_getPropertyEnum(name_z) : UCHAR_INVALID_CODE;
    if (p != UCHAR_BLOCK && p != UCHAR_SCRIPT && p != UCHAR_GENERAL_CATEGORY && p != UCHAR_GENERAL_CATEGORY_MASK &&
        p != UCHAR_AGE && p != UCHAR_EMOJI) {
        fail(concat({"unknown property '", name, "'; properties are block, script, gc, age, emoji; readings are ",
                     "pinyin, cantonese, kun, on, korean, vietnamese"}));
        return;
    }
    const char* what = p == UCHAR_BLOCK ? "block" : p == UCHAR_SCRIPT ? "script" : p == UCHAR_AGE ? "age"
                     : p == UCHAR_EMOJI ? "emoji" : "gc";
    if (value.empty()) {
        constexpr std::string_view examples[] = {"block:arrows", "script:greek", "age:15.0", "emoji:yes", "gc:Sm"};
        std::size_t k = p == UCHAR_BLOCK ? 0 : p == UCHAR_SCRIPT ? 1 : p == UCHAR_AGE ? 2 : p == UCHAR_EMOJI ? 3 : 4;
        fail(concat({what, ": needs a value, e.g. ", examples[k]}));
        return;
    }
    bool value_fits = value.size() < sizeof value_z;
    term t{.kind = term_kind::property, .excluded = excluded};
    auto unknown = [&](std::vector<std::string> candidates) {
        fail(concat({"unknown ", what, " '", value, "'; ", closest(value, candidates)}));
    };
    if (p == UCHAR_AGE) {
        bool digits = !value.empty() && value.find_first_not_of("0123456789.") == std::string_view::npos &&
                      std::count(value.begin(), value.end(), '.') <= 1 && value.size() <= 8;
        std::uint32_t v = digits ? age_value(value) : 0;
        if (!digits || std::none_of(std::begin(ages), std::end(ages), [&](auto a) { return age_value(a) == v; }))
            return unknown({std::begin(ages), std::end(ages)});
        t.property = property_kind::age;
        t.value = v;
    } else if (p == UCHAR_BLOCK) {
        std::int32_t v = value_fits ? u_getPropertyValueEnum(UCHAR_BLOCK, value_z) : UCHAR_INVALID_CODE;
        if (v == UCHAR_INVALID_CODE) {
            std::vector<std::int32_t> all;
            for (std::int32_t b = 1; b <= u_getIntPropertyMaxValue(UCHAR_BLOCK); ++b) all.push_back(b);
            return unknown(value_names(UCHAR_BLOCK, all));
        }
        const auto& ranges = block_ranges();
        auto range = static_cast<std::size_t>(v) < ranges.size() ? ranges[static_cast<std::size_t>(v)]
                                                                 : std::pair<char32_t, char32_t>{1, 0};
        t.kind = term_kind::entries;
        t.first = range.first > range.second ? 0 : idx_.first_entry_from(range.first);
        t.last = range.first > range.second ? 0 : idx_.first_entry_from(range.second + 1);
    } else if (p == UCHAR_SCRIPT) {
        std::int32_t v = value_fits ? u_getPropertyValueEnum(UCHAR_SCRIPT, value_z) : UCHAR_INVALID_CODE;
        if (v == UCHAR_INVALID_CODE) {
            std::vector<std::int32_t> all;
            for (std::int32_t s = 0; s <= u_getIntPropertyMaxValue(UCHAR_SCRIPT); ++s) all.push_back(s);
            return unknown(value_names(UCHAR_SCRIPT, all));
        }
        t.property = property_kind::script;
        t.value = static_cast<std::uint32_t>(v);
    } else if (p == UCHAR_EMOJI) {
        std::int32_t v = value_fits ? u_getPropertyValueEnum(UCHAR_EMOJI, value_z) : UCHAR_INVALID_CODE;
        if (v == UCHAR_INVALID_CODE) return unknown({"yes", "no"});
        t.property = property_kind::emoji;
        t.value = static_cast<std::uint32_t>(v);
    } else {
        std::int32_t v = value_fits ? u_getPropertyValueEnum(UCHAR_GENERAL_CATEGORY_MASK, value_z) : UCHAR_INVALID_CODE;
        if (v == UCHAR_INVALID_CODE || v == 0) {
            std::vector<std::int32_t> all;
            for (std::int32_t c = 0; c < U_CHAR_CATEGORY_COUNT; ++c) all.push_back(static_cast<std::int32_t>(U_MASK(c)));
            for (std::uint32_t m : {U_GC_L_MASK, U_GC_LC_MASK, U_GC_M_MASK, U_GC_N_MASK, U_GC_P_MASK, U_GC_S_MASK,
                                    U_GC_Z_MASK, U_GC_C_MASK})
                all.push_back(static_cast<std::int32_t>(m));
            return unknown(value_names(UCHAR_GENERAL_CATEGORY_MASK, all));
        }
        t.property = property_kind::gc;
        t.value = static_cast<std::uint32_t>(v);
    }
    st_.terms.push_back(t);
}

// A scoped reading: pinyin:shui, kun:mizu. One field's keys.
void query_run::parse_reading(reading r, std::string_view name, std::string_view value, bool excluded) {
    constexpr std::string_view examples[] = {"pinyin:shui", "cantonese:seoi2", "kun:mizu", "on:sui", "korean:swu",
                                             "vietnamese:thuy"};
    std::string_view example = examples[static_cast<std::size_t>(r)];
    if (value.empty()) {
        fail(concat({name, ": needs a reading, e.g. ", example}));
        return;
    }
    index::reading_keys(r, value, st_.toned_key, st_.toneless_key);
    if (st_.toneless_key.empty()) {
        fail(concat({"'", value, "' is not a ", name, " reading: write it in Latin letters, e.g. ", example}));
        return;
    }
    st_.terms.push_back(term{.kind = term_kind::word, .excluded = excluded, .text = keep(value),
                             .readings = static_cast<std::uint8_t>(1u << static_cast<unsigned>(r)), .reading_only = true});
}

// A bare term of Latin letters with tone marks that is a Mandarin reading
// (shuǐ; with /readings on, any field's: thuỷ): a reading term, not pasted
// text. One letter is not (é is pasted to be identified).
bool query_run::add_bare_reading(std::string_view body, bool excluded) {
    // Without an ASCII letter it is none (→←, 😀, 猫): ICU's normalization
    // is not asked for those.
    if (!st_.with_aliases || std::none_of(body.begin(), body.end(), [](char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }))
        return false;
    std::uint8_t fields = 0;
    for (std::size_t r = 0; r < reading_count; ++r) {
        if (r != static_cast<std::size_t>(reading::mandarin) && !st_.bare_readings) continue;
        index::reading_keys(static_cast<reading>(r), body, st_.toned_key, st_.toneless_key);
        if (st_.toned_key.empty() || st_.toneless_key.size() < 2) continue;
        if (!idx_.reading_words(static_cast<reading>(r)).entries_with(st_.toned_key).empty())
            fields |= static_cast<std::uint8_t>(1u << r);
    }
    if (fields == 0) return false;
    st_.terms.push_back(
        term{.kind = term_kind::word, .excluded = excluded, .text = keep(body), .readings = fields, .reading_only = true});
    return true;
}

// Pasted text: grapheme cluster by cluster, in text order, every code point,
// after the cluster's own sequence line when it is an emoji sequence.
void query_run::identify(std::string_view text) {
    UErrorCode status = U_ZERO_ERROR;
    if (!st_.graphemes)
        st_.graphemes.reset(icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), status));
    utext_openUTF8(&st_.utext, text.data(), static_cast<int64_t>(text.size()), &status);
    if (U_FAILURE(status) || !st_.graphemes) {
        for (std::size_t i = 0; i < text.size();) st_.identified.push_back({next_code_point(text, i)});
        return;
    }
    st_.graphemes->setText(&st_.utext, status);
    std::int32_t from = st_.graphemes->first();
    for (std::int32_t to = st_.graphemes->next(); to != icu::BreakIterator::DONE; from = to, to = st_.graphemes->next())
        add_cluster(text.substr(static_cast<std::size_t>(from), static_cast<std::size_t>(to - from)));
}

void query_run::add_cluster(std::string_view cluster) {
    std::array<char32_t, index::max_sequence> cps;
    std::size_t n = 0;
    bool fits = true;
    for (std::size_t i = 0; i < cluster.size();) {
        char32_t c = next_code_point(cluster, i);
        if (n < cps.size())
            cps[n++] = c;
        else
            fits = false;
    }
    if (fits && n >= 2 && !idx_.sequences().empty()) {
        entry_id e = idx_.entry_of(std::u32string_view(cps.data(), n));
        if (e == index::no_entry || !idx_.is_sequence(e)) {
            // The index has sequences fully-qualified: pasted text often
            // lacks a U+FE0F (or has one too many). Its fully-qualified form:
            // U+FE0F after each code point that is an emoji without emoji
            // presentation of its own, unless a tone or U+FE0F follows.
            // One more lookup, only for clusters of two code points or more.
            std::array<char32_t, index::max_sequence> q;
            std::size_t m = 0;
            bool ok = true;
            for (std::size_t k = 0; k < n && ok; ++k) {
                if (cps[k] == 0xFE0F) continue;
                if (m == q.size()) ok = false;
                else q[m++] = cps[k];
                auto c = static_cast<UChar32>(cps[k]);
                char32_t after = k + 1 < n ? cps[k + 1] : 0;
                if (u_hasBinaryProperty(c, UCHAR_EMOJI) && !u_hasBinaryProperty(c, UCHAR_EMOJI_PRESENTATION) &&
                    !index::is_skin_tone(after) && (k + 1 < n || m > 1)) {
                    if (m == q.size()) ok = false;
                    else q[m++] = 0xFE0F;
                }
            }
            std::u32string_view qualified(q.data(), m);
            e = ok && m >= 2 && qualified != std::u32string_view(cps.data(), n) ? idx_.entry_of(qualified)
                                                                                 : index::no_entry;
        }
        if (e != index::no_entry && idx_.is_sequence(e)) st_.identified.push_back({cps[0], e});
    }
    for (std::size_t i = 0; i < cluster.size();) st_.identified.push_back({next_code_point(cluster, i)});
}

void query_run::prepare(term& t) {
    t.lists = {};
    t.pooled = {};
    switch (t.kind) {
    case term_kind::word: {
        if (!t.reading_only) {
            t.lists[names_list] = idx_.entries_with(t.text);
            if (st_.with_aliases) {
                t.lists[aliases_list] = idx_.alias_entries_with(t.text);
                t.lists[informal_list] = idx_.informal_words().entries_with(t.text);
                t.lists[definitions_list] = idx_.definition_words().entries_with(t.text);
            }
            if (st_.language != index::no_language && !t.folded.empty())
                t.lists[keywords_list] = idx_.keyword_entries_with(st_.language, t.folded);
        }
        if (!st_.with_aliases) break;
        std::uint8_t fields = t.readings;
        if (!t.reading_only && st_.bare_readings) {
            fields = all_readings;
        } else if (!t.reading_only && std::all_of(t.lists.begin(), t.lists.end(), [](auto l) { return l.empty(); })) {
            // A bare word with a tone number that no English word has (shui3,
            // huo3, seoi2): a Mandarin or Cantonese reading.
            for (reading r : {reading::mandarin, reading::cantonese}) {
                index::reading_keys(r, t.text, st_.toned_key, st_.toneless_key);
                if (!st_.toned_key.empty()) fields |= static_cast<std::uint8_t>(1u << static_cast<unsigned>(r));
            }
        }
        for (std::size_t r = 0; r < reading_count; ++r) {
            if ((fields & (1u << r)) == 0) continue;
            index::reading_keys(static_cast<reading>(r), t.text, st_.toned_key, st_.toneless_key);
            // With a tone (shui3, shuǐ, thuỷ), that tone; without, any.
            std::string_view key = st_.toned_key.empty() ? st_.toneless_key : st_.toned_key;
            if (!key.empty()) t.lists[list_kinds + r] = idx_.reading_words(static_cast<reading>(r)).entries_with(key);
        }
        break;
    }
    case term_kind::prefix:
        // The names' words with the prefix, joined once: for one character,
        // the data file's union of them (p*: 1,080 words, 4,702 entries).
        // prefix_in_names() asks it, with the algorithmic names' hex words.
        if (t.text.size() == 1)
            t.lists[names_list] = idx_.entries_with_lead(t.text[0]);
        else
            pool_union(t, names_list, [&](auto&& f) {
                idx_.for_each_word_with_prefix(t.text, [&](index::word_id w) { f(idx_.word(w), idx_.entries_of(w)); });
            });
        t.hex_runs = idx_.self_named_with_prefix(t.text);
        if (st_.with_aliases) {
            // Other names' words with the prefix (formal aliases, sequences'
            // names), joined: prefix_in_names() asks this list, not the
            // entry's aliases or a sequence's name read word by word (emo*:
            // 1,785 toned sequences' names, 245 -> 58 us, measured alone).
            pool_union(t, aliases_list, [&](auto&& f) { idx_.for_each_alias_word_with_prefix(t.text, f); });
            // Informal aliases' and definitions' words with the prefix: for
            // one character, the data file's union of them (p*: 832
            // definition words, 5,879 entries to make distinct).
            if (t.text.size() == 1) {
                t.lists[informal_list] = idx_.informal_words().entries_with_lead(t.text[0]);
                t.lists[definitions_list] = idx_.definition_words().entries_with_lead(t.text[0]);
            } else {
                pool_union(t, informal_list, [&](auto&& f) { idx_.informal_words().for_each_with_prefix(t.text, f); });
                pool_union(t, definitions_list, [&](auto&& f) { idx_.definition_words().for_each_with_prefix(t.text, f); });
            }
        }
        if (st_.language != index::no_language && !t.folded.empty())  // its keyword words'
            pool_union(t, keywords_list, [&](auto&& f) { idx_.for_each_keyword_with_prefix(st_.language, t.folded, f); });
        break;
    case term_kind::entries: t.estimate = t.last > t.first ? t.last - t.first : 0; break;
    case term_kind::property: t.estimate = idx_.size(); break;
    case term_kind::phrase: t.estimate = std::numeric_limits<std::size_t>::max(); break;
    }
}

// The pool has stopped growing: its lists become spans, and words and
// prefixes get their estimates and cursors.
void query_run::settle(term& t) {
    for (std::size_t k = 0; k < all_lists; ++k)
        if (t.pooled[k])
            t.lists[k] = std::span<const entry_id>(st_.pool.data() + t.pool_from[k], t.pool_to[k] - t.pool_from[k]);
    if (t.kind == term_kind::word) {
        t.estimate = 0;
        for (auto list : t.lists) t.estimate += list.size();
    } else if (t.kind == term_kind::prefix) {
        std::size_t sum = 0;
        for_each_prefix_list(t, [&](std::span<const entry_id> list) { sum += list.size(); });
        t.estimate = sum;
    }
    for (std::size_t k = 0; k < all_lists; ++k) t.at[k] = t.lists[k].data();
    t.used_count = 0;
    for (std::size_t k = 0; k < all_lists; ++k)
        if (!t.lists[k].empty()) t.used[t.used_count++] = static_cast<std::uint8_t>(k);
}

// Skin tones: a query names one when a positive word, prefix or phrase
// matches one of the five modifiers themselves (in the session's language:
// "dark" matches U+1F3FF, "dark skin tone"). Then toned sequences stay in
// the answer, and a keyword word reaches them through their base or tones
// (CLDR derives their annotations, so the file lists none under keywords).
// Otherwise they are left out.
void query_run::name_tones() {
    st_.hide_toned = false;
    if (!st_.with_aliases || idx_.toned_sequences().empty()) return;
    if (st_.tone_entries_of != &idx_) {
        for (char32_t k = 0; k < 5; ++k) st_.tone_entries[k] = idx_.entry_of(char32_t{0x1F3FB} + k);
        st_.tone_entries_of = &idx_;
    }
    // The modifiers are five neighbouring characters (no sequence starts
    // with one): a word term's lists are each asked once for that run.
    entry_id lo = index::no_entry, hi = 0;
    for (entry_id e : st_.tone_entries)
        if (e != index::no_entry) lo = std::min(lo, e), hi = std::max(hi, e);
    bool named = false;
    for (const term& t : st_.terms) {
        if (t.excluded || t.kind != term_kind::word || lo > hi) continue;
        for (auto list : t.lists) {
            if (list.empty() || list.back() < lo || list.front() > hi) continue;
            auto it = std::lower_bound(list.begin(), list.end(), lo);
            if (it != list.end() && *it <= hi) named = true;
        }
    }
    for (std::size_t k = 0; k < st_.tone_entries.size() && !named; ++k) {
        entry_id e = st_.tone_entries[k];
        if (e == index::no_entry) continue;
        // Not phrases: a positive phrase's words are positive terms too, and
        // they match whatever the phrase does.
        for (term& t : st_.terms) {
            if (t.excluded || t.kind != term_kind::prefix) continue;
            if (matches(t, e)) {
                named = true;
                break;
            }
        }
    }
    if (!named) {
        st_.hide_toned = true;
        return;
    }
    if (st_.language == index::no_language) return;
    make_toned_table();
    // Bounded: at most this many terms' expansions (each at most one entry
    // per toned sequence) are made; further terms reach toned sequences
    // through their names only.
    constexpr std::size_t most_expanded = 8;
    std::size_t expanded = 0;
    for (term& t : st_.terms)
        if ((t.kind == term_kind::word || t.kind == term_kind::prefix) && expanded < most_expanded) {
            expand_toned(t);
            ++expanded;
        }
}

void query_run::make_toned_table() {
    if (st_.toned_table_of == &idx_) return;
    auto toned = idx_.toned_sequences();
    st_.toned_table.assign(toned.size(), {});
    for (std::size_t i = 0; i < toned.size(); ++i) {
        index::toned_parts parts = idx_.parts_of_toned(toned[i]);
        st_.toned_table[i].base = parts.base;
        for (std::size_t k = 0; k < parts.tone_count; ++k) st_.toned_table[i].tones[k] = parts.tones[k];
    }
    auto& bases = st_.toned_bases;
    bases.clear();
    for (const auto& parts : st_.toned_table)
        if (parts.base != index::no_entry) bases.push_back(parts.base);
    std::sort(bases.begin(), bases.end());
    bases.erase(std::unique(bases.begin(), bases.end()), bases.end());
    for (auto& parts : st_.toned_table)
        if (parts.base != index::no_entry)
            parts.base_at = static_cast<std::uint32_t>(std::lower_bound(bases.begin(), bases.end(), parts.base) - bases.begin());
    st_.toned_table_of = &idx_;
}

// The toned sequences whose base or one of whose tones has the term in its
// name, other names or keywords, ascending (toned_sequences() is), into the
// pool. (Names too: the data file leaves a keyword's entries whose name has
// the word out of its list, and FATHER CHRISTMAS is "Santa Claus" in
// emoji-test.txt.)
void query_run::expand_toned(term& t) {
    // Whether the term's names, other names or keywords (a prefix's: also
    // hex words) have each of `entries` (ascending), each list read with a
    // cursor: asked one by one, by binary searches, the ~400 bases were a
    // third of e* in relevance order (perf).
    auto ask = [&](std::span<const entry_id> entries, std::uint8_t* has) {
        list_cursor keywords(list_of(t, keywords_list)), names(list_of(t, names_list)), aliases(list_of(t, aliases_list));
        for (std::size_t i = 0; i < entries.size(); ++i) {
            entry_id e = entries[i];
            has[i] = e != index::no_entry && (keywords.has(e) || names.has(e) || aliases.has(e) ||
                                              (t.kind == term_kind::prefix && in_hex_runs(t, e)));
        }
    };
    auto& base_has = st_.toned_base_has;
    base_has.assign(st_.toned_bases.size(), 0);
    ask(st_.toned_bases, base_has.data());
    std::array<std::uint8_t, 5> tone_has{};  // the five modifiers' entries are neighbours, ascending
    ask(st_.tone_entries, tone_has.data());
    auto tone = [&](entry_id e) {
        for (std::size_t k = 0; k < tone_has.size(); ++k)
            if (st_.tone_entries[k] == e) return tone_has[k] != 0;
        return false;
    };
    std::size_t from = st_.pool.size();
    auto toned = idx_.toned_sequences();
    for (std::size_t i = 0; i < toned.size(); ++i) {
        const auto& parts = st_.toned_table[i];
        bool with_base = parts.base != index::no_entry && base_has[parts.base_at] != 0;
        if (with_base || tone(parts.tones[0]) || tone(parts.tones[1])) st_.pool.push_back(toned[i]);
    }
    t.pooled[toned_list] = true;
    t.pool_from[toned_list] = static_cast<std::uint32_t>(from);
    t.pool_to[toned_list] = static_cast<std::uint32_t>(st_.pool.size());
}

// Whether a prefix is the start of a word of the entry's name or (full
// mode, characters only: a sequence's name is its other name) aliases.
bool query_run::prefix_in_names(const term& t, entry_id e) const {
    // The joined lists of its names' and other names' words (a sequence's
    // name's words are other names'), and the algorithmic names' hex words:
    // binary searches, not the entry's names read word by word (e*: every
    // toned sequence's base asked; emo*: 1.36 ms -> 58 us with the rest).
    return in_prefix_list(t, names_list, e) || in_hex_runs(t, e) || (st_.with_aliases && in_prefix_list(t, aliases_list, e));
}

bool query_run::in_hex_runs(const term& t, entry_id e) const {
    for (auto run : t.hex_runs.runs)
        if (!run.empty() && e >= run.front() && e <= run.back() && std::binary_search(run.begin(), run.end(), e)) return true;
    return false;
}

// A phrase's keyword words side by side, in order, in one keyword or the
// short name of the entry in the session's language, each folded as the
// data file's were. Phrases are rare: the keywords are read and split here,
// in the scratch's buffers.
bool query_run::keyword_phrase(const term& t, entry_id e) {
    if (st_.language == index::no_language || t.folded.empty()) return false;
    bool found = false;
    auto check = [&](std::string_view text) {
        if (found) return;
        auto& words = st_.keyword_list;
        keyword_words(text, st_.folds_accents, st_.keyword_text, words);
        for (std::size_t i = 0; i < words.size() && !found; ++i) {
            std::string_view rest = t.folded, w;
            for (std::size_t k = i; !(w = next_spaced_word(rest)).empty() && k < words.size() && words[k] == w;) ++k;
            found = w.empty();  // every word of the phrase met, in order
        }
    };
    idx_.for_each_keyword(st_.language, e, check);
    if (!found) {
        st_.short_name.clear();
        if (append_short_name(e)) check(st_.short_name);
    }
    return found;
}

bool query_run::informal_or_definition_phrase(const term& t, entry_id e) {
    if (idx_.is_sequence(e)) return false;
    char32_t cp = idx_.code_point(e);
    auto check = [&](std::string_view text) {
        upper_name_words(text, st_.name_words);
        return has_phrase(st_.name_words, t.text);
    };
    for (std::string_view alias : idx_.informal_aliases_of(cp))
        if (check(alias)) return true;
    std::string_view definition = idx_.definition_of(cp);
    return !definition.empty() && check(definition);
}

// Whether the term has the entry, without cursors (any order of entries).
bool query_run::matches(const term& t, entry_id e) {
    auto in = [&](std::span<const entry_id> list) { return std::binary_search(list.begin(), list.end(), e); };
    switch (t.kind) {
    case term_kind::word: return std::any_of(t.lists.begin(), t.lists.end(), in);
    case term_kind::prefix:
        return prefix_in_names(t, e) || in_prefix_list(t, keywords_list, e) || in_prefix_list(t, informal_list, e) ||
               in_prefix_list(t, definitions_list, e);
    case term_kind::entries: return e >= t.first && e < t.last;
    case term_kind::property: return property_has(t, idx_.code_point(e));
    case term_kind::phrase: {
        if (has_phrase(idx_.name(e), t.text)) return true;
        if (st_.with_aliases && !idx_.is_sequence(e))
            for (auto a : idx_.aliases_of(idx_.code_point(e)))
                if (has_phrase(a, t.text)) return true;
        return keyword_phrase(t, e) || (st_.with_aliases && informal_or_definition_phrase(t, e));
    }
    }
    return false;
}

// Whether the term has the entry; entries come ascending, so lists are
// read with galloping cursors.
bool query_run::contains(term& t, entry_id e) {
    auto at = [&](std::size_t k) {
        const entry_id* end = t.lists[k].data() + t.lists[k].size();
        t.at[k] = gallop(t.at[k], end, e);
        return t.at[k] != end && *t.at[k] == e;
    };
    switch (t.kind) {
    case term_kind::word:
        for (std::size_t i = 0; i < t.used_count; ++i)
            if (at(t.used[i])) return true;
        return false;
    case term_kind::prefix:
        return at(keywords_list) || at(informal_list) || at(definitions_list) || at(toned_list) || prefix_in_names(t, e);
    default: return matches(t, e);
    }
}

bool query_run::accepted(std::size_t generator, entry_id e) {
    for (std::size_t k = 0; k < st_.terms.size(); ++k) {
        term& t = st_.terms[k];
        if (k == generator || t.verified) continue;
        if (contains(t, e) == t.excluded) return false;
    }
    return true;
}

// The first entry from `e` on that a word or entries term has; no_entry if none.
entry_id query_run::seek(term& t, entry_id e) {
    if (t.kind == term_kind::entries) return e < t.first ? t.first : e < t.last ? e : index::no_entry;
    entry_id best = index::no_entry;
    for (std::size_t i = 0; i < t.used_count; ++i) {
        std::size_t k = t.used[i];
        const entry_id* end = t.lists[k].data() + t.lists[k].size();
        t.at[k] = gallop(t.at[k], end, e);
        if (t.at[k] != end) best = std::min(best, *t.at[k]);
    }
    return best;
}

// A small answer into st_.small. A word or entries generator leapfrogs with
// the other positive words and entry ranges (each jumps to the other's next
// entry, so runs only one of them has are crossed by galloping, as
// index::search does); a prefix generator's lists are gathered and sorted.
// What is left (exclusions, prefixes, phrases, properties) is tested per
// candidate.
void query_run::collect_small(std::size_t generator) {
    auto& out = st_.small;
    out.clear();
    term& g = st_.terms[generator];
    g.verified = true;
    if (g.kind == term_kind::prefix) {
        auto add = [&](std::span<const entry_id> list) { out.insert(out.end(), list.begin(), list.end()); };
        for_each_prefix_list(g, add);
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
        list_cursor toned(st_.hide_toned ? idx_.toned_sequences() : std::span<const entry_id>{});
        out.erase(std::remove_if(out.begin(), out.end(), [&](entry_id e) { return toned.has(e) || !accepted(generator, e); }),
                  out.end());
        return;
    }
    // The other drivers, rarest first.
    std::size_t drivers[8];
    std::size_t driver_count = 0;
    for (std::size_t k = 0; k < st_.terms.size() && driver_count < std::size(drivers); ++k) {
        term& t = st_.terms[k];
        if (k == generator || t.excluded || (t.kind != term_kind::word && t.kind != term_kind::entries)) continue;
        std::size_t at = driver_count++;
        for (; at > 0 && st_.terms[drivers[at - 1]].estimate > t.estimate; --at) drivers[at] = drivers[at - 1];
        drivers[at] = k;
        t.verified = true;
    }
    if (driver_count == 0 && g.kind == term_kind::word) {
        // A word alone: the union of its lists, merged.
        auto& merged = st_.intersection.spare;  // only intersect_words() uses it otherwise
        for (auto list : g.lists) {
            if (list.empty()) continue;
            merged.resize(out.size() + list.size());
            merged.erase(std::set_union(out.begin(), out.end(), list.begin(), list.end(), merged.begin()), merged.end());
            out.swap(merged);
        }
    } else {
        entry_id e = seek(g, 0);
        while (e != index::no_entry) {
            bool agreed = true;
            for (std::size_t d = 0; d < driver_count && agreed; ++d) {
                entry_id next = seek(st_.terms[drivers[d]], e);
                if (next != e) {
                    agreed = false;
                    e = next == index::no_entry ? next : seek(g, next);
                }
            }
            if (!agreed) continue;
            out.push_back(e);
            e = e + 1 < idx_.size() ? seek(g, e + 1) : index::no_entry;
        }
    }
    // Then the filters, in one pass over the ascending candidates: hidden
    // toned sequences and excluded words' lists by galloping cursors (asked
    // per candidate and term, through accepted(), excluded words made
    // arrow -left -right twice as slow), the rest by accepted().
    list_cursor toned(st_.hide_toned ? idx_.toned_sequences() : std::span<const entry_id>{});
    auto& cursors = st_.cursors;
    cursors.clear();
    bool others = false;
    for (term& t : st_.terms) {
        if (t.verified) continue;
        if (t.excluded && t.kind == term_kind::word) {
            for (auto list : t.lists)
                if (!list.empty()) cursors.emplace_back(list);
            t.verified = true;
        } else {
            others = true;
        }
    }
    out.erase(std::remove_if(out.begin(), out.end(),
                             [&](entry_id c) {
                                 if (toned.has(c)) return true;
                                 for (list_cursor& x : cursors)
                                     if (x.has(c)) return true;
                                 return others && !accepted(generator, c);
                             }),
              out.end());
}

void query_run::clear_bits() {
    if (st_.bits.empty()) st_.bits.assign((idx_.size() + 63) / 64, 0);
    if (st_.bits_last > st_.bits_first)
        std::memset(st_.bits.data() + st_.bits_first, 0, (st_.bits_last - st_.bits_first) * sizeof(std::uint64_t));
    st_.bits_first = st_.bits_last = 0;
    fill_low_ = static_cast<entry_id>(idx_.size());
    fill_high_ = 0;
}

void query_run::note_bounds(entry_id first, entry_id last) {
    fill_low_ = std::min(fill_low_, first);
    fill_high_ = std::max(fill_high_, last);
}

void query_run::set_bits(entry_id first, entry_id last) {
    if (first >= last) return;
    note_bounds(first, last);
    std::size_t w = first / 64, w_last = (last - 1) / 64;
    std::uint64_t head = ~std::uint64_t{0} << (first % 64);
    std::uint64_t tail = ~std::uint64_t{0} >> (63 - (last - 1) % 64);
    if (w == w_last) {
        st_.bits[w] |= head & tail;
        return;
    }
    st_.bits[w] |= head;
    for (++w; w < w_last; ++w) st_.bits[w] = ~std::uint64_t{0};
    st_.bits[w_last] |= tail;
}

void query_run::fill(term& t) {
    auto add_list = [&](std::span<const entry_id> list) {
        if (list.empty()) return;
        note_bounds(list.front(), list.back() + 1);
        for (entry_id e : list) set_bit(e);
    };
    // Code point ranges of a property -> entry ranges.
    auto add_code_points = [&](char32_t start, char32_t end) {
        set_bits(idx_.first_entry_from(start), idx_.first_entry_from(end + 1));
    };
    switch (t.kind) {
    case term_kind::word:
        for (auto list : t.lists) add_list(list);
        break;
    case term_kind::prefix:
        for_each_prefix_list(t, [&](std::span<const entry_id> list) {
            if (list.empty()) return;
            auto kept = std::find_if(st_.kept_unions.begin(), st_.kept_unions.end(), [&](const query_state::kept_union& u) {
                return list.data() == st_.pool.data() + u.pool_from;
            });
            if (kept == st_.kept_unions.end()) return add_list(list);
            note_bounds(list.front(), list.back() + 1);
            const std::uint64_t* bits = st_.union_bits.data() + kept->at;
            for (std::size_t w = 0; w < kept->words; ++w) st_.bits[kept->base + w] |= bits[w];
        });
        break;
    case term_kind::entries: set_bits(t.first, t.last); break;
    case term_kind::property: {
        UErrorCode status = U_ZERO_ERROR;
        if (t.property == property_kind::script || t.property == property_kind::gc) {
            bool gc = t.property == property_kind::gc;
            const UCPMap* map = u_getIntPropertyMap(gc ? UCHAR_GENERAL_CATEGORY : UCHAR_SCRIPT, &status);
            if (U_FAILURE(status)) break;
            UChar32 start = 0x20;  // the index starts at U+0020
            std::uint32_t value = 0;
            for (UChar32 end; (end = ucpmap_getRange(map, start, UCPMAP_RANGE_NORMAL, 0, nullptr, nullptr, &value)) >= 0;
                 start = end + 1) {
                bool match = gc ? (U_MASK(value) & t.value) != 0 : value == t.value;
                if (match) add_code_points(static_cast<char32_t>(start), static_cast<char32_t>(end));
            }
        } else if (t.property == property_kind::emoji && t.value == 1) {
            const USet* set = u_getBinaryPropertySet(UCHAR_EMOJI, &status);
            if (U_FAILURE(status)) break;
            for (int32_t i = 0, n = uset_getItemCount(set); i < n; ++i) {
                UChar32 start, end;
                status = U_ZERO_ERROR;
                if (uset_getItem(set, i, &start, &end, nullptr, 0, &status) == 0)
                    add_code_points(static_cast<char32_t>(start), static_cast<char32_t>(end));
            }
        } else {
            // age, emoji:no: every entry asked.
            set_bits(0, static_cast<entry_id>(idx_.size()));
            for (entry_id e = 0; e < idx_.size(); ++e)
                if (!property_has(t, idx_.code_point(e))) st_.bits[e / 64] &= ~(std::uint64_t{1} << (e % 64));
        }
        break;
    }
    case term_kind::phrase: break;  // never a generator: its words are
    }
}

// Every term a positive word. An entry matches when each term has it in one
// of its lists. Names' lists are the long ones, so: the names' common
// entries, straight from the index's intersection (galloping, smallest list
// first), merged with the entries that some term has only through its other
// lists (other names, informal aliases, keywords, definitions, readings,
// toned). Those are short (arrow: 41 entries against 564 in names; black's
// 136 definitions the longest of bench/micro's words), so each term's are
// joined into one ascending list, and the joined lists are walked together,
// ascending: a term whose joined list has the entry has it; any other must
// have it in its names (a cursor that only moves forward). Every v1 query
// takes this path with no other lists. (Each other list walked apart, with
// the other terms' cursors back at their start for each, was 1.3 us of
// arrow left's 2.5: perf.)
void query_run::intersect_words() {
    auto& lists = st_.intersection.lists;
    lists.clear();
    for (const term& t : st_.terms) lists.push_back(t.lists[names_list]);
    std::span<const entry_id> common = idx_.intersect(st_.intersection);
    auto& extra = st_.intersection.spare;  // intersect() is done with it
    extra.clear();
    // Each term's other lists joined, ascending and distinct, toned
    // sequences left out when hidden (only other names' lists have them):
    // term j's are others[others_start[j], others_start[j + 1]).
    auto& others = st_.others;
    auto& start = st_.others_start;
    others.clear();
    start.assign(1, 0);
    for (const term& t : st_.terms) {
        // Merged two at a time (each ascending and distinct): linear, where
        // a sort of them appended was a sixth of arrow left (perf).
        std::span<const entry_id> so_far;
        for (std::size_t u = 0; u < t.used_count; ++u) {
            std::size_t k = t.used[u];
            if (k == names_list) continue;
            std::span<const entry_id> list = t.lists[k];
            if (k == aliases_list && st_.hide_toned) {
                auto& shown = st_.others_shown;
                shown.clear();
                list_cursor toned(idx_.toned_sequences());
                for (entry_id e : list)
                    if (!toned.has(e)) shown.push_back(e);
                list = shown;
            }
            if (so_far.empty()) {
                so_far = list;
                continue;
            }
            auto& merged = st_.others_merged;
            merged.resize(so_far.size() + list.size());
            merged.erase(std::set_union(so_far.begin(), so_far.end(), list.begin(), list.end(), merged.begin()), merged.end());
            std::swap(merged, st_.others_joined);
            so_far = st_.others_joined;
        }
        others.insert(others.end(), so_far.begin(), so_far.end());
        start.push_back(others.size());
    }
    auto& names = st_.cursors;  // collect_small()'s; not in use here
    auto& joined = st_.joined_cursors;
    names.clear();
    joined.clear();
    for (std::size_t j = 0; j < st_.terms.size(); ++j) {
        names.emplace_back(st_.terms[j].lists[names_list]);
        joined.emplace_back(std::span<const entry_id>(others.data() + start[j], others.data() + start[j + 1]));
    }
    list_cursor in_common(common);
    for (;;) {
        entry_id e = index::no_entry;  // the joined lists' least entry not walked yet
        for (const list_cursor& c : joined)
            if (c.at != c.end) e = std::min(e, *c.at);
        if (e == index::no_entry) break;
        bool in_answer = true;
        for (std::size_t j = 0; j < joined.size(); ++j) {
            if (joined[j].at != joined[j].end && *joined[j].at == e)
                ++joined[j].at;
            else if (in_answer)
                in_answer = names[j].has(e);
        }
        if (in_answer && !in_common.has(e)) extra.push_back(e);
    }
    if (extra.empty()) {
        st_.entries = common;
        st_.entry_count = common.size();
        return;
    }
    if (common.size() + extra.size() <= small_answer_limit) {
        auto& out = st_.small;
        out.resize(common.size() + extra.size());
        out.erase(std::set_union(common.begin(), common.end(), extra.begin(), extra.end(), out.begin()), out.end());
        st_.entries = out;
        st_.entry_count = out.size();
        return;
    }
    // Too many for the small vector: the bitmap holds them, the scratch's bound.
    clear_bits();
    for (auto list : {common, std::span<const entry_id>(extra)}) {
        if (list.empty()) continue;
        note_bounds(list.front(), list.back() + 1);
        for (entry_id e : list) set_bit(e);
    }
    st_.in_bitmap = true;
    st_.bits_first = fill_low_ / 64;
    st_.bits_last = (fill_high_ + 63) / 64;
    st_.entry_at = st_.bits_first * 64;
    st_.entry_count = count_bits(st_.bits.data() + st_.bits_first, st_.bits.data() + st_.bits_last);
}

void query_run::evaluate() {
    auto& terms = st_.terms;
    bool any_positive = std::any_of(terms.begin(), terms.end(), [](const term& t) { return !t.excluded; });
    if (!any_positive) {
        if (!terms.empty()) fail("only exclusions: add a word to search for, e.g. arrow -left");
        return;
    }
    st_.pool.clear();
    st_.union_bits.clear();
    st_.kept_unions.clear();
    for (term& t : terms) prepare(t);
    name_tones();
    std::size_t generator = terms.size();
    for (std::size_t k = 0; k < terms.size(); ++k) {
        term& t = terms[k];
        settle(t);
        if (t.excluded) continue;
        if (t.estimate == 0) {
            if (t.kind == term_kind::word && !t.reading_only && st_.unknown_word.empty()) st_.unknown_word = t.text;
            generator = terms.size() + 1;  // nothing can match
        } else if (generator <= terms.size() && (generator == terms.size() || t.estimate < terms[generator].estimate)) {
            generator = k;
        }
    }
    if (generator > terms.size()) return;  // a positive term that has no entries
    term& g = terms[generator];

    if (terms.size() == 1 && g.kind == term_kind::word) {
        // One list: straight from the index, unless toned sequences must
        // be left out of it (only other names' lists have them).
        std::size_t non_empty = 0, which = 0;
        for (std::size_t k = 0; k < all_lists; ++k)
            if (!g.lists[k].empty()) ++non_empty, which = k;
        if (non_empty == 1 && (which != aliases_list || !st_.hide_toned)) {
            st_.entries = g.lists[which];
            st_.entry_count = g.lists[which].size();
            return;
        }
    }
    // Only positive words (every v1 query): the index's own intersection of
    // their names, and then the entries that some term has only through its
    // other lists, when those are fewer than half the rarest term's entries
    // (the leapfrog below reads those; an entry of the other lists costs
    // intersect_words() about twice as much: arrow left, 94 against 554,
    // 1.9 us this way and 2.3 the other; left arrow white, 257 against 453,
    // 3.6 and 2.1). The generic leapfrog costs ~0.5 us more per v1 query, a
    // tenth of the server's whole cost for a small answer (perf;
    // bench/notes.md).
    if (std::all_of(terms.begin(), terms.end(), [](const term& t) { return t.kind == term_kind::word && !t.excluded; })) {
        std::size_t others = 0;
        for (const term& t : terms) others += t.estimate - t.lists[names_list].size();
        if (others == 0 || 2 * others < g.estimate) {
            intersect_words();
            return;
        }
    }
    // A prefix's lists are gathered and sorted there: past sort_union_limit
    // entries the bitmap below makes them distinct for less (st*: 3,134
    // entries from ~4,000 of its lists', 71 -> 23 us in relevance order, measured alone).
    std::size_t small_limit = g.kind == term_kind::prefix ? sort_union_limit : small_answer_limit;
    if (g.kind != term_kind::property && g.estimate <= small_limit) {
        collect_small(generator);
        st_.entries = st_.small;
        st_.entry_count = st_.small.size();
        return;
    }

    clear_bits();
    fill(g);
    if (fill_high_ <= fill_low_) return;
    if (st_.hide_toned) {
        auto toned = idx_.toned_sequences();
        for (auto it = std::lower_bound(toned.begin(), toned.end(), fill_low_); it != toned.end() && *it < fill_high_; ++it)
            st_.bits[*it / 64] &= ~(std::uint64_t{1} << (*it % 64));
    }
    // An excluded word's entries are cleared list by list: its lists are
    // shorter than the candidates (letter -capital: ~3,000 against ~40,000),
    // which accepted() would test one by one through each of its lists
    // (perf: 75 % of that query).
    for (term& t : terms) {
        if (!t.excluded || t.kind != term_kind::word) continue;
        for (std::span<const entry_id> list : t.lists)
            for (auto it = std::lower_bound(list.begin(), list.end(), fill_low_); it != list.end() && *it < fill_high_; ++it)
                st_.bits[*it / 64] &= ~(std::uint64_t{1} << (*it % 64));
        t.verified = true;
    }
    bool tested = false;  // some term is left for accepted()
    for (std::size_t k = 0; k < terms.size(); ++k) tested = tested || (k != generator && !terms[k].verified);
    st_.in_bitmap = true;
    st_.bits_first = fill_low_ / 64;
    st_.bits_last = (fill_high_ + 63) / 64;
    if (tested) {
        for (std::size_t w = st_.bits_first; w < st_.bits_last; ++w) {
            std::uint64_t word = st_.bits[w];
            for (std::uint64_t left = word; left != 0; left &= left - 1) {
                auto e = static_cast<entry_id>(w * 64 + static_cast<std::size_t>(std::countr_zero(left)));
                if (!accepted(generator, e)) word &= ~(std::uint64_t{1} << (e % 64));
            }
            st_.bits[w] = word;
        }
    }
    st_.entry_at = st_.bits_first * 64;
    st_.entry_count = count_bits(st_.bits.data() + st_.bits_first, st_.bits.data() + st_.bits_last);
}

// The vocabulary words nearest the unknown word: sizes within the edit
// limit, letter classes next (most words fall there), then the edit
// distance; closest first, then the most common, then alphabetical.
void query_run::find_hints() {
    std::string_view word = st_.unknown_word;
    if (word.empty() || word.size() > longest_hinted_word) return;
    std::size_t limit = hint_edits(word.size());
    std::uint32_t letters = index::letter_classes_of(word);
    constexpr std::uint32_t digit_classes = 0x3Fu << 26;
    bool has_digit = (letters & digit_classes) != 0;
    struct candidate {
        std::size_t distance;
        std::size_t entries;
        std::string_view text;
    };
    std::array<candidate, hint_count> best{};
    std::size_t count = 0;
    auto better = [](const candidate& a, const candidate& b) {
        if (a.distance != b.distance) return a.distance < b.distance;
        if (a.entries != b.entries) return a.entries > b.entries;
        return a.text < b.text;
    };
    // Every word, the size first: 29,000 sizes side by side take ~20 us.
    for (index::word_id w = 0; w < idx_.vocabulary_size(); ++w) {
        {
            std::size_t size = idx_.word(w).size();
            if (size + limit < word.size() || size > word.size() + limit) continue;
            std::uint32_t has = index::letter_classes_of(idx_.word(w));
            // Hex words ("4E00") and other words with digits only for a query with digits.
            if (!has_digit && (has & digit_classes)) continue;
            if (static_cast<std::size_t>(std::popcount(letters & ~has)) > limit ||
                static_cast<std::size_t>(std::popcount(has & ~letters)) > limit)
                continue;
            std::string_view text = idx_.word(w);
            std::size_t d = edit_distance(word, text, limit);
            if (d > limit) continue;
            candidate c{d, idx_.entries_of(w).size(), text};
            // Into its place among the best so far (kept sorted).
            std::size_t at = count < hint_count ? count++ : hint_count;
            while (at > 0 && better(c, best[at - 1])) {
                if (at < hint_count) best[at] = best[at - 1];
                --at;
            }
            if (at < hint_count) best[at] = c;
        }
    }
    st_.hint_text.clear();
    for (std::size_t i = 0; i < count; ++i) st_.hint_text += best[i].text;
    std::size_t at = 0;
    for (char& c : st_.hint_text)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    for (std::size_t i = 0; i < count; ++i) {
        st_.hints[i] = std::string_view(st_.hint_text).substr(at, best[i].text.size());
        at += best[i].text.size();
    }
    st_.hint_size = count;
}


// --- Relevance order ---------------------------------------------------------
// rank_batch() walks the answer's entries once (ascending, so word lists are
// read with their galloping cursors, as the evaluation did) and keeps the
// best `top` keys (a bounded max-heap: memory bounded by top, not by the
// answer) or, without top, every key, then sorts them. next() gives them;
// when they run out before found(), the next batch keeps the best `top` of
// the keys after the last one given, so /more and an offset read on in the
// same order without holding the whole answer.

// Whether the entry's name has exactly the query's positive words, in order
// (the query's only positive terms being words).
bool query_run::name_is_query(entry_id e) const {
    std::string_view name = idx_.name(e);
    for (const term& t : st_.terms) {
        if (t.excluded || t.kind == term_kind::phrase) continue;
        if (next_name_word(name) != t.text) return false;
    }
    return next_name_word(name).empty();
}

// Whether the entry's short name (in st_.short_name) has exactly the
// query's positive words' keyword words, in order; `words` gets its word
// count. keyword_words() cuts ASCII short names (most) without ICU.
bool query_run::short_name_is_query(std::size_t& words) {
    auto& split = st_.keyword_list;
    keyword_words(st_.short_name, st_.folds_accents, st_.keyword_text, split);
    words = split.size();
    std::size_t at = 0;
    for (const term& t : st_.terms) {
        if (t.excluded || t.kind == term_kind::phrase) continue;
        if (t.folded.empty() || at == split.size() || split[at] != t.folded) return false;
        ++at;
    }
    return at == split.size();
}

// The strongest field in which a word or prefix term has the entry (found
// false: the term does not have it, or is no word). `in_answer`: the entry
// is in the answer (so every positive term has it) and entries come in
// order: the lists are read with the term's cursors, and a word with one
// list is not read at all. A prefix's names and other names are lists too
// (prepare()), read first: no name is read.
query_run::term_match query_run::match_of(term& t, entry_id e, bool in_answer) {
    if (t.excluded || (t.kind != term_kind::word && t.kind != term_kind::prefix)) return {};
    if (t.kind == term_kind::prefix && !in_answer && prefix_in_names(t, e)) return {true, field::name};
    if (in_answer && t.kind == term_kind::word && t.only_list < list_field.size()) return {true, list_field[t.only_list]};
    for (std::size_t u = 0; u < t.used_count; ++u) {  // its non-empty lists, ascending: strongest first
        std::size_t k = t.used[u];
        if (k >= list_field.size()) break;
        auto list = t.lists[k];
        bool has;
        if (in_answer) {
            const entry_id* end = list.data() + list.size();
            t.at[k] = gallop(t.at[k], end, e);
            has = t.at[k] != end && *t.at[k] == e;
        } else {
            has = std::binary_search(list.begin(), list.end(), e);
        }
        if (has) {
            // A prefix: its names' and other names' lists come first, and
            // both are names; after them, only hex words may still be.
            if (t.kind == term_kind::prefix && (k <= aliases_list || (in_answer && in_hex_runs(t, e))))
                return {true, field::name};
            return {true, list_field[k]};
        }
    }
    if (in_answer && t.kind == term_kind::prefix) return {true, field::name};  // no other list has it: a hex word
    return {};
}

// The text of an informal alias, definition or reading field of the entry
// that a word or prefix matched: the informal alias whose words (as
// upper_name_words() makes them) have it, the definition, the reading.
std::string_view unihan_or_informal_text(const index& idx, const term& t, entry_id e, field f) {
    char32_t cp = idx.code_point(e);
    if (f == field::definition) return idx.definition_of(cp);
    if (f != field::informal)
        return idx.reading_of(cp, static_cast<reading>(static_cast<unsigned>(f) - static_cast<unsigned>(field::mandarin)));
    thread_local std::string upper;
    std::string_view first;
    for (std::string_view alias : idx.informal_aliases_of(cp)) {
        if (first.empty()) first = alias;
        upper_name_words(alias, upper);
        std::string_view rest = upper;
        for (std::string_view w; !(w = next_spaced_word(rest)).empty();)
            if (t.kind == term_kind::prefix ? w.starts_with(t.text) : w == t.text) return alias;
    }
    return first;
}

// How many words ASCII text has: its runs of letters and digits (an
// informal alias's or a definition's words, as upper_name_words() cuts them).
std::size_t ascii_word_count(std::string_view text) noexcept {
    std::size_t count = 0;
    bool in_word = false;
    for (char c : text) {
        bool word_char = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (word_char && !in_word) ++count;
        in_word = word_char;
    }
    return count;
}

// The entry's short name in the session's language, appended to
// st_.short_name; false when it has none. A skin-tone sequence's parts come
// from the toned table when the query made it (they are read from the
// sequence's code points otherwise, ~0.6 us).
bool query_run::append_short_name(entry_id e) {
    if (st_.toned_table_of == &idx_) {
        auto toned = idx_.toned_sequences();
        auto it = std::lower_bound(toned.begin(), toned.end(), e);
        if (it != toned.end() && *it == e) {
            const auto& kept = st_.toned_table[static_cast<std::size_t>(it - toned.begin())];
            index::toned_parts parts;
            parts.base = kept.base;
            for (entry_id tone : kept.tones)
                if (tone != index::no_entry) parts.tones[parts.tone_count++] = tone;
            return idx_.append_short_name(st_.language, e, parts, st_.short_name);
        }
    }
    return idx_.append_short_name(st_.language, e, st_.short_name);
}

// `bound`: a key the entry must beat to be of use (the full heap's worst);
// one that cannot, whatever its extra words, gets its level's key with none
// (emo*: 1,785 toned sequences at the keyword level, each short name made
// from its parts, behind twenty names).
std::uint64_t query_run::rank_key_of(entry_id e, std::uint64_t bound) {
    unsigned level = 0;
    std::size_t query_words = st_.rank_words;
    // Per field rank, the first term that matched there, and how: the
    // weakest rank's text is read from it below, not matched again.
    std::array<std::pair<const term*, field>, field_rank(field::mandarin) + 1> first_at{};
    for (term* t : st_.rank_terms) {
        term_match m = match_of(*t, e, true);
        level = std::max(level, 1 + 2 * field_rank(m.where) + (t->kind == term_kind::prefix ? 1u : 0u));
        if (m.found && first_at[field_rank(m.where)].first == nullptr) first_at[field_rank(m.where)] = {t, m.where};
    }
    if (level == 0) return rank_key(0, 0, e);  // no words: code point order
    std::size_t extra = 0;
    unsigned weakest_rank = (level - 1) / 2;
    // Its best key: level 0 when its whole name or short name may be the
    // query, else its level with no extra words.
    bool may_be_whole = st_.rank_only_words &&
                        (weakest_rank == field_rank(field::name) || weakest_rank == field_rank(field::keyword));
    std::uint64_t least = rank_key(may_be_whole ? 0 : level, 0, e);
    if (least >= bound) return least;
    if (weakest_rank == field_rank(field::name)) {
        std::size_t words = idx_.name_word_count(e);
        if (st_.rank_only_words && words == query_words && name_is_query(e)) return rank_key(0, 0, e);
        extra = words > query_words ? words - query_words : 0;
    } else if (weakest_rank == field_rank(field::informal) || weakest_rank == field_rank(field::definition)) {
        // The words of the informal alias or definition the weakest term matched.
        if (auto [t, where] = first_at[weakest_rank]; t != nullptr) {
            std::size_t words = ascii_word_count(unihan_or_informal_text(idx_, *t, e, where));
            extra = words > query_words ? words - query_words : 0;
        }
    } else if (weakest_rank == field_rank(field::keyword) && st_.language != index::no_language && st_.rank_only_words) {
        // The short name's words: only a query of words counts them (a
        // prefix's keyword matches tie, then go by entry).
        st_.short_name.clear();
        std::size_t words = 0;
        if (append_short_name(e)) {
            if (short_name_is_query(words)) return rank_key(0, 0, e);
            extra = words > query_words ? words - query_words : 0;
        }
    }
    return rank_key(level, extra, e);
}

// The bounded heap is full, one prefix ranks, and its worst key has no
// extra words (a prefix's keyword matches have none): a later entry beats it
// only from a stronger field (emo*: 1,785 toned sequences at the keyword
// level, all but the first twenty passed over).
bool query_run::saturated(std::size_t want) const {
    if (st_.top == 0 || st_.ranked.size() < want || st_.rank_terms.size() != 1) return false;
    if (st_.rank_terms.front()->kind != term_kind::prefix || st_.rank_only_words) return false;
    return ((st_.ranked.front() >> 32) & 0xFF) == 0;
}

void query_run::rank_batch() {
    auto& st = st_;
    std::size_t want = st.top > 0 ? st.top : st.entry_count;
    bool after = st.ranked_given > 0;
    std::uint64_t last = st.ranked_last;
    st.ranked.clear();
    st.ranked_at = 0;
    if (st.ranked.capacity() < std::min(want, st.entry_count)) st.ranked.reserve(std::min(want, st.entry_count));
    // The terms that rank (positive words and prefixes), their cursors from
    // the start, and a word's only list when it has one.
    st.rank_terms.clear();
    st.rank_words = 0;
    st.rank_only_words = true;
    for (term& t : st.terms) {
        for (std::size_t k = 0; k < t.lists.size(); ++k) t.at[k] = t.lists[k].data();
        if (t.excluded || t.kind == term_kind::phrase) continue;
        if (t.kind != term_kind::word) st.rank_only_words = false;
        if (t.kind != term_kind::word && t.kind != term_kind::prefix) continue;
        st.rank_terms.push_back(&t);
        ++st.rank_words;
        t.only_list = list_field.size();
        std::size_t lists = 0;
        for (std::size_t k = 0; k < list_field.size(); ++k)
            if (!t.lists[k].empty()) ++lists, t.only_list = k;
        if (lists != 1) t.only_list = list_field.size();
    }
    bool bounded = st.top > 0 && st.top < st.entry_count;
    // The lowest level an entry can have but for an exact whole name: a
    // name's word, or a name's prefix when every ranking term is a prefix.
    bool all_prefixes = !st.rank_terms.empty() && std::all_of(st.rank_terms.begin(), st.rank_terms.end(), [](const term* t) {
        return t->kind == term_kind::prefix;
    });
    unsigned lowest_level = st.rank_terms.empty() ? 0 : all_prefixes ? 2 : 1;
    // With a full heap, an entry whose key cannot beat its worst is left out
    // after one byte of the data file, before its terms are read: at its
    // best its key is the lowest level with its name's extra words (a
    // higher level is worse whatever its extra words; an equal key loses on
    // its entry, which comes later). So once the worst is at the lowest
    // level with x extra words, names of query words + x words or more are
    // out, but for a whole name that may equal the query. Most of a big
    // answer goes here: "sign" (3,402 entries) took ~9 ns an entry without.
    std::size_t out_from = std::numeric_limits<std::size_t>::max();
    bool all_out = false;  // the worst is an exact whole name: nothing later beats it
    auto note_worst = [&] {
        if (!bounded || st.ranked.size() < want) return;
        std::uint64_t worst = st.ranked.front();
        auto level = static_cast<unsigned>(worst >> 40);
        all_out = level == 0;
        if (level == lowest_level) out_from = st.rank_words + ((worst >> 32) & 0xFF);
    };
    const std::uint8_t* name_words = idx_.name_word_counts().data();
    auto out = [&](entry_id e) {
        std::size_t words = name_words[e];
        return all_out || (words >= out_from && !(st.rank_only_words && words == st.rank_words));
    };
    auto consider = [&](entry_id e) {
        bool full = bounded && st.ranked.size() >= want;
        std::uint64_t key = rank_key_of(e, full ? st.ranked.front() : std::numeric_limits<std::uint64_t>::max());
        if (after && key <= last) return;
        if (!bounded) {
            st.ranked.push_back(key);
            return;
        }
        if (st.ranked.size() < want) {
            st.ranked.push_back(key);
            std::push_heap(st.ranked.begin(), st.ranked.end());
        } else if (key < st.ranked.front()) {
            std::pop_heap(st.ranked.begin(), st.ranked.end());
            st.ranked.back() = key;
            std::push_heap(st.ranked.begin(), st.ranked.end());
        } else {
            return;
        }
        note_worst();
    };
    if (!st.in_bitmap) {
        for (entry_id e : st.entries)
            if (!out(e)) consider(e);
    } else {
        // A bitmap word is an index name-word block: one whose shortest
        // name is out is passed over whole (p*: most of its 9,812 entries
        // are ideographs, named in 4 words; 55.9 -> 46.7 us a query, measured alone).
        static_assert(index::name_word_block == 64);
        const std::uint8_t* fewest = idx_.fewest_name_words().data();
        std::size_t w = st.bits_first;
        for (; w < st.bits_last && !all_out && !saturated(want); ++w) {
            if (out_from <= fewest[w] && !(st.rank_only_words && fewest[w] <= st.rank_words)) continue;
            for (std::uint64_t left = st.bits[w]; left != 0; left &= left - 1) {
                auto e = static_cast<entry_id>(w * 64 + static_cast<std::size_t>(std::countr_zero(left)));
                if (!out(e)) consider(e);
            }
        }
        // Saturated: only the prefix's stronger fields' lists can still
        // give a better entry, from the next word of the bitmap on.
        if (w < st.bits_last && !all_out && saturated(want)) {
            const term& t = *st.rank_terms.front();
            auto worst_level = static_cast<unsigned>(st.ranked.front() >> 40);
            auto& heads = st.joined_cursors;
            heads.clear();
            auto from = static_cast<entry_id>(w * 64);
            auto add = [&](std::span<const entry_id> list) {
                list_cursor c(list);
                c.at = gallop(c.at, c.end, from);
                if (c.at != c.end) heads.push_back(c);
            };
            for (std::size_t k = 0; k < list_field.size(); ++k)
                if (2 + 2 * field_rank(list_field[k]) < worst_level && !t.lists[k].empty()) add(t.lists[k]);
            if (2 < worst_level)
                for (auto run : t.hex_runs.runs) add(run);
            for (;;) {
                entry_id e = index::no_entry;
                for (const list_cursor& c : heads)
                    if (c.at != c.end) e = std::min(e, *c.at);
                if (e == index::no_entry || all_out) break;
                std::size_t block = e / 64;
                if (out_from <= fewest[block]) {  // passed over whole, as above
                    auto next = static_cast<entry_id>((block + 1) * 64);
                    for (list_cursor& c : heads) c.at = gallop(c.at, c.end, next);
                    continue;
                }
                for (list_cursor& c : heads)
                    if (c.at != c.end && *c.at == e) ++c.at;
                if ((st.bits[block] >> (e % 64) & 1) != 0 && !out(e)) consider(e);
            }
        }
    }
    if (bounded)
        std::sort_heap(st.ranked.begin(), st.ranked.end());
    else
        std::sort(st.ranked.begin(), st.ranked.end());
    st.ranked_given += st.ranked.size();
    if (!st.ranked.empty()) st.ranked_last = st.ranked.back();
    if (st.ranked.empty()) st.ranked_given = st.entry_count;  // nothing after the last: the answer is over
}

// The keyword (or short name) of the entry in the session's language that
// has the term's keyword word (a prefix: a word starting with it), copied
// to why_text's end; the short name when none does (a skin-tone sequence
// reached through its base or tone).
std::string_view query_run::keyword_text(const term& t, entry_id e) {
    std::size_t from = st_.why_text.size();
    bool found = false;
    auto check = [&](std::string_view text) {
        if (found) return;
        keyword_words(text, st_.folds_accents, st_.keyword_text, st_.keyword_list);
        for (std::string_view w : st_.keyword_list)
            if (t.kind == term_kind::prefix ? w.starts_with(t.folded) : w == t.folded) found = true;
        if (found) st_.why_text.append(text);
    };
    st_.short_name.clear();
    bool has_short = append_short_name(e);
    if (has_short) check(st_.short_name);
    idx_.for_each_keyword(st_.language, e, check);
    if (!found && has_short) st_.why_text.append(st_.short_name);
    return std::string_view(st_.why_text).substr(from);
}

std::span<const match> query_run::why(entry_id e) {
    auto& out = st_.matches;
    out.clear();
    st_.why_text.clear();
    // Texts copied into why_text are made views once it stops growing:
    // copied_from keeps each one's offset + 1 (0: not copied) meanwhile.
    st_.why_text.reserve(1024);
    std::array<std::size_t, 64> copied_from{};
    for (term& t : st_.terms) {
        term_match m = match_of(t, e, false);
        if (!m.found) continue;
        match x{.term = !t.written.empty() ? t.written : !t.folded.empty() ? t.folded : t.text, .where = m.where};
        std::size_t copied = std::string_view::npos;
        switch (m.where) {
        case field::name: x.text = idx_.name(e); break;
        case field::alias:
            if (idx_.is_sequence(e)) {
                x.where = field::name;
                x.text = idx_.name(e);
                break;
            }
            for (std::string_view a : idx_.aliases_of(idx_.code_point(e)))
                if (any_name_word(a, [&](std::string_view w) {
                        return t.kind == term_kind::prefix ? w.starts_with(t.text) : w == t.text;
                    })) {
                    x.text = a;
                    break;
                }
            break;
        case field::keyword:
            if (out.size() < copied_from.size()) {
                copied = st_.why_text.size();
                x.text = keyword_text(t, e);
            }
            break;
        default: x.text = unihan_or_informal_text(idx_, t, e, m.where); break;
        }
        if (copied != std::string_view::npos) copied_from[out.size()] = copied + 1;
        out.push_back(x);
    }
    // keyword_text() may have moved why_text: its views are made again.
    for (std::size_t i = 0; i < out.size() && i < copied_from.size(); ++i)
        if (copied_from[i] != 0) out[i].text = std::string_view(st_.why_text).substr(copied_from[i] - 1, out[i].text.size());
    return out;
}

void rank_next_batch(query_state& st) {
    if (st.answered_by) query_run(*st.answered_by, st).rank_batch();
}

std::span<const match> explain(query_state& st, entry_id e) {
    if (!st.answered_by || e >= st.answered_by->size()) return {};
    return query_run(*st.answered_by, st).why(e);
}

}  // namespace

namespace {

// A word "0x..." is a code point in the full language, not a word.
bool starts_with_0x_word(std::string_view query) noexcept {
    for (std::size_t i = 0; i + 1 < query.size(); ++i)
        if ((i == 0 || query[i - 1] == ' ') && query[i] == '0' && (query[i + 1] == 'x' || query[i + 1] == 'X'))
            return true;
    return false;
}

}  // namespace

void engine::run(std::string_view query, mode m, index::language_id language, scratch& s) const {
    auto& st = *s.state_;
    st.error.clear();
    st.query.assign(query);
    query = st.query;
    st.answered_by = &index_;
    st.sort = order::code;
    st.ranked.clear();
    st.ranked_at = 0;
    st.ranked_given = 0;
    st.text.clear();
    // Every term's text is a view into `text`: room for all of it up front,
    // so that it never moves (upper-casing grows UTF-8 at most threefold,
    // folding as much; a term may be kept upper-case and folded, accented
    // and not: 16 times covers every path, and query_run::keep() checks).
    st.text.reserve(16 * query.size() + 64);
    st.terms.clear();
    st.identified.clear();
    st.unknown_word = {};
    st.in_bitmap = false;
    st.entries = {};
    st.entry_count = 0;
    st.identified_at = 0;
    st.entry_at = 0;
    st.hint_size = 0;
    st.with_aliases = m == mode::full;
    st.hide_toned = false;
    st.language = m == mode::classic || index_.language_count() == 0 ? index::no_language
                  : language < index_.language_count()              ? language
                                                                    : index_.english();
    st.folds_accents = st.language != index::no_language && index_.folds_accents(st.language);

    query_run q(index_, st);
    if (m == mode::classic) {
        q.parse_classic(query);
        q.evaluate();
        return;
    }
    // Letters, digits and spaces only: the full language's terms are the
    // classic split's words (no '-', '*', quote, colon, code point or pasted
    // text), and the split costs less than the tokenizer.
    bool plain_words = std::all_of(query.begin(), query.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ';
    }) && !starts_with_0x_word(query);
    if (plain_words) {
        q.parse_classic(query);
        // The same words as the query wrote them, for why().
        std::string_view rest = query;
        for (term& t : st.terms) t.written = next_spaced_word(rest);
    } else
        q.parse_full(query);
    if (st.error.empty()) q.evaluate();
    if (!st.error.empty()) {
        st.identified.clear();
        st.entries = {};
        st.in_bitmap = false;
        st.entry_count = 0;
        return;
    }
    if (st.identified.empty() && st.entry_count == 0) q.find_hints();
}

void engine::run(std::string_view query, const options& o, scratch& s) const {
    s.state_->bare_readings = o.bare_readings;
    run(query, o.m, o.language == index::no_language ? index_.english() : o.language, s);
    s.state_->bare_readings = false;
    auto& st = *s.state_;
    if (o.sort != order::relevance || !st.error.empty()) return;
    st.sort = order::relevance;
    st.top = o.top;
    if (st.entry_count > 0) query_run(index_, st).rank_batch();
}

std::span<const match> scratch::why(index::entry_id e) { return explain(*state_, e); }

const match* weakest(std::span<const match> matches) noexcept {
    const match* worst = nullptr;
    for (const match& m : matches)
        if (!worst || field_rank(m.where) > field_rank(worst->where)) worst = &m;
    return worst;
}

std::string_view field_label(field f) noexcept {
    switch (f) {
    case field::name: return "name";
    case field::alias: return "alias";
    case field::informal: return "informal";
    case field::keyword: return "keyword";
    case field::definition: return "unihan:kDefinition";
    case field::mandarin: return "unihan:kMandarin";
    case field::cantonese: return "unihan:kCantonese";
    case field::japanese_kun: return "unihan:kJapaneseKun";
    case field::japanese_on: return "unihan:kJapaneseOn";
    case field::korean: return "unihan:kKorean";
    case field::vietnamese: return "unihan:kVietnamese";
    }
    return "name";
}

bool written_raw(char32_t cp) noexcept {
    // Controls, surrogates (which UTF-8 cannot carry), noncharacters and
    // unassigned code points are never written raw; private use is.
    if (cp > 0x10FFFF) return false;
    auto type = u_charType(static_cast<UChar32>(cp));
    return type != U_CONTROL_CHAR && type != U_SURROGATE && type != U_UNASSIGNED;
}

namespace {

// describe() once the entry is known (no_entry: none). An entry's is asked
// once per result of a JSON answer: its entry is not looked up again.
character_info describe_at(const index& idx, char32_t cp, index::entry_id e) {
    // Labels and unusual ages are made here: one buffer per thread, valid
    // until this thread's next describe().
    thread_local char label[64];
    thread_local char age_text[16];
    // The known ages' values, parsed once.
    static const auto age_values = [] {
        std::array<std::uint32_t, std::size(ages)> values{};
        for (std::size_t i = 0; i < values.size(); ++i) values[i] = age_value(ages[i]);
        return values;
    }();
    character_info info;
    info.code_point = cp;
    auto c = static_cast<UChar32>(cp);
    if (e != index::no_entry) {
        info.name = idx.name(e);
    } else if (cp <= 0x10FFFF) {
        info.name = std::string_view(label, write_label(label, cp));
    }
    info.block = index::block_name(cp);
    if (const char* gc = u_getPropertyValueName(UCHAR_GENERAL_CATEGORY, u_charType(c), U_SHORT_PROPERTY_NAME))
        info.gc = gc;
    std::uint32_t age = age_of(cp);
    if (age != 0) {
        auto known = std::find(age_values.begin(), age_values.end(), age);
        if (known != age_values.end()) {
            info.age = ages[known - age_values.begin()];
        } else {
            int n = std::snprintf(age_text, sizeof age_text, "%u.%u", age >> 8, age & 0xFF);
            info.age = std::string_view(age_text, static_cast<std::size_t>(std::max(n, 0)));
        }
    }
    info.aliases = idx.aliases_of(cp);
    info.written_raw = written_raw(cp);
    return info;
}

}  // namespace

character_info describe(const index& idx, char32_t cp) {
    return describe_at(idx, cp, cp <= 0x10FFFF ? idx.entry_of(cp) : index::no_entry);
}

character_info describe_entry(const index& idx, index::entry_id e) {
    return describe_at(idx, idx.code_point(e), e);
}

void append_identified_line(std::string& out, const index& idx, char32_t cp) {
    index::entry_id e = cp <= 0x10FFFF ? idx.entry_of(cp) : index::no_entry;
    if (e != index::no_entry) {
        out += idx.line(e);
        return;
    }
    char label[32];
    std::size_t label_size = cp <= 0x10FFFF ? write_label(label, cp) : 0;
    append_hex(out, cp);
    out += '\t';
    char32_t shown = written_raw(cp) ? cp : 0xFFFD;
    char bytes[4];
    int32_t size = 0;
    U8_APPEND_UNSAFE(bytes, size, shown);
    out.append(bytes, static_cast<std::size_t>(size));
    out += '\t';
    out.append(label, label_size);
    out += "\r\n";
}

}  // namespace mojifinder::search
