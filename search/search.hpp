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
//
// The query language (mode::full). Terms are separated by Unicode white
// space, ANDed, in any order; case never matters (full case mapping).
// An entry is a named character or an emoji sequence (index.hpp); answers
// are in entry order (code point sequence order), or, with options::sort
// order::relevance, best match first (docs/PROTOCOL.md "Relevance": the
// whole name or short name, then names' words, informal aliases, keywords,
// definitions, readings; prefixes just below words; the weakest term
// decides; then fewer extra words; then entry order).
//   cat face            words: every word is a word of the entry's name, of
//                       one of its other names (the character's formal
//                       aliases, a sequence's name), of its informal
//                       aliases (NamesList.txt), of its Unihan definition,
//                       or of one of its CLDR keywords or its short name in
//                       the session's language (see Languages); '-' inside
//                       a term separates words (heart-shaped); a '-' alone
//                       separates.
//   smil*               prefix: any word starting with SMIL (hex words of
//                       algorithmic names included: 4e0*; informal aliases'
//                       and definitions' words too), and any keyword word
//                       starting with its folded form. A bare '*', or a
//                       '*' that does not end the word, is an error.
//   arrow -left         exclusion: a '-' at the start of a term excludes it
//                       (a word, prefix, phrase, code point, range or
//                       property), keywords included. In -heart-shaped only
//                       HEART is excluded: the inner '-' separates as in
//                       words. Only exclusions: an error.
//   "black chess"       phrase: these words next to each other, in order, in
//                       the name, one other name, one informal alias, the
//                       Unihan definition, or (folded as keywords are) one
//                       keyword or the short name in the session's
//                       language. Unclosed '"': an error.
//   U+1F600 u+1f600 0x1F600   a code point: that character alone (not the
//                       sequences that start with it). Without a name
//                       (unassigned, private use, a control, a surrogate) it
//                       is identified, as pasted text is.
//   U+2190..U+21FF      the named characters in the range (the second U+ or
//                       0x may be left out), and the sequences whose first
//                       code point is in it. Past U+10FFFF or reversed: an
//                       error.
//   block:arrows script:greek gc:Sm gc:math_symbol gc:S age:15.0 emoji:yes
//                       properties, names and values matched as ICU matches
//                       its aliases (case, ' ', '-', '_' ignored). script is
//                       the Script property (not Script_Extensions); age is
//                       the version that added the character, exactly. A
//                       sequence has its first code point's. An unknown
//                       property or value is an error naming the closest
//                       valid ones. A property alone lists all it has.
//   pinyin:shui kun:mizu  a Unihan reading, scoped (see Readings).
//   shuǐ shui3          a bare word with a tone: a reading (see Readings).
//   →←😀 café :) 猫      pasted text, or words of the language: see below.
//
// Languages. A session searches in one CLDR locale (English unless /lang
// says otherwise; engine::run()'s language). Its keywords and short names
// are split into words by keyword_words() (words.hpp: ICU's word break,
// case folding, and accent removal for the languages that fold accents:
// corazon finds corazón in Spanish), and a query term's keyword words are
// exactly keyword_words(term). A term that gives several keyword words
// (ICU splits "ネコの顔" into three) is the AND of them, as heart-shaped is
// of its two. Plain ASCII letters and digits are one keyword word,
// lower-cased, in every language. Names' words stay as they are (upper
// case, '-' separates), in every language; a term's keyword word of ASCII
// letters and digits is also its names' word, upper-cased (in Spanish
// "corazón" looks for CORAZON in names: the data file leaves a keyword's
// entries whose name has the word out of the keyword's list).
//
// Pasted text versus words. A term that, upper-cased, has any character
// other than A-Z, 0-9 and the syntax characters '-' and '*' (after the code
// point, range and property forms are recognized) cannot be a word of a name
// (they are A-Z and 0-9 only; index_test checks it). Unless it has a symbol
// (gc S: emoji, arrows) or another non-text code point (gc C but Cf), which is what
// is pasted to be identified, it is searched when
// keyword_words() finds at least one word in it and every one is in the
// session's vocabulary: a keyword word of its language, or, upper-cased
// (accents kept unless it folds to ASCII), a word of names or other names; with a single '*' at its
// end and one word, it is a prefix of keyword words ("ネコ*") when some
// keyword word starts with it. But one accented letter that folds to
// another ("é" to e, a keyword word of e-mail) is pasted text: it was pasted
// to be identified. Otherwise it is pasted text. So in Japanese
// "猫" finds the cats, while in English it is identified; "é", "café",
// "→←", "😀", "一", ":)" are pasted text unless the language has them as
// words (Spanish has café). "straße" (STRASSE) and "ſmall" (SMALL) are
// words in every language. Excluded, such a term's words are a phrase
// (-"ネコの顔"). Pasted text is identified instead of searched: grapheme
// cluster by grapheme cluster (ICU's character break iterator), in text
// order, a cluster that is an emoji sequence of the index (exactly, or once
// made fully-qualified: U+FE0F after each emoji code point without emoji
// presentation) gives the sequence's line first, and then every cluster
// gives one line per code point, so a cluster's code points are always
// consecutive lines (a character and U+FE0F is no sequence: its two code
// points). An excluded pasted term (-→) is an error.
//
// A query mixing pasted text and other terms: the identified lines come
// first, in text order (all pasted terms, left to right), then the answer to
// the other terms, in entry order, as if the pasted terms were not there;
// found() counts both. With only pasted terms, only identification. Pasted
// text with only exclusions beside it is the "only exclusions" error.
//
// Skin tones. The sequences with a skin tone modifier (U+1F3FB..U+1F3FF) are
// left out of the answer, and of found(), unless the query names a tone:
// one of its positive words, prefixes or phrases matches one of the five
// modifiers themselves in the session's language (in English: dark, light,
// medium, skin, tone, type, fitzpatrick...). So "firefighter" answers the
// firefighters without their five tones each, "firefighter dark" the ones
// with a dark skin tone. CLDR derives toned sequences' annotations rather
// than listing them, so when a tone is named a word or prefix also reaches
// a toned sequence whose base (without its modifiers, and if that is no
// entry, without U+FE0F too) or one of whose tones has it in a name, other
// name or keyword ("father medium": SANTA CLAUS: MEDIUM SKIN TONE, whose
// base is FATHER CHRISTMAS) (for at most 8 terms of a query). Identified pasted text and explicit
// code points are never left out.
//
// Aliases: the formal aliases of NameAliases.txt (correction, abbreviation,
// alternate) count as names in mode::full only; never those of controls (gc
// Cc), which are never answered. The answer line still shows the name.
//
// Informal aliases and definitions (issue 13): NamesList.txt's "= text"
// lines and Unihan's kDefinition, their words made as names' words are
// (index::word_table; upper_name_words() in words.hpp: ASCII letters
// upper-cased, digits, every other character separating), count in
// mode::full only, in every language, for words, prefixes and phrases.
//
// Readings: Unihan's kMandarin, kCantonese, kJapaneseKun, kJapaneseOn,
// kKorean, kVietnamese, looked up by their keys (index::reading_keys():
// lower-case; pinyin's tone marks as a final digit, ü as v; jyutping's final
// digit; Vietnamese in NFC, and without marks). A key with a tone matches
// that tone; without one, any tone (Vietnamese: any accents). A term looks
// readings up when it is scoped (pinyin: or mandarin:, cantonese: or
// jyutping:, kun: or japanesekun:, on: or japaneseon:, korean:, vietnamese:;
// as properties are, any case): that field only, nothing else; or when it
// is a bare word of Latin letters with a tone mark that is a Mandarin
// reading (shuǐ; two letters at least: é stays pasted text), which looks up
// Mandarin only; or a bare word ending in a tone number (shui3, huo3) that
// no name, alias, informal alias, keyword or definition has: Mandarin and
// Cantonese; or, with options::bare_readings (/readings on), any bare word:
// every field (shui, mizu). Excluded (-pinyin:shui) as other words. A
// reading of other letters (pinyin:水) or an empty one (pinyin:) is an
// error. Their lists follow the list kinds in search.cpp, one per field.
//
// Did you mean: when nothing is found because a word (of a term or of a
// phrase) is in no name, alias or keyword, hints() gives up to 3 words of
// names at most 2 edits away (1 for words under 5 letters; a swap of
// neighbours is one edit), closest first, then the most common,
// lower-case. Words with digits are only suggested for a query word with
// digits. Hints are English words of names in every language: a misspelt
// keyword of another language gets such hints or none.
//
// mode::classic is index::search exactly: words of characters' names only,
// no aliases (formal or informal), definitions, readings, sequences,
// keywords, hints, identification or errors (smil* is
// the word SMIL*, U+1F600 a word); the language is ignored.
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
    // Entries [first, last), consecutive, so their answer lines are
    // index::lines(first, last) in one view. Among the identified runs, a
    // sequence of pasted text is one such run of one entry.
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
    bool written_raw = true;  // false: the character field is U+FFFD (see written_raw())
};

// Where a query term matched an entry (issue 13): relevance order ranks by
// it, strongest first, and /why and JSON's "match" name it (field_label()).
enum class field : std::uint8_t {
    name,          // a word of the name (a sequence's name included)
    alias,         // a word of a formal alias (NameAliases.txt); ranks as a name
    informal,      // a word of an informal alias (NamesList.txt "= shift")
    keyword,       // a word of a CLDR keyword or short name in the session's language
    definition,    // a word of Unihan's English definition (kDefinition)
    mandarin,      // the readings (Unihan_Readings.txt), weakest
    cantonese,
    japanese_kun,
    japanese_on,
    korean,
    vietnamese,
};
inline constexpr std::size_t field_count = 11;
// "name", "alias", "informal", "keyword", "unihan:kDefinition",
// "unihan:kMandarin", "unihan:kCantonese", "unihan:kJapaneseKun",
// "unihan:kJapaneseOn", "unihan:kKorean", "unihan:kVietnamese".
std::string_view field_label(field f) noexcept;

// The order of an answer's entries (identified pasted text always comes
// first, in text order).
enum class order : std::uint8_t {
    code,       // entry order (code point sequence order): streams
    relevance,  // by how each entry matched (docs/PROTOCOL.md "Relevance")
};

// How engine::run() answers a query.
struct options {
    mode m = mode::full;
    // Keywords and short names in this language; no_language: English.
    index::language_id language = index::no_language;
    order sort = order::code;
    // Relevance order: only the first `top` entries are wanted (0: all),
    // so the engine keeps the best `top`, not the whole answer, in order.
    std::size_t top = 0;
    // /readings on: a bare term also matches Unihan readings (shui, mizu).
    bool bare_readings = false;
};

// Why an entry is in an answer (scratch::why()): per positive word or
// prefix of the query (a phrase's words are words; code points, ranges,
// properties and exclusions give none), where it matched and the text of
// that field: the name, the formal alias, the keyword or short name (in
// the session's language), the informal alias, the definition, the reading.
struct match {
    std::string_view term;  // as the query wrote it: "Cat", "smil*"
    field where = field::name;
    std::string_view text;
};

// The match that decides an entry's rank: the weakest field, the first
// such term (text mode's /why shows it); nullptr when there is none.
const match* weakest(std::span<const match> matches) noexcept;

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
    // How many lines the whole answer has (identified lines + entries).
    std::size_t found() const noexcept;
    // Did-you-mean words (lower-case), closest first, at most 3; only when
    // found() == 0 because a word is in no name.
    std::span<const std::string_view> hints() const noexcept;
    // The next run of the answer; false when the answer is over. In
    // relevance order every entry is a run of its own.
    bool next(run& r);
    // Why entry `e` of the last answer matched, one match per positive word
    // or prefix, in the query's order; made when asked (not while ranking),
    // valid until the next why() or run() with this scratch.
    std::span<const match> why(index::entry_id e);

private:
    friend class engine;
    struct state;
    std::unique_ptr<state> state_;
};

// A scratch lent from this thread's pool for as long as one answer is read
// out. A session holds one only from its query to the end of that answer
// (or of its /more), so quiet sessions hold none, and a burst of answers
// reuses a few scratches. Owned by each warm session instead, the scratches'
// buffers were freed between the blocks of long-lived sessions when those
// went quiet, and stayed resident: 0.8 KiB more per connection that had
// answered (mojifinder-probe hold, 10,000 connections; bench/notes.md).
class scratch_lease {
public:
    scratch_lease() noexcept = default;  // holds none yet
    ~scratch_lease() { release(); }
    scratch_lease(const scratch_lease&) = delete;
    scratch_lease& operator=(const scratch_lease&) = delete;

    // The scratch held, taken from the pool (or made) when none is.
    scratch& get();
    scratch* operator->() { return &get(); }
    // Gives the scratch back to this thread's pool (which keeps at most
    // pooled_scratches; past that it is freed). Views it gave out end here.
    void release() noexcept;
    bool holds() const noexcept { return held_ != nullptr; }

    static constexpr std::size_t pooled_scratches = 8;

private:
    std::unique_ptr<scratch> held_;
};

class engine {
public:
    explicit engine(const index& idx) noexcept : index_(idx) {}

    // `query` is a trimmed, valid UTF-8, non-blank line. Parses and runs it;
    // the answer (or error) is left in `s`, replacing the last one. Views
    // returned by `s` live until the next run() with the same scratch.
    void run(std::string_view query, mode m, index::language_id language, scratch& s) const;
    void run(std::string_view query, const options& o, scratch& s) const;
    // In English.
    void run(std::string_view query, mode m, scratch& s) const { run(query, m, index_.english(), s); }

    const index& data() const noexcept { return index_; }

private:
    const index& index_;
};

// Whether an answer may carry `cp` itself in its character field: not for
// controls, surrogates, noncharacters and unassigned code points (U+FFFD
// stands there instead), nor past U+10FFFF; private use is written raw.
bool written_raw(char32_t cp) noexcept;

// Everything JSON output needs about one code point. Views point into the
// index or into ICU's static data, except a label (name of an unnamed code
// point) and an age ICU 72 does not know, which live in a per-thread buffer
// until this thread's next describe().
character_info describe(const index& idx, char32_t cp);
// The same for an entry (a sequence's: its first code point's).
character_info describe_entry(const index& idx, index::entry_id e);

// Appends the text line for an identified code point, as PROTOCOL.md
// defines it: "U+0378\t\uFFFD\t<unassigned-0378>\r\n". A named character
// gets its index line. Otherwise the name field is its code point label:
// <control-0085>, <private-use-E000>, <surrogate-D800>, <noncharacter-FFFF>,
// <unassigned-0378>; and the character field is U+FFFD for controls,
// surrogates, noncharacters and unassigned code points (never the raw
// bytes), the character itself for private use.
void append_identified_line(std::string& out, const index& idx, char32_t cp);

}  // namespace mojifinder::search
