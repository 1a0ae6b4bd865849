// Flow: build() enumerates ICU's names once, in code point order. Each name
// becomes an answer line in text_, and each of its words is looked up in (or
// added to) an open-addressing table whose keys are views into text_, so word
// text is never stored twice. Counting occurrences first lets the posting
// lists be laid out in one flat array, filled in entry order, which makes every
// list ascending without a sort.
#include "index.hpp"

#include "words.hpp"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace mojifinder {
namespace {

// FNV-1a over the bytes, then Fibonacci hashing: the table's slot comes from
// the product's high bits, which every input byte reaches (FNV's own low bits
// cluster badly on the many hex words like 4E00, 4E01, ...).
std::size_t slot_of(std::string_view word, std::size_t table_size) noexcept {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : word) h = (h ^ c) * 0x100000001b3ull;
    return static_cast<std::size_t>((h * 0x9E3779B97F4A7C15ull) >> (64 - std::countr_zero(table_size)));
}

// The first element not below `e`, searching from `from` in steps that double:
// cheap when it is near (lists of similar size) and logarithmic when it is
// far (a short list against CJK's 98,000).
template <class It>
It gallop(It from, It end, index::entry_id e) {
    std::ptrdiff_t step = 1;
    It low = from;
    while (end - low > step && low[step] < e) {
        low += step;
        step *= 2;
    }
    return std::lower_bound(low, low + std::min(step + 1, end - low), e);
}

// The entries of `small` also in `large`, by galloping through `large`.
void gallop_common(std::span<const index::entry_id> small, std::span<const index::entry_id> large,
                   std::vector<index::entry_id>& out) {
    out.clear();
    auto from = large.begin();
    for (index::entry_id e : small) {
        from = gallop(from, large.end(), e);
        if (from == large.end()) break;
        if (*from == e) out.push_back(e);
    }
}

// The same for lists of similar size: one pass over both, without branches
// that depend on the data ("arrow left": two lists of ~500).
void merge_common(std::span<const index::entry_id> a, std::span<const index::entry_id> b,
                  std::vector<index::entry_id>& out) {
    out.resize(std::min(a.size(), b.size()) + 1);
    std::size_t i = 0, j = 0, n = 0;
    while (i < a.size() && j < b.size()) {
        index::entry_id x = a[i], y = b[j];
        out[n] = x;
        n += x == y;
        i += x <= y;
        j += y <= x;
    }
    out.resize(n);
}

}  // namespace

void append_answer_line(std::string& out, char32_t cp, std::string_view name) {
    static constexpr char digits[] = "0123456789ABCDEF";
    out += "U+";
    int shift = cp > 0xFFFFF ? 20 : cp > 0xFFFF ? 16 : 12;
    for (; shift >= 0; shift -= 4) out.push_back(digits[(cp >> shift) & 0xF]);
    out.push_back('\t');
    char utf8[U8_MAX_LENGTH];
    std::size_t n = 0;
    U8_APPEND_UNSAFE(utf8, n, cp);
    out.append(utf8, n);
    out.push_back('\t');
    out.append(name);
    out += "\r\n";
}

class index_builder {
public:
    index build() {
        // Unicode 15's names fill about 5.8 MB of lines; reserving more than
        // that keeps every offset stable and costs no RSS for untouched pages.
        idx_.text_.reserve(8u << 20);
        idx_.slots_.assign(1u << 16, 0);
        UErrorCode status = U_ZERO_ERROR;
        u_enumCharNames(0x20, UCHAR_MAX_VALUE + 1, &index_builder::on_name, this,
                        U_UNICODE_CHAR_NAME, &status);
        if (U_FAILURE(status))
            throw std::runtime_error(std::string("ICU cannot enumerate names: ") +
                                     u_errorName(status));
        idx_.line_start_.push_back(static_cast<std::uint32_t>(idx_.text_.size()));
        take_back_shared_hex_words();
        lay_out_postings();
        // Arrays that grew by doubling give their slack back: the index is
        // most of the server's resident memory.
        idx_.line_start_.shrink_to_fit();
        idx_.self_named_.shrink_to_fit();
        idx_.word_text_.shrink_to_fit();
        idx_.word_size_.shrink_to_fit();
        return std::move(idx_);
    }

private:
    static UBool on_name(void* self, UChar32 cp, UCharNameChoice, const char* name,
                         int32_t size) {
        static_cast<index_builder*>(self)->add(static_cast<char32_t>(cp), {name, std::size_t(size)});
        return true;
    }

    void add(char32_t cp, std::string_view name) {
        auto entry = static_cast<index::entry_id>(idx_.line_start_.size());
        std::string& text = idx_.text_;
        idx_.line_start_.push_back(static_cast<std::uint32_t>(text.size()));
        append_answer_line(text, cp, name);
        auto name_start = text.size() - 2 - name.size();
        std::string_view hex = idx_.hex_of(entry);

        // ICU's names are upper-case ASCII already: only the split is needed.
        std::size_t start = 0;
        for (std::size_t i = 0; i <= name.size(); ++i) {
            if (i < name.size() && name[i] != ' ' && name[i] != '-') continue;
            std::string_view word = name.substr(start, i - start);
            if (!word.empty()) {
                if (word == hex)
                    idx_.self_named_.push_back(entry);
                else
                    note_word(name_start + start, word.size(), entry);
            }
            start = i + 1;
        }
        word_ends_.push_back(static_cast<std::uint32_t>(occurrences_.size()));
    }

    void note_word(std::size_t offset, std::size_t size, index::entry_id entry) {
        std::string_view word(idx_.text_.data() + offset, size);
        std::uint32_t id = find_or_add(word, offset);
        if (last_entry_[id] == entry + 1) return;  // "DOT BELOW AND DOT ABOVE"
        last_entry_[id] = entry + 1;
        ++count_[id];
        occurrences_.push_back(id);
    }

    std::uint32_t find_or_add(std::string_view word, std::size_t offset) {
        auto& slots = idx_.slots_;
        std::size_t mask = slots.size() - 1;
        for (std::size_t i = slot_of(word, slots.size());; i = (i + 1) & mask) {
            std::uint32_t slot = slots[i];
            if (slot == 0) {
                auto id = static_cast<std::uint32_t>(idx_.word_text_.size());
                slots[i] = id + 1;
                idx_.word_text_.push_back(static_cast<std::uint32_t>(offset));
                idx_.word_size_.push_back(static_cast<std::uint8_t>(word.size()));
                count_.push_back(0);
                last_entry_.push_back(0);
                if (idx_.word_text_.size() * 2 > slots.size()) grow();
                return id;
            }
            if (word_at(slot - 1) == word) return slot - 1;
        }
    }

    std::string_view word_at(std::uint32_t id) const {
        return {idx_.text_.data() + idx_.word_text_[id], idx_.word_size_[id]};
    }

    void grow() {
        std::vector<std::uint32_t> slots(idx_.slots_.size() * 2, 0);
        std::size_t mask = slots.size() - 1;
        for (std::uint32_t id = 0; id < idx_.word_text_.size(); ++id) {
            std::size_t i = slot_of(word_at(id), slots.size());
            while (slots[i] != 0) i = (i + 1) & mask;
            slots[i] = id + 1;
        }
        idx_.slots_ = std::move(slots);
    }

    // A character's own hex word can also be a plain word of another name
    // ("SQUARED CJK UNIFIED IDEOGRAPH-4E00", "BRAILLE PATTERN DOTS-23456"):
    // such a word goes through the table, with every character that has it.
    void take_back_shared_hex_words() {
        auto& self = idx_.self_named_;
        auto kept = self.begin();
        for (index::entry_id e : self) {
            std::uint32_t id = idx_.find_word(idx_.hex_of(e));
            if (id == index::no_word) {
                *kept++ = e;
            } else {
                shared_hex_.push_back({e, id});
                ++count_[id];
            }
        }
        self.erase(kept, self.end());
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
        idx_.postings_.resize(sum);
        std::vector<std::uint32_t>& next = count_;  // reused as fill cursors
        std::copy(start.begin(), start.end() - 1, next.begin());
        std::uint32_t occ = 0;
        auto shared = shared_hex_.begin();
        for (index::entry_id e = 0; e < word_ends_.size(); ++e) {
            for (; occ < word_ends_[e]; ++occ) idx_.postings_[next[occurrences_[occ]]++] = e;
            for (; shared != shared_hex_.end() && shared->first == e; ++shared)
                idx_.postings_[next[shared->second]++] = e;
        }
    }

    index idx_;
    std::vector<std::uint32_t> count_;
    std::vector<std::uint32_t> last_entry_;   // entry + 1 that last used the word
    std::vector<std::uint32_t> occurrences_;  // word ids, entry by entry
    std::vector<std::uint32_t> word_ends_;    // per entry: end of its run in occurrences_
    std::vector<std::pair<index::entry_id, std::uint32_t>> shared_hex_;  // entry, word id
};

index index::build() { return index_builder{}.build(); }

std::string_view index::hex_of(entry_id e) const noexcept {
    const char* hex = text_.data() + line_start_[e] + 2;  // after "U+"
    return {hex, static_cast<std::size_t>(std::find(hex, hex + 6, '\t') - hex)};
}

char32_t index::code_point(entry_id e) const noexcept {
    char32_t cp = 0;
    for (char c : hex_of(e)) cp = cp * 16 + static_cast<char32_t>(c <= '9' ? c - '0' : c - 'A' + 10);
    return cp;
}

std::span<const index::entry_id> index::self_named_with(std::string_view word) const noexcept {
    if (word.size() < 4 || word.size() > 6) return {};
    char32_t cp = 0;
    for (char c : word) {
        if (c >= '0' && c <= '9')
            cp = cp * 16 + static_cast<char32_t>(c - '0');
        else if (c >= 'A' && c <= 'F')
            cp = cp * 16 + static_cast<char32_t>(c - 'A' + 10);
        else
            return {};
    }
    auto it = std::lower_bound(self_named_.begin(), self_named_.end(), cp,
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
    for (std::size_t i = slot_of(word, slots_.size());; i = (i + 1) & mask) {
        std::uint32_t slot = slots_[i];
        if (slot == 0) return no_word;
        if (std::string_view(text_.data() + word_text_[slot - 1], word_size_[slot - 1]) == word)
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
    std::sort(s.lists.begin(), s.lists.end(),
              [](auto a, auto b) { return a.size() < b.size(); });
    if (s.lists.size() == 1) return s.lists.front();

    // Smallest list first: each step can only shrink the candidates, and a
    // galloping search from the last hit keeps huge lists (CJK) cheap.
    s.result.assign(s.lists[0].begin(), s.lists[0].end());
    for (std::size_t k = 1; k < s.lists.size() && !s.result.empty(); ++k) {
        auto list = s.lists[k];
        if (list.data() == s.lists[k - 1].data()) continue;  // a repeated word
        if (list.size() / s.result.size() < 4)
            merge_common(s.result, list, s.spare);
        else
            gallop_common(s.result, list, s.spare);
        s.result.swap(s.spare);
    }
    return s.result;
}

std::size_t index::memory_bytes() const noexcept {
    return text_.capacity() + line_start_.capacity() * 4 + self_named_.capacity() * 4 +
           word_text_.capacity() * 4 + word_size_.capacity() + posting_start_.capacity() * 4 +
           postings_.capacity() * 4 + slots_.capacity() * 4;
}

}  // namespace mojifinder
