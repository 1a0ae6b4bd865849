// Flow: build_names() enumerates ICU's names once, in code point order,
// with the sequences slotted in after their first code point's entry. Each
// name is written as an answer line into the text, and each of its words is
// looked up in (or added to) an open-addressing table whose keys are
// offsets into that text, so word text is never stored twice; the words a
// name shares with the previous name's start keep that name's ids without a
// look-up. The word ids are recorded entry by entry with their counts, and
// one pass over them then lays the posting lists out in one flat array,
// filled in entry order, which makes every list ascending without a sort.
//
// Last, the build lays out what the query language needs beside: the word
// ids grouped by their first two characters (prefixes), and the other
// names' (formal aliases', sequences') own words and posting lists.
//
// This ran at every start-up before the data file (~13 ms); its tricks
// (prefix sharing, one pass for the postings) are kept because they are
// also what makes the layout compact.
#include "names.hpp"

#include "data_file.hpp"
#include "ucd_tables.hpp"

#include <unicode/uchar.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace mojifinder::datagen {
namespace {

// The length of the common prefix of `a` and `b`.
std::size_t common_prefix(std::string_view a, std::string_view b) noexcept {
    return static_cast<std::size_t>(std::mismatch(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(std::min(a.size(), b.size())), b.begin()).first - a.begin());
}

// Four to six upper-case hex digits: a word that may be an algorithmic
// name's own code point ("4E00").
constexpr std::uint32_t no_word = ~std::uint32_t{0};  // a name's own hex word

bool is_hex_word(std::string_view word) noexcept {
    return word.size() >= 4 && word.size() <= 6 &&
           std::all_of(word.begin(), word.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); });
}

class index_builder {
public:
    explicit index_builder(std::span<const sequence> sequences) : sequences_(sequences) {}

    names_tables build() {
        // Room for Unicode 15 and then some: ~5.8 MB of lines, 149,186 names,
        // ~98,000 self-named, ~29,000 words, ~490,000 word occurrences. Arrays
        // reserved once are never copied, and the pages they leave untouched
        // cost no RSS, so they are not shrunk afterwards either (a shrink is a
        // copy, and fresh pages: the build's cost is mostly first touches).
        // A later Unicode only makes them grow as usual.
        idx_.text_.reserve(8u << 20);
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
        add_sequences_before(UCHAR_MAX_VALUE + 1);
        idx_.line_start_.push_back(static_cast<std::uint32_t>(idx_.text_.size()));
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
        add_sequences_before(cp);
        auto entry = static_cast<index::entry_id>(idx_.line_start_.size());
        auto first_occurrence = occurrences_.size();
        auto line_start = idx_.text_.size();
        idx_.line_start_.push_back(static_cast<std::uint32_t>(line_start));
        append_answer_line(idx_.text_, cp, name);
        const char* text = idx_.text_.data();
        if (cp >= next_alias_code_point_) note_aliases(cp, entry);
        auto name_start = idx_.text_.size() - 2 - name.size();
        std::string_view previous(text + previous_name_start_, previous_name_size_);
        std::size_t shared = common_prefix(name, previous);
        previous_name_start_ = name_start;
        previous_name_size_ = name.size();

        // words_[k] is the previous name's k-th word until this name's
        // replaces it; the shared ones stay as they are.
        std::size_t k = 0;
        while (k < words_.size() && words_[k].end < shared && words_[k].id != no_word)
            note_word(words_[k++].id, entry);
        words_.resize(k);
        std::size_t start = k == 0 ? 0 : words_[k - 1].end + 1;

        // ICU's names are upper-case ASCII already: only the split is needed.
        std::string_view hex(text + line_start + 2, idx_.text_.find('\t', line_start) - line_start - 2);
        for (std::size_t i = start; i <= name.size(); ++i) {
            if (i < name.size() && name[i] != ' ' && name[i] != '-') continue;
            std::string_view word = name.substr(start, i - start);
            start = i + 1;
            if (word.empty()) continue;
            if (word == hex) {
                idx_.self_named_.push_back(entry);
                words_.push_back({no_word, i});
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

    // The sequences whose first code point is below `cp` come before its
    // entry: after their first code point's own entry, in sequence order.
    // Their names' words of A-Z and 0-9 go with the aliases' words (other
    // names), so names-only search (classic, v1) never meets a sequence.
    void add_sequences_before(char32_t cp) {
        for (; sequence_at_ < sequences_.size() && sequences_[sequence_at_].code_points[0] < cp; ++sequence_at_) {
            const sequence& q = sequences_[sequence_at_];
            auto entry = static_cast<index::entry_id>(idx_.line_start_.size());
            idx_.line_start_.push_back(static_cast<std::uint32_t>(idx_.text_.size()));
            append_answer_line(idx_.text_, q.code_points, q.name);
            occurrences_.push_back(entry_starts | no_posting);
            idx_.sequences_.push_back(entry);
            if (std::any_of(q.code_points.begin(), q.code_points.end(), index::is_skin_tone))
                idx_.toned_.push_back(entry);
            std::string word;
            for (std::size_t i = 0; i <= q.name.size(); ++i) {
                char c = i < q.name.size() ? q.name[i] : ' ';
                if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
                    word.push_back(c);
                    continue;
                }
                // A word with a letter beyond A-Z (CURAÇAO) is left to the
                // keywords, which fold it; its ASCII pieces are not words.
                bool non_ascii = static_cast<unsigned char>(c) >= 0x80;
                while (non_ascii && i + 1 < q.name.size() && q.name[i + 1] != ' ') ++i;
                if (!word.empty() && !non_ascii)
                    sequence_words_.emplace_back(std::move(word), entry);
                word.clear();
            }
        }
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
                if (is_hex_word(word)) hex_words_.push_back(id);
                note_new_word(word);
                if (idx_.word_text_.size() * 2 > slots.size()) grow();
                return id;
            }
            if (word_at(slot - 1) == word) return slot - 1;
        }
    }

    std::string_view word_at(std::uint32_t id) const {
        return {idx_.text_.data() + idx_.word_text_[id], idx_.word_size_[id]};
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

    // The self-named entry whose own hex word is `word` ("4E00"), or no_entry.
    index::entry_id self_named_with(std::string_view word) const {
        const auto& named = idx_.self_named_;
        auto hex_of = [&](index::entry_id e) {
            std::size_t at = idx_.line_start_[e] + 2;
            return std::string_view(idx_.text_).substr(at, idx_.text_.find('\t', at) - at);
        };
        auto it = std::lower_bound(named.begin(), named.end(), word, [&](index::entry_id e, std::string_view w) {
            std::string_view h = hex_of(e);
            return h.size() != w.size() ? h.size() < w.size() : h < w;
        });
        return it != named.end() && hex_of(*it) == word ? *it : index::no_entry;
    }

    // A character's own hex word can also be a plain word of another name
    // ("SQUARED CJK UNIFIED IDEOGRAPH-4E00", "BRAILLE PATTERN DOTS-23456"):
    // such a word goes through the table, with every character that has it.
    // The table's few hex-looking words are what gets checked, against the
    // ~98,000 self-named entries by code point.
    void take_back_shared_hex_words() {
        for (std::uint32_t id : hex_words_) {
            index::entry_id self = self_named_with(word_at(id));
            if (self == index::no_entry) continue;
            shared_hex_.push_back({self, id});
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
        idx_.alias_posting_start_.reserve(words + 1);
        idx_.alias_postings_.reserve(words);
    }

    void lay_out_aliases() {
        const std::size_t n = detail::name_alias_count;
        auto& pairs = alias_pairs_;
        for (auto& [word, e] : sequence_words_) pairs.emplace_back(word, e);
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
    std::span<const sequence> sequences_;
    std::size_t sequence_at_ = 0;  // the next sequence add_sequences_before() adds
    std::vector<std::pair<std::string, index::entry_id>> sequence_words_;
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
    std::vector<std::pair<std::string, index::entry_id>> alias_pairs_;  // (word, entry)
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

}  // namespace

names_tables build_names(std::span<const sequence> sequences) { return index_builder(sequences).build(); }

}  // namespace mojifinder::datagen
