// Flow: build() enumerates ICU's names once, in code point order. Each name
// is written as an answer line straight into text_, and each of its words is
// looked up in (or added to) an open-addressing table whose keys are views
// into text_, so word text is never stored twice; the words a name shares with
// the previous name's start keep that name's ids without a look-up. The word
// ids are recorded entry by entry with their counts, and one pass over them
// then lays the posting lists out in one flat array, filled in entry order,
// which makes every list ascending without a sort. Most of the build's time
// is first touches of fresh pages (~8 MB) and ICU's own enumeration.
//
// search() splits the query, takes each word's list and intersects them
// smallest first, each pair by galloping from both sides.
//
// Last, the build lays out what the query language needs beside: the word
// ids grouped by their first two characters (prefixes), and the formal
// aliases' own words and posting lists. Their entries are noted as the names
// go by, and each new word's group as it is added, while its text is in the
// cache: this adds ~0.15 ms to a ~9 ms build.
#include "index.hpp"

#include "data_file.hpp"

#include "ucd_tables.hpp"
#include "words.hpp"

#include <unicode/uchar.h>
#include <unicode/utf8.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <utility>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>

namespace mojifinder {
namespace {

// The first element of [from, end) not below `e`, in steps that double from
// `from`: one look when it is near (lists of similar size), logarithmic when
// it is far (a short list against CJK's 98,000).
const index::entry_id* gallop(const index::entry_id* from, const index::entry_id* end,
                              index::entry_id e) noexcept {
    if (from == end || *from >= e) return from;
    std::ptrdiff_t step = 1;  // from[0] < e: the answer is past it
    while (end - from > step && from[step] < e) {
        from += step;
        step *= 2;
    }
    return std::lower_bound(from + 1, from + std::min(step + 1, end - from), e);
}

// The entries in both lists, ascending, into `out`. Each list in turn
// gallops to the other's current entry, so a run that only one list has is
// crossed in logarithmic time whatever the sizes: the lists cluster by block
// (arrows, chess symbols, CJK), and "arrow left" (two lists of ~500, 41 in
// common) costs a few dozen gallops instead of a thousand-step merge.
void common_entries(std::span<const index::entry_id> a, std::span<const index::entry_id> b,
                    std::vector<index::entry_id>& out) {
    out.clear();
    const index::entry_id *i = a.data(), *i_end = i + a.size();
    const index::entry_id *j = b.data(), *j_end = j + b.size();
    while (i != i_end && j != j_end) {
        if (*i == *j) {
            out.push_back(*i++);
            ++j;
        } else if (*i < *j) {
            i = gallop(i, i_end, *j);
        } else {
            j = gallop(j, j_end, *i);
        }
    }
}

// The length of the common prefix of `a` and `b`, eight bytes at a time.
std::size_t common_prefix(std::string_view a, std::string_view b) noexcept {
    std::size_t n = std::min(a.size(), b.size()), i = 0;
    for (; i + 8 <= n; i += 8) {
        std::uint64_t x, y;
        std::memcpy(&x, a.data() + i, 8);
        std::memcpy(&y, b.data() + i, 8);
        if (x != y) {
            int bits = std::endian::native == std::endian::little ? std::countr_zero(x ^ y)
                                                                  : std::countl_zero(x ^ y);
            return i + static_cast<std::size_t>(bits) / 8;
        }
    }
    while (i < n && a[i] == b[i]) ++i;
    return i;
}

// Equality for the short words of names, inline: a call to memcmp costs
// more than the few bytes it compares.
bool same_text(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i] != b[i]) return false;
    return true;
}

// The code point that a word of four to six upper-case hex digits spells
// ("4E00"); any other word spells none.
std::optional<char32_t> hex_value(std::string_view word) noexcept {
    if (word.size() < 4 || word.size() > 6) return std::nullopt;
    char32_t cp = 0;
    for (char c : word) {
        if (c >= '0' && c <= '9')
            cp = cp * 16 + static_cast<char32_t>(c - '0');
        else if (c >= 'A' && c <= 'F')
            cp = cp * 16 + static_cast<char32_t>(c - 'A' + 10);
        else
            return std::nullopt;
    }
    return cp;
}

// How many hex digits an answer line gives a code point: at least four.
std::size_t hex_digits(char32_t cp) noexcept { return cp > 0xFFFFF ? 6 : cp > 0xFFFF ? 5 : 4; }

// The longest answer line for a name of this size: "U+", six hex digits, TAB,
// the character, TAB, the name, CRLF.
constexpr std::size_t max_line_size(std::size_t name_size) noexcept {
    return 2 + 6 + 1 + U8_MAX_LENGTH + 1 + name_size + 2;
}

// Writes the answer line into `out`, which has room for max_line_size() bytes,
// and returns its size. Byte by byte into place: the build writes 149,186
// lines, and going through std::string's append costs more than the bytes.
std::size_t write_answer_line(char* out, char32_t cp, std::string_view name) noexcept {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::size_t n = 0;
    out[n++] = 'U';
    out[n++] = '+';
    for (int shift = static_cast<int>(hex_digits(cp)) * 4 - 4; shift >= 0; shift -= 4)
        out[n++] = digits[(cp >> shift) & 0xF];
    out[n++] = '\t';
    U8_APPEND_UNSAFE(out, n, cp);
    out[n++] = '\t';
    std::memcpy(out + n, name.data(), name.size());
    n += name.size();
    out[n++] = '\r';
    out[n++] = '\n';
    return n;
}

// Maps the whole pages within [data, data + size) in one system call,
// before they are written: the build writes ~8 MB into fresh memory, and
// taking those pages one fault at a time costs about a fifth of it. Where
// MADV_POPULATE_WRITE is missing (Linux before 5.14) or fails, the pages
// fault in one by one as usual.
void prefault(char* data, std::size_t size) noexcept {
#ifdef MADV_POPULATE_WRITE
    static const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
    auto begin = (reinterpret_cast<std::uintptr_t>(data) + page - 1) & ~(page - 1);
    auto end = (reinterpret_cast<std::uintptr_t>(data) + size) & ~(page - 1);
    if (begin < end) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);
#else
    (void)data;
    (void)size;
#endif
}

}  // namespace

void append_answer_line(std::string& out, char32_t cp, std::string_view name) {
    std::size_t at = out.size();
    out.resize(at + max_line_size(name.size()));
    out.resize(at + write_answer_line(out.data() + at, cp, name));
}

// The names' arrays as the builder makes them: index::open() points its
// spans at a file's copy of them (or, until the data file is wired, at these).
struct names_tables {
    std::unique_ptr<char[]> text_;
    std::size_t text_capacity_ = 0;
    std::vector<std::uint32_t> line_start_;
    std::vector<index::entry_id> self_named_;
    std::vector<std::uint32_t> word_text_;
    std::vector<std::uint8_t> word_size_;
    std::vector<std::uint32_t> posting_start_;
    std::vector<index::entry_id> postings_;
    std::vector<std::uint32_t> slots_;
    std::vector<index::word_id> words_by_start_;
    std::vector<std::uint32_t> start_group_;
    std::vector<std::string_view> alias_words_;
    std::vector<std::uint32_t> alias_posting_start_;
    std::vector<index::entry_id> alias_postings_;
    std::vector<char32_t> alias_code_points_;
    std::vector<std::string_view> alias_names_;
    std::vector<index::entry_id> sequences_, toned_;
    // One language, English, with no keywords yet.
    std::vector<std::uint32_t> zero{0};
    // The names' word table, for self_named_with() during the build.
    index view() const;
};

class index_builder {
public:
    names_tables build() {
        // Room for Unicode 15 and then some: ~5.8 MB of lines, 149,186 names,
        // ~98,000 self-named, ~29,000 words, ~490,000 word occurrences. Arrays
        // reserved once are never copied, and the pages they leave untouched
        // cost no RSS, so they are not shrunk afterwards either (a shrink is a
        // copy, and fresh pages: the build's cost is mostly first touches).
        // A later Unicode only makes them grow as usual.
        reserve_text(8u << 20);
        idx_.line_start_.reserve(1u << 18);
        idx_.self_named_.reserve(1u << 17);
        reserve_words(1u << 15);
        occurrences_.reserve(1u << 20);
        idx_.slots_.assign(1u << 16, 0);
        reserve_aliases();
        UErrorCode status = U_ZERO_ERROR;
        u_enumCharNames(0x20, UCHAR_MAX_VALUE + 1, &index_builder::on_name, this,
                        U_UNICODE_CHAR_NAME, &status);
        if (U_FAILURE(status))
            throw std::runtime_error(std::string("ICU cannot enumerate names: ") +
                                     u_errorName(status));
        idx_.line_start_.push_back(static_cast<std::uint32_t>(text_size_));
        take_back_shared_hex_words();
        lay_out_postings();
        lay_out_vocabulary();
        lay_out_aliases();
        return std::move(idx_);
    }

private:
    static UBool on_name(void* self, UChar32 cp, UCharNameChoice, const char* name,
                         int32_t size) {
        static_cast<index_builder*>(self)->add(static_cast<char32_t>(cp), {name, std::size_t(size)});
        return true;
    }

    // Consecutive names share leading words ("CJK UNIFIED IDEOGRAPH-" for
    // ~98,000 of them, "LATIN SMALL LETTER "): a word that ends, separator
    // included, inside the part this name has in common with the previous one
    // is the previous name's word at the same place, so its id is taken from
    // there without scanning or hashing. That skips ~70% of the table look-ups.
    void add(char32_t cp, std::string_view name) {
        auto entry = static_cast<index::entry_id>(idx_.line_start_.size());
        auto first_occurrence = occurrences_.size();
        auto line_start = text_size_;
        idx_.line_start_.push_back(static_cast<std::uint32_t>(line_start));
        if (text_size_ + max_line_size(name.size()) > idx_.text_capacity_)
            reserve_text(idx_.text_capacity_ * 2);
        char* text = idx_.text_.get();
        if (text_size_ + max_line_size(name.size()) > text_prefaulted_) {
            // A chunk at a time, so at most one chunk past the end is mapped
            // without being used.
            constexpr std::size_t chunk = 64u << 10;
            prefault(text + text_prefaulted_, std::min(chunk, idx_.text_capacity_ - text_prefaulted_));
            text_prefaulted_ += chunk;
        }
        text_size_ += write_answer_line(text + text_size_, cp, name);
        if (cp >= next_alias_code_point_) note_aliases(cp, entry);
        auto name_start = text_size_ - 2 - name.size();
        std::string_view previous(text + previous_name_start_, previous_name_size_);
        std::size_t shared = common_prefix(name, previous);
        previous_name_start_ = name_start;
        previous_name_size_ = name.size();

        // words_[k] is the previous name's k-th word until this name's
        // replaces it; the shared ones stay as they are.
        std::size_t k = 0;
        while (k < words_.size() && words_[k].end < shared && words_[k].id != index::no_word)
            note_word(words_[k++].id, entry);
        words_.resize(k);
        std::size_t start = k == 0 ? 0 : words_[k - 1].end + 1;

        // ICU's names are upper-case ASCII already: only the split is needed.
        std::string_view hex(text + line_start + 2, hex_digits(cp));
        for (std::size_t i = start; i <= name.size(); ++i) {
            if (i < name.size() && name[i] != ' ' && name[i] != '-') continue;
            std::string_view word = name.substr(start, i - start);
            start = i + 1;
            if (word.empty()) continue;
            if (same_text(word, hex)) {
                idx_.self_named_.push_back(entry);
                words_.push_back({index::no_word, i});
                continue;
            }
            std::uint32_t id = find_or_add(word, name_start + static_cast<std::size_t>(word.data() - name.data()));
            words_.push_back({id, i});
            note_word(id, entry);
        }
        if (occurrences_.size() == first_occurrence)
            occurrences_.push_back(entry_starts | no_posting);
        else
            occurrences_[first_occurrence] |= entry_starts;
    }

    // The entries of the aliased code points, met in code point order as
    // NameAliases.txt is, so that no search is needed for them.
    void note_aliases(char32_t cp, index::entry_id entry) {
        const std::size_t n = detail::name_alias_count;
        while (alias_at_ < n && detail::name_aliases[alias_at_].code_point < cp) ++alias_at_;
        for (; alias_at_ < n && detail::name_aliases[alias_at_].code_point == cp; ++alias_at_)
            alias_entries_[alias_at_] = entry;
        next_alias_code_point_ = alias_at_ < n ? detail::name_aliases[alias_at_].code_point : ~char32_t{0};
    }

    void note_word(std::uint32_t id, index::entry_id entry) {
        if (last_entry_[id] == entry + 1) return;  // "DOT BELOW AND DOT ABOVE"
        last_entry_[id] = entry + 1;
        ++count_[id];
        occurrences_.push_back(id);
    }

    // `offset`: where this occurrence of the word is in text_; a new word's
    // text stays there.
    std::uint32_t find_or_add(std::string_view word, std::size_t offset) {
        auto& slots = idx_.slots_;
        std::size_t mask = slots.size() - 1;
        for (std::size_t i = data_file::slot_of(word, slots.size());; i = (i + 1) & mask) {
            std::uint32_t slot = slots[i];
            if (slot == 0) {
                auto id = static_cast<std::uint32_t>(idx_.word_text_.size());
                slots[i] = id + 1;
                idx_.word_text_.push_back(static_cast<std::uint32_t>(offset));
                idx_.word_size_.push_back(static_cast<std::uint8_t>(word.size()));
                count_.push_back(0);
                last_entry_.push_back(0);
                if (hex_value(word)) hex_words_.push_back(id);
                note_new_word(word);
                if (idx_.word_text_.size() * 2 > slots.size()) grow();
                return id;
            }
            if (same_text(word_at(slot - 1), word)) return slot - 1;
        }
    }

    std::string_view word_at(std::uint32_t id) const {
        return {idx_.text_.get() + idx_.word_text_[id], idx_.word_size_[id]};
    }

    // Left uninitialised: only the pages the lines reach become resident.
    void reserve_text(std::size_t capacity) {
        auto text = std::make_unique_for_overwrite<char[]>(capacity);
        if (text_size_ != 0) std::memcpy(text.get(), idx_.text_.get(), text_size_);
        idx_.text_ = std::move(text);
        idx_.text_capacity_ = capacity;
    }

    void reserve_words(std::size_t words) {
        idx_.word_text_.reserve(words);
        idx_.word_size_.reserve(words);
        count_.reserve(words);
        last_entry_.reserve(words);
        word_groups_.reserve(words);
        // The vocabulary's layout too, before the big temporaries. (A loop
        // of builds, as IndexBuild runs, is sensitive to the heap's shape:
        // with ~0.5 MB more allocated late, glibc trimmed and regrew its heap
        // on every build, ~1,000 page faults and +4 ms a build.)
        idx_.words_by_start_.reserve(words);
        idx_.start_group_.reserve(data_file::start_codes * data_file::start_codes + 1);
    }

    void grow() {
        std::vector<std::uint32_t> slots(idx_.slots_.size() * 2, 0);
        std::size_t mask = slots.size() - 1;
        for (std::uint32_t id = 0; id < idx_.word_text_.size(); ++id) {
            std::size_t i = data_file::slot_of(word_at(id), slots.size());
            while (slots[i] != 0) i = (i + 1) & mask;
            slots[i] = id + 1;
        }
        idx_.slots_ = std::move(slots);
    }

    // A character's own hex word can also be a plain word of another name
    // ("SQUARED CJK UNIFIED IDEOGRAPH-4E00", "BRAILLE PATTERN DOTS-23456"):
    // such a word goes through the table, with every character that has it.
    // The table's few hex-looking words are what gets checked, against the
    // ~98,000 self-named entries by code point.
    void take_back_shared_hex_words() {
        const index names = idx_.view();
        for (std::uint32_t id : hex_words_) {
            auto self = names.self_named_with(word_at(id));
            if (self.empty()) continue;
            shared_hex_.push_back({self.front(), id});
            ++count_[id];
        }
        std::sort(shared_hex_.begin(), shared_hex_.end());
        auto& named = idx_.self_named_;
        auto shared = shared_hex_.begin();
        auto kept = std::remove_if(named.begin(), named.end(), [&](index::entry_id e) {
            while (shared != shared_hex_.end() && shared->first < e) ++shared;
            return shared != shared_hex_.end() && shared->first == e;
        });
        named.erase(kept, named.end());
    }

    void lay_out_postings() {
        auto& start = idx_.posting_start_;
        start.resize(count_.size() + 1);
        std::uint32_t sum = 0;
        for (std::size_t w = 0; w < count_.size(); ++w) {
            start[w] = sum;
            sum += count_[w];
        }
        start.back() = sum;
        idx_.postings_.reserve(sum);
        prefault(reinterpret_cast<char*>(idx_.postings_.data()), std::size_t{sum} * sizeof(index::entry_id));
        idx_.postings_.resize(sum);
        std::vector<std::uint32_t>& next = count_;  // reused as fill cursors
        std::copy(start.begin(), start.end() - 1, next.begin());
        // One pass without a branch per entry: the entry number steps at each
        // marked occurrence, and the rare shared hex words are placed when
        // their entry comes up, before any later entry of the same word.
        auto shared = shared_hex_.begin();
        index::entry_id e = ~index::entry_id{0};
        for (std::uint32_t occurrence : occurrences_) {
            e += occurrence >> 31;  // entry_starts
            std::uint32_t id = occurrence & ~entry_starts;
            for (; shared != shared_hex_.end() && shared->first == e; ++shared)
                idx_.postings_[next[shared->second]++] = e;
            if (id != no_posting) idx_.postings_[next[id]++] = e;
        }
    }

    // A new word's group, made while its text is still in the cache:
    // reading the 29,000 words back from all over the 6 MB of lines
    // afterwards costs ~0.3 ms of cache misses.
    void note_new_word(std::string_view word) {
        std::size_t group = data_file::start_group(word);
        word_groups_.push_back(static_cast<std::uint16_t>(group));
    }

    // Counting sort's last step, in place: each word id into its group, with
    // the group starts themselves as cursors (each ends on the next group's
    // start, so they are shifted back afterwards), so no temporary array.
    template <class Group>
    static void place_by_group(std::vector<std::uint32_t>& start, std::vector<index::word_id>& out, Group group) {
        for (index::word_id w = 0; w < out.size(); ++w) out[start[group(w)]++] = w;
        for (std::size_t g = start.size() - 1; g > 0; --g) start[g] = start[g - 1];
        start[0] = 0;
    }

    // The word ids grouped by their first two characters: a counting sort
    // (~0.05 ms). A sorted vocabulary would serve prefixes too,
    // but sorting 29,000 words cost 0.4 to 1.2 ms, 5 to 13% of the build;
    // the group of "SM" holds ~150 words, scanned in a microsecond or two.
    void lay_out_vocabulary() {
        const std::size_t n = idx_.word_text_.size();
        auto& group_start = idx_.start_group_;
        group_start.assign(data_file::start_codes * data_file::start_codes + 1, 0);
        for (auto g : word_groups_) ++group_start[g + 1u];
        for (std::size_t g = 1; g < group_start.size(); ++g) group_start[g] += group_start[g - 1];
        idx_.words_by_start_.resize(n);
        place_by_group(group_start, idx_.words_by_start_, [&](index::word_id w) { return word_groups_[w]; });
    }

    // The aliases for describe(), all of them; their words and posting lists
    // for search, of named characters other than controls (gc Cc: never
    // answered). NameAliases.txt is in code point order, so every posting
    // list comes out ascending once the (word, entry) pairs are sorted.
    // Every array the aliases need, at its final size, before the names are
    // read: allocated after the build's big temporaries instead, these few
    // kilobytes left glibc's heap to be trimmed and grown again on every
    // build (1,000 page faults, +4 ms a build in a loop of builds).
    void reserve_aliases() {
        const std::size_t n = detail::name_alias_count;
        std::size_t words = 0;
        for (std::size_t i = 0; i < n; ++i)
            words += static_cast<std::size_t>(std::count_if(detail::name_aliases[i].alias.begin(),
                                                            detail::name_aliases[i].alias.end(),
                                                            [](char c) { return c == ' ' || c == '-'; })) + 1;
        idx_.alias_code_points_.reserve(n);
        idx_.alias_names_.reserve(n);
        alias_entries_.assign(n, index::no_entry);
        alias_pairs_.reserve(words);
        idx_.alias_words_.reserve(words);
        idx_.alias_posting_start_.reserve(words + 1);
        idx_.alias_postings_.reserve(words);
    }

    void lay_out_aliases() {
        const std::size_t n = detail::name_alias_count;
        auto& pairs = alias_pairs_;
        for (std::size_t i = 0; i < n; ++i) {
            const auto& a = detail::name_aliases[i];
            idx_.alias_code_points_.push_back(a.code_point);
            idx_.alias_names_.push_back(a.alias);
            index::entry_id e = i < alias_entries_.size() ? alias_entries_[i] : index::no_entry;
            if (e == index::no_entry || u_charType(static_cast<UChar32>(a.code_point)) == U_CONTROL_CHAR) continue;
            std::string_view rest = a.alias;
            while (!rest.empty()) {
                std::size_t end = std::min(rest.find_first_of(" -"), rest.size());
                if (end > 0) pairs.emplace_back(rest.substr(0, end), e);
                rest.remove_prefix(std::min(end + 1, rest.size()));
            }
        }
        std::sort(pairs.begin(), pairs.end());
        pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
        for (const auto& [word, e] : pairs) {
            if (idx_.alias_words_.empty() || idx_.alias_words_.back() != word) {
                idx_.alias_words_.push_back(word);
                idx_.alias_posting_start_.push_back(static_cast<std::uint32_t>(idx_.alias_postings_.size()));
            }
            idx_.alias_postings_.push_back(e);
        }
        idx_.alias_posting_start_.push_back(static_cast<std::uint32_t>(idx_.alias_postings_.size()));
    }

    names_tables idx_;
    std::size_t text_size_ = 0;        // bytes of idx_.text_ written
    std::size_t text_prefaulted_ = 0;  // bytes of idx_.text_ prefault() has mapped
    std::vector<std::uint32_t> count_;
    std::vector<std::uint32_t> last_entry_;   // entry + 1 that last used the word
    // Word ids, entry by entry, the first of each entry marked with
    // entry_starts; an entry without a word in the table has one no_posting.
    static constexpr std::uint32_t entry_starts = 1u << 31;
    static constexpr std::uint32_t no_posting = entry_starts - 1;
    std::vector<std::uint32_t> occurrences_;
    std::vector<std::uint32_t> hex_words_;  // ids of the words hex_value() reads
    std::vector<std::uint16_t> word_groups_;  // per word: the group of its first two characters
    std::vector<index::entry_id> alias_entries_;  // per alias in name_aliases: its entry, or no_entry
    std::size_t alias_at_ = 0;                    // the next alias note_aliases() looks for
    std::vector<std::pair<std::string_view, index::entry_id>> alias_pairs_;  // (word, entry)
    char32_t next_alias_code_point_ = 0;
    std::vector<std::pair<index::entry_id, std::uint32_t>> shared_hex_;  // entry, word id
    // The previous name, in text_, and its words in order.
    struct name_word {
        std::uint32_t id;  // no_word for the name's own hex word
        std::size_t end;   // where the word ends in the name
    };
    std::size_t previous_name_start_ = 0;
    std::size_t previous_name_size_ = 0;
    std::vector<name_word> words_;
};

index names_tables::view() const {
    index idx;
    idx.text_ = {text_.get(), text_capacity_};
    idx.line_start_ = line_start_;
    idx.self_named_ = self_named_;
    idx.word_text_ = word_text_;
    idx.word_size_ = word_size_;
    idx.posting_start_ = posting_start_;
    idx.postings_ = postings_;
    idx.slots_ = slots_;
    idx.words_by_start_ = words_by_start_;
    idx.start_group_ = start_group_;
    idx.alias_words_ = alias_words_;
    idx.alias_posting_start_ = alias_posting_start_;
    idx.alias_postings_ = alias_postings_;
    idx.alias_code_points_ = alias_code_points_;
    idx.alias_names_ = alias_names_;
    idx.sequences_ = sequences_;
    idx.toned_ = toned_;
    index::language en;
    en.tag = "en";
    en.name = "English";
    en.folds_accents = true;
    en.word_start = zero;
    en.posting_start = zero;
    en.keyword_start = zero;
    idx.languages_.push_back(en);
    return idx;
}

// Until the data file is wired: built in-process, owned by the mapping.
index index::open(const std::string&) {
    auto tables = std::make_shared<names_tables>(index_builder{}.build());
    index idx = tables->view();
    idx.mapping_ = tables;
    idx.versions_ = {U_UNICODE_VERSION, "41", U_ICU_VERSION};
    return idx;
}

std::string index::build_tree_data_path() { return MOJIFINDER_BUILD_TREE_DATA; }

index::data_versions index::versions() const noexcept { return versions_; }

std::string_view index::hex_of(entry_id e) const noexcept {
    const char* hex = text_.data() + line_start_[e] + 2;  // after "U+"
    std::size_t n = 0;
    while (n < 6 && hex[n] != '\t' && hex[n] != ' ') ++n;
    return {hex, n};
}

bool index::is_sequence(entry_id e) const noexcept {
    std::string_view h = hex_of(e);
    return h.data()[h.size()] == ' ';
}

std::size_t index::code_points(entry_id e, std::span<char32_t, max_sequence> out) const noexcept {
    std::string_view l = line(e);
    std::size_t n = 0, i = 0;
    while (n < max_sequence && i + 2 < l.size() && l[i] == 'U' && l[i + 1] == '+') {
        std::size_t end = i + 2;
        while (end < l.size() && l[end] != ' ' && l[end] != '\t') ++end;
        out[n++] = *hex_value(l.substr(i + 2, end - i - 2));
        if (end >= l.size() || l[end] == '\t') break;
        i = end + 1;
    }
    return n;
}

char32_t index::code_point(entry_id e) const noexcept { return *hex_value(hex_of(e)); }

std::span<const index::entry_id> index::self_named_with(std::string_view word) const noexcept {
    auto cp = hex_value(word);
    if (!cp) return {};
    auto it = std::lower_bound(self_named_.begin(), self_named_.end(), *cp,
                               [this](entry_id e, char32_t v) { return code_point(e) < v; });
    // "04E00" parses as U+4E00 too, but is not the word in its name.
    if (it == self_named_.end() || hex_of(*it) != word) return {};
    return {&*it, 1};
}

std::string_view index::name(entry_id e) const noexcept {
    std::string_view l = line(e);
    l.remove_suffix(2);  // CRLF
    return l.substr(l.rfind('\t') + 1);
}

std::uint32_t index::find_word(std::string_view word) const noexcept {
    std::size_t mask = slots_.size() - 1;
    for (std::size_t i = data_file::slot_of(word, slots_.size());; i = (i + 1) & mask) {
        std::uint32_t slot = slots_[i];
        if (slot == 0) return no_word;
        if (same_text(std::string_view(text_.data() + word_text_[slot - 1], word_size_[slot - 1]), word))
            return slot - 1;
    }
}

std::span<const index::entry_id> index::entries_with(std::string_view word) const noexcept {
    std::uint32_t id = find_word(word);
    if (id == no_word) return self_named_with(word);
    return {postings_.data() + posting_start_[id], postings_.data() + posting_start_[id + 1]};
}

std::span<const index::entry_id> index::search(std::string_view query,
                                               search_scratch& s) const {
    split_words(query, s.text, s.words);
    if (s.words.empty()) return {};
    s.lists.clear();
    for (std::string_view w : s.words) {
        auto list = entries_with(w);
        if (list.empty()) return {};
        s.lists.push_back(list);
    }
    return intersect(s);
}

std::span<const index::entry_id> index::intersect(search_scratch& s) const {
    if (s.lists.empty()) return {};
    std::sort(s.lists.begin(), s.lists.end(),
              [](auto a, auto b) { return a.size() < b.size(); });

    // Smallest lists first: each step can only shrink the candidates. The
    // smallest list is read where it is, not copied.
    std::span<const entry_id> found = s.lists.front();
    // No answer is longer than the smallest list: with room for that in
    // both buffers, the steps (which swap them) allocate nothing once warm.
    s.result.reserve(found.size());
    s.spare.reserve(found.size());
    for (std::size_t k = 1; k < s.lists.size() && !found.empty(); ++k) {
        if (s.lists[k].data() == s.lists[k - 1].data()) continue;  // a repeated word
        common_entries(found, s.lists[k], s.spare);
        s.result.swap(s.spare);
        found = s.result;
    }
    return found;
}

index::entry_id index::first_entry_from(char32_t cp) const noexcept {
    entry_id lo = 0, hi = static_cast<entry_id>(size());
    while (lo < hi) {
        entry_id mid = lo + (hi - lo) / 2;
        if (code_point(mid) < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

index::entry_id index::entry_of(char32_t cp) const noexcept {
    entry_id e = first_entry_from(cp);
    return e < size() && code_point(e) == cp && !is_sequence(e) ? e : no_entry;
}

index::entry_id index::entry_of(std::u32string_view cps) const noexcept {
    if (cps.empty()) return no_entry;
    if (cps.size() == 1) return entry_of(cps[0]);
    // Sequences follow their first code point's entry, in sequence order.
    std::array<char32_t, max_sequence> buffer;
    auto it = std::lower_bound(sequences_.begin(), sequences_.end(), cps, [&](entry_id e, std::u32string_view v) {
        std::u32string_view have(buffer.data(), code_points(e, buffer));
        return have < v;
    });
    if (it == sequences_.end()) return no_entry;
    std::u32string_view have(buffer.data(), code_points(*it, buffer));
    return have == cps ? *it : no_entry;
}


std::span<const index::word_id> index::words_sharing_start(std::string_view prefix) const noexcept {
    using data_file::start_code;
    using data_file::start_codes;
    std::size_t first = 0, last = start_codes * start_codes;
    if (prefix.size() == 1) {
        first = start_code(prefix[0]) * start_codes;
        last = first + start_codes;
    } else if (prefix.size() >= 2) {
        first = start_code(prefix[0]) * start_codes + start_code(prefix[1]);
        last = first + 1;
    }
    return {words_by_start_.data() + start_group_[first], words_by_start_.data() + start_group_[last]};
}

index::self_named_runs index::self_named_with_prefix(std::string_view prefix) const noexcept {
    self_named_runs found;
    if (prefix.empty() || prefix.size() > 6) return found;
    std::uint64_t value = 0;
    for (char c : prefix) {
        if (c >= '0' && c <= '9')
            value = value * 16 + static_cast<std::uint64_t>(c - '0');
        else if (c >= 'A' && c <= 'F')
            value = value * 16 + static_cast<std::uint64_t>(c - 'A' + 10);
        else
            return found;
    }
    // A hex word has 4 digits below U+10000, 5 below U+100000, else 6.
    constexpr std::uint64_t digits_from[] = {0, 0x10000, 0x100000, 0x110000};
    for (std::size_t digits = std::max<std::size_t>(4, prefix.size()); digits <= 6; ++digits) {
        std::uint64_t shift = 4 * (digits - prefix.size());
        std::uint64_t lo = std::max(value << shift, digits_from[digits - 4]);
        std::uint64_t hi = std::min((value + 1) << shift, digits_from[digits - 3]);
        if (lo >= hi) continue;
        auto by_cp = [this](entry_id e, std::uint64_t v) { return code_point(e) < v; };
        auto first = std::lower_bound(self_named_.begin(), self_named_.end(), lo, by_cp);
        auto last = std::lower_bound(first, self_named_.end(), hi, by_cp);
        found.runs[digits - 4] = {self_named_.data() + (first - self_named_.begin()),
                                  static_cast<std::size_t>(last - first)};
    }
    return found;
}

std::uint32_t index::letter_classes_of(std::string_view upper_word) noexcept {
    std::uint32_t mask = 0;
    for (char c : upper_word) {
        if (c >= 'A' && c <= 'Z')
            mask |= 1u << (c - 'A');
        else if (c >= '0' && c <= '9')
            mask |= 1u << (26 + (c - '0') % 6);
    }
    return mask;
}

std::span<const index::entry_id> index::alias_entries_with(std::string_view word) const noexcept {
    auto it = std::lower_bound(alias_words_.begin(), alias_words_.end(), word);
    if (it == alias_words_.end() || *it != word) return {};
    return alias_entries_of(static_cast<std::size_t>(it - alias_words_.begin()));
}

std::span<const std::string_view> index::aliases_of(char32_t cp) const noexcept {
    auto [first, last] = std::equal_range(alias_code_points_.begin(), alias_code_points_.end(), cp);
    return {alias_names_.data() + (first - alias_code_points_.begin()),
            static_cast<std::size_t>(last - first)};
}

std::string_view index::block_name(char32_t cp) noexcept {
    const detail::unicode_block* end = detail::unicode_blocks + detail::unicode_block_count;
    const detail::unicode_block* b = std::upper_bound(
        detail::unicode_blocks, end, cp, [](char32_t c, const detail::unicode_block& block) { return c < block.first; });
    if (b == detail::unicode_blocks || cp > (b - 1)->last) return "No_Block";
    return (b - 1)->name;
}

std::size_t index::memory_bytes() const noexcept {
    std::size_t bytes = text_.size_bytes() + line_start_.size_bytes() + self_named_.size_bytes() +
                        word_text_.size_bytes() + word_size_.size_bytes() + posting_start_.size_bytes() +
                        postings_.size_bytes() + slots_.size_bytes() + words_by_start_.size_bytes() +
                        start_group_.size_bytes() + alias_posting_start_.size_bytes() +
                        alias_postings_.size_bytes() + alias_code_points_.size_bytes() +
                        sequences_.size_bytes() + toned_.size_bytes();
    for (const language& k : languages_)
        bytes += k.word_text.size_bytes() + k.word_start.size_bytes() + k.posting_start.size_bytes() +
                 k.postings.size_bytes() + k.annotated.size_bytes() + k.short_at.size_bytes() +
                 k.keyword_start.size_bytes() + k.keywords.size_bytes() + k.strings.size_bytes();
    return bytes;
}

// --- Languages ---------------------------------------------------------------

std::string_view index::language_tag(language_id l) const noexcept { return languages_[l].tag; }
std::string_view index::language_name(language_id l) const noexcept { return languages_[l].name; }
index::language_id index::language_parent(language_id l) const noexcept { return languages_[l].parent; }
bool index::folds_accents(language_id l) const noexcept { return languages_[l].folds_accents; }

index::language_id index::find_language(std::string_view tag) const noexcept {
    auto same = [](std::string_view have, std::string_view want) {
        if (have.size() != want.size()) return false;
        for (std::size_t i = 0; i < have.size(); ++i) {
            char a = have[i], b = want[i] == '-' ? '_' : want[i];
            if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
            if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
            if (a != b) return false;
        }
        return true;
    };
    for (std::size_t l = 0; l < languages_.size(); ++l)
        if (same(languages_[l].tag, tag)) return static_cast<language_id>(l);
    return no_language;
}

std::string_view index::string_at(const language& k, std::uint32_t offset) noexcept {
    return {k.strings.data() + offset};
}

std::string_view index::keyword_word(language_id l, std::size_t i) const noexcept {
    const language& k = languages_[l];
    return {k.word_text.data() + k.word_start[i], k.word_start[i + 1] - k.word_start[i]};
}

std::size_t index::first_keyword_word(language_id l, std::string_view prefix) const noexcept {
    std::size_t lo = 0, hi = keyword_word_count(l);
    while (lo < hi) {
        std::size_t mid = lo + (hi - lo) / 2;
        if (keyword_word(l, mid) < prefix)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

std::span<const index::entry_id> index::keyword_entries_with(language_id l, std::string_view word) const noexcept {
    std::size_t i = first_keyword_word(l, word);
    if (i >= keyword_word_count(l) || keyword_word(l, i) != word) return {};
    const language& k = languages_[l];
    return {k.postings.data() + k.posting_start[i], k.postings.data() + k.posting_start[i + 1]};
}

std::pair<index::language_id, std::size_t> index::annotation_of(language_id l, entry_id e) const noexcept {
    for (; l != no_language; l = languages_[l].parent) {
        const language& k = languages_[l];
        auto it = std::lower_bound(k.annotated.begin(), k.annotated.end(), e);
        if (it != k.annotated.end() && *it == e) return {l, static_cast<std::size_t>(it - k.annotated.begin())};
    }
    return {no_language, 0};
}

bool index::append_short_name(language_id l, entry_id e, std::string& out) const {
    auto [lang, at] = annotation_of(l, e);
    if (lang != no_language && languages_[lang].short_at[at] != no_string) {
        out.append(string_at(languages_[lang], languages_[lang].short_at[at]));
        return true;
    }
    // A skin-tone sequence: its base's, the separator, its tones'.
    std::array<char32_t, max_sequence> cps;
    std::size_t n = code_points(e, cps);
    std::u32string base, tones;
    for (std::size_t i = 0; i < n; ++i) (is_skin_tone(cps[i]) ? tones : base).push_back(cps[i]);
    if (tones.empty()) return false;
    entry_id b = entry_of(base);
    if (b == no_entry) {  // U+1F91D HANDSHAKE's tones are on two hands
        std::u32string trimmed;
        for (char32_t c : base) if (c != 0xFE0F) trimmed.push_back(c);
        b = entry_of(trimmed);
    }
    std::string base_name;
    if (b == no_entry || !append_short_name(l, b, base_name)) return false;
    const language& k = languages_[lang == no_language ? l : lang];
    std::string_view sep = k.tone_separator.empty() ? std::string_view(": ") : k.tone_separator;
    std::string_view list_sep = k.tone_list_separator.empty() ? std::string_view(", ") : k.tone_list_separator;
    out.append(base_name).append(sep);
    for (std::size_t i = 0; i < tones.size(); ++i) {
        if (i > 0) out.append(list_sep);
        if (!append_short_name(l, entry_of(tones[i]), out)) return false;
    }
    return true;
}

}  // namespace mojifinder
