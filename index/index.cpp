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
#include "gallop.hpp"

#include "ucd_tables.hpp"
#include "words.hpp"

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

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

// Byte order of two short words, inline, for the binary searches over the
// other names' and the keyword words: memcmp's calls were 14% of the
// time of the English words mix (perf, QueryLatency/words-mix).
bool word_less(std::string_view a, std::string_view b) noexcept {
    std::size_t n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i)
        if (a[i] != b[i]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]);
    return a.size() < b.size();
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

}  // namespace

void append_answer_line(std::string& out, char32_t cp, std::string_view name) {
    std::size_t at = out.size();
    out.resize(at + max_line_size(name.size()));
    out.resize(at + write_answer_line(out.data() + at, cp, name));
}

void append_answer_line(std::string& out, std::u32string_view code_points, std::string_view name) {
    static constexpr char digits[] = "0123456789ABCDEF";
    for (std::size_t i = 0; i < code_points.size(); ++i) {
        out.append(i == 0 ? "U+" : " U+");
        for (int shift = static_cast<int>(hex_digits(code_points[i])) * 4 - 4; shift >= 0; shift -= 4)
            out.push_back(digits[(code_points[i] >> shift) & 0xF]);
    }
    out.push_back('\t');
    for (char32_t cp : code_points) {
        char utf8[U8_MAX_LENGTH];
        std::int32_t n = 0;
        U8_APPEND_UNSAFE(utf8, n, cp);
        out.append(utf8, static_cast<std::size_t>(n));
    }
    out.push_back('\t');
    out.append(name).append("\r\n");
}

// --- The data file -----------------------------------------------------------

namespace {

// The file, mapped read-only and shared: every process serving the same file
// shares its pages, and only the pages a query reads become resident.
struct mapped_file {
    const std::byte* data = nullptr;
    std::size_t size = 0;
    ~mapped_file() {
        if (data) munmap(const_cast<std::byte*>(data), size);
    }
};

std::string_view fixed_string(const char (&field)[16]) noexcept {
    return {field, static_cast<std::size_t>(std::find(field, field + 16, '\0') - field)};
}

}  // namespace

// Reads the header and the directory, and points the index's spans at the
// arrays; every check that could make answers wrong happens here, once.
class index_loader {
public:
    index_loader(std::string path, std::shared_ptr<const mapped_file> file) : path_(std::move(path)), file_(std::move(file)) {}

    index load() {
        using data_file::data_error;
        if (file_->size < sizeof(data_file::header))
            throw data_error(path_ + " is not a mojifinder data file (" + std::to_string(file_->size) + " bytes)");
        std::memcpy(&header_, file_->data, sizeof header_);
        if (std::memcmp(header_.magic, data_file::magic, sizeof header_.magic) != 0)
            throw data_error(path_ + " is not a mojifinder data file");
        if (header_.format_version != data_file::format_version)
            throw data_error(path_ + " has data format " + std::to_string(header_.format_version) +
                             "; this mojifinderd reads format " + std::to_string(data_file::format_version) +
                             ": rebuild the data file with this version's datagen");
        if (header_.file_size != file_->size)
            throw data_error(path_ + " is cut off: " + std::to_string(file_->size) + " of " +
                             std::to_string(header_.file_size) + " bytes");
        std::string_view icu = fixed_string(header_.icu_version);
        if (icu != U_ICU_VERSION)
            throw data_error(path_ + " was made with ICU " + std::string(icu) + "; this mojifinderd uses ICU " +
                             U_ICU_VERSION + ": rebuild the data file with this build's datagen");
        if (header_.directory_offset > file_->size ||
            header_.array_count > (file_->size - header_.directory_offset) / sizeof(data_file::array_record))
            throw data_error(path_ + " has a damaged directory");
        directory_ = {reinterpret_cast<const data_file::array_record*>(file_->data + header_.directory_offset),
                      header_.array_count};

        index idx;
        idx.mapping_ = file_;
        idx.arrays_ = directory_;
        // The versions' views point into the mapped header, which lives as long as the index.
        auto* h = reinterpret_cast<const data_file::header*>(file_->data);
        idx.versions_ = {fixed_string(h->unicode_version), fixed_string(h->cldr_version), fixed_string(h->icu_version)};
        idx.text_ = array<char>("names/text");
        idx.line_start_ = array<std::uint32_t>("names/line_start");
        idx.self_named_ = array<index::entry_id>("names/self_named");
        idx.word_text_ = array<std::uint32_t>("names/word_text");
        idx.word_size_ = array<std::uint8_t>("names/word_size");
        idx.posting_start_ = array<std::uint32_t>("names/posting_start");
        idx.postings_ = array<index::entry_id>("names/postings");
        idx.slots_ = array<std::uint32_t>("names/slots");
        idx.words_by_start_ = array<index::word_id>("names/words_by_start");
        idx.start_group_ = array<std::uint32_t>("names/start_group");
        idx.name_leads_ = leads("names");
        if (idx.line_start_.empty() || idx.line_start_.back() > idx.text_.size() || idx.slots_.empty() ||
            !std::has_single_bit(idx.slots_.size()) ||
            idx.start_group_.size() != data_file::start_codes * data_file::start_codes + 1)
            throw data_error(path_ + " has damaged names arrays");

        auto other_text = array<char>("other/word_text");
        auto other_start = array<std::uint32_t>("other/word_start");
        idx.alias_posting_start_ = array<std::uint32_t>("other/posting_start");
        idx.alias_postings_ = array<index::entry_id>("other/postings");
        idx.alias_words_.reserve(other_start.size());
        for (std::size_t w = 0; w + 1 < other_start.size(); ++w)
            idx.alias_words_.emplace_back(other_text.data() + other_start[w], other_start[w + 1] - other_start[w]);
        idx.sequences_ = array<index::entry_id>("sequences/all");
        idx.toned_ = array<index::entry_id>("sequences/toned");
        idx.name_words_ = array<std::uint8_t>("rank/name_words");
        if (idx.name_words_.size() != idx.size()) throw data_error(path_ + " has a damaged rank/name_words array");
        idx.fewest_name_words_.assign((idx.size() + index::name_word_block - 1) / index::name_word_block, 0xFF);
        for (std::size_t e = 0; e < idx.size(); ++e) {
            std::uint8_t& fewest = idx.fewest_name_words_[e / index::name_word_block];
            fewest = std::min(fewest, idx.name_words_[e]);
        }

        // Every formal alias, for describe(): compiled in (index/ucd_tables).
        idx.alias_names_.reserve(detail::name_alias_count);
        for (std::size_t i = 0; i < detail::name_alias_count; ++i) idx.alias_names_.push_back(detail::name_aliases[i].alias);

        idx.keyword_postings_ = array<index::entry_id>("keywords/postings");
        auto records = array<data_file::language_record>("languages/records");
        auto names = array<char>("languages/text");
        auto text = [&](std::uint32_t offset, std::uint32_t size) { return std::string_view(names.data() + offset, size); };
        idx.languages_.reserve(records.size());
        for (const auto& r : records) {
            index::language k;
            k.tag = text(r.tag_offset, r.tag_size);
            k.name = text(r.name_offset, r.name_size);
            k.tone_separator = text(r.tone_separator_offset, r.tone_separator_size);
            k.tone_list_separator = text(r.tone_list_separator_offset, r.tone_list_separator_size);
            k.parent = r.parent;
            k.folds_accents = r.folds_accents != 0;
            std::string prefix = data_file::language_array(k.tag, "");
            k.underivable = array<index::entry_id>(prefix + "underivable");
            k.word_at = array<std::uint32_t>(prefix + "word_at");
            k.word_first = array<std::uint32_t>(prefix + "word_first");
            k.word_size = array<std::uint8_t>(prefix + "word_size");
            k.posting_at = array<std::uint32_t>(prefix + "posting_at");
            k.annotated = array<index::entry_id>(prefix + "annotated");
            k.short_at = array<std::uint32_t>(prefix + "short_at");
            k.keyword_start = array<std::uint32_t>(prefix + "keyword_start");
            k.keywords = array<std::uint32_t>(prefix + "keywords");
            k.strings = array<char>(prefix + "strings");
            // Sizes only: reading every word's offsets here would page in
            // every language at start-up. The offsets within were written
            // by datagen with the checks above (format, ICU, whole file).
            if (k.word_size.size() != k.word_at.size() || k.word_first.size() != 257 || k.posting_at.size() != k.word_at.size() ||
                k.keyword_start.size() != k.annotated.size() + 1 || k.short_at.size() != k.annotated.size())
                throw data_error(path_ + " has damaged arrays for language " + std::string(k.tag));
            idx.languages_.push_back(k);
        }
        idx.informal_code_points_ = array<char32_t>("informal/code_points");
        idx.informal_at_ = array<std::uint32_t>("informal/text_at");
        idx.informal_text_ = array<char>("informal/text");
        idx.informal_words_ = table("informal", with_leads);
        idx.unihan_code_points_ = array<char32_t>("unihan/code_points");
        idx.unihan_at_ = array<std::uint32_t>("unihan/text_at");
        idx.unihan_text_ = array<char>("unihan/text");
        idx.definition_words_ = table("unihan/kDefinition", with_leads);
        for (std::size_t r = 0; r < reading_count; ++r)
            idx.reading_words_[r] = table(std::string("unihan/") += data_file::unihan_fields[1 + r], without_leads);
        if (idx.informal_at_.size() != idx.informal_code_points_.size() + 1 ||
            (!idx.informal_at_.empty() && idx.informal_at_.back() > idx.informal_text_.size()) ||
            idx.unihan_at_.size() != idx.unihan_code_points_.size() * index::unihan_fields + 1 ||
            idx.unihan_at_.back() > idx.unihan_text_.size())
            throw data_error(path_ + " has damaged informal alias or Unihan arrays");
        idx.english_ = idx.find_language("en");
        if (idx.english_ == index::no_language) throw data_error(path_ + " has no English (en)");
        return idx;
    }

private:
    // Sizes checked only, as the languages' are: datagen wrote the offsets.
    // Lead unions: only the tables whose words prefixes search have them.
    static constexpr bool with_leads = true, without_leads = false;
    index::word_table table(std::string_view name, bool has_leads) const {
        index::word_table t;
        t.text_ = array<char>(data_file::word_table_array(name, "words"));
        t.word_start_ = array<std::uint32_t>(data_file::word_table_array(name, "word_start"));
        t.posting_start_ = array<std::uint32_t>(data_file::word_table_array(name, "posting_start"));
        t.postings_ = array<index::entry_id>(data_file::word_table_array(name, "postings"));
        t.slots_ = array<std::uint32_t>(data_file::word_table_array(name, "slots"));
        if (t.word_start_.empty() || t.posting_start_.size() != t.word_start_.size() || !std::has_single_bit(t.slots_.size()) ||
            t.word_start_.back() > t.text_.size() || t.posting_start_.back() > t.postings_.size())
            throw data_file::data_error(path_ + " has a damaged word table " + std::string(name));
        if (has_leads) t.leads_ = leads(name);
        return t;
    }
    index::lead_unions leads(std::string_view table) const {
        index::lead_unions u;
        u.start_ = array<std::uint32_t>(data_file::word_table_array(table, "lead_start"));
        u.postings_ = array<index::entry_id>(data_file::word_table_array(table, "lead_postings"));
        if (u.start_.size() != data_file::lead_count + 1 || !std::is_sorted(u.start_.begin(), u.start_.end()) ||
            u.start_.back() > u.postings_.size())
            throw data_file::data_error(path_ + " has damaged lead unions in " + std::string(table));
        return u;
    }
    template <class T>
    std::span<const T> array(std::string_view name) const {
        auto it = std::lower_bound(directory_.begin(), directory_.end(), name,
                                   [](const data_file::array_record& r, std::string_view n) { return data_file::name_of(r) < n; });
        if (it == directory_.end() || data_file::name_of(*it) != name)
            throw data_file::data_error(path_ + " lacks the array " + std::string(name) +
                                        ": rebuild the data file with this version's datagen");
        if (it->offset > file_->size || it->bytes > file_->size - it->offset || it->bytes % sizeof(T) != 0 ||
            it->offset % alignof(T) != 0)
            throw data_file::data_error(path_ + " has a damaged array " + std::string(name));
        return {reinterpret_cast<const T*>(file_->data + it->offset), it->bytes / sizeof(T)};
    }

    std::string path_;
    std::shared_ptr<const mapped_file> file_;
    data_file::header header_{};
    std::span<const data_file::array_record> directory_;
};

index index::open(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw data_file::data_error("cannot open the data file " + path + ": " + std::strerror(errno));
    struct stat st {};
    if (fstat(fd, &st) != 0) {
        int error = errno;
        ::close(fd);
        throw data_file::data_error("cannot read the data file " + path + ": " + std::strerror(error));
    }
    auto file = std::make_shared<mapped_file>();
    file->size = static_cast<std::size_t>(st.st_size);
    if (file->size > 0) {
        void* p = mmap(nullptr, file->size, PROT_READ, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED) {
            int error = errno;
            ::close(fd);
            throw data_file::data_error("cannot map the data file " + path + ": " + std::strerror(error));
        }
        file->data = static_cast<const std::byte*>(p);
        // Only the pages a query reads: each fault reads one page, without
        // read-ahead or fault-around, so the page cache holds the file in
        // single pages. (The kernel maps a whole large folio of the page
        // cache when one of its pages is touched, and a file read or written
        // the usual way, by cp or an ifstream, sits in the cache in large
        // folios: one query then made ~5 MB of the names resident. datagen
        // drops its pages from the cache after writing; docs/OPERATIONS.md
        // says how to do the same after copying the file.)
        madvise(p, file->size, MADV_RANDOM);
    }
    ::close(fd);
    return index_loader(path, std::move(file)).load();
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
    auto it = std::lower_bound(alias_words_.begin(), alias_words_.end(), word, word_less);
    if (it == alias_words_.end() || !same_text(*it, word)) return {};
    return alias_entries_of(static_cast<std::size_t>(it - alias_words_.begin()));
}

std::span<const std::string_view> index::aliases_of(char32_t cp) const noexcept {
    const detail::name_alias* begin = detail::name_aliases;
    const detail::name_alias* end = begin + detail::name_alias_count;
    auto first = std::lower_bound(begin, end, cp, [](const detail::name_alias& a, char32_t c) { return a.code_point < c; });
    auto last = std::upper_bound(first, end, cp, [](char32_t c, const detail::name_alias& a) { return c < a.code_point; });
    return {alias_names_.data() + (first - begin), static_cast<std::size_t>(last - first)};
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
                        alias_postings_.size_bytes() +
                        sequences_.size_bytes() + toned_.size_bytes();
    bytes += keyword_postings_.size_bytes() + name_words_.size_bytes() + name_leads_.memory_bytes();
    bytes += informal_code_points_.size_bytes() + informal_at_.size_bytes() + informal_text_.size_bytes() +
             informal_words_.memory_bytes() + unihan_code_points_.size_bytes() + unihan_at_.size_bytes() +
             unihan_text_.size_bytes() + definition_words_.memory_bytes();
    for (const word_table& t : reading_words_) bytes += t.memory_bytes();
    for (const language& k : languages_)
        bytes += k.word_at.size_bytes() + k.word_size.size_bytes() + k.posting_at.size_bytes() +
                 k.annotated.size_bytes() + k.short_at.size_bytes() +
                 k.keyword_start.size_bytes() + k.keywords.size_bytes() + k.strings.size_bytes();
    return bytes;
}

// --- Informal aliases and Unihan ---------------------------------------------

std::string index::past_prefix(std::string_view prefix) {
    std::string past(prefix);
    while (!past.empty() && static_cast<unsigned char>(past.back()) == 0xFF) past.pop_back();
    if (!past.empty()) past.back() = static_cast<char>(static_cast<unsigned char>(past.back()) + 1);
    return past;
}

std::size_t index::word_table::lower_bound(std::string_view w) const noexcept {
    std::size_t lo = 0, hi = size();
    while (lo < hi) {
        std::size_t mid = lo + (hi - lo) / 2;
        if (word_less(word(mid), w))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

std::span<const index::entry_id> index::word_table::entries_with(std::string_view w) const noexcept {
    std::size_t mask = slots_.size() - 1;
    for (std::size_t i = data_file::slot_of(w, slots_.size());; i = (i + 1) & mask) {
        std::uint32_t slot = slots_[i];
        if (slot == 0) return {};
        if (same_text(word(slot - 1), w)) return entries_of(slot - 1);
    }
}

text_list index::informal_aliases_of(char32_t cp) const noexcept {
    auto it = std::lower_bound(informal_code_points_.begin(), informal_code_points_.end(), cp);
    if (it == informal_code_points_.end() || *it != cp) return {};
    auto i = static_cast<std::size_t>(it - informal_code_points_.begin());
    return text_list({informal_text_.data() + informal_at_[i], informal_at_[i + 1] - informal_at_[i]});
}

std::string_view index::unihan_field(char32_t cp, std::size_t f) const noexcept {
    auto it = std::lower_bound(unihan_code_points_.begin(), unihan_code_points_.end(), cp);
    if (it == unihan_code_points_.end() || *it != cp) return {};
    auto at = static_cast<std::size_t>(it - unihan_code_points_.begin()) * unihan_fields + f;
    return {unihan_text_.data() + unihan_at_[at], unihan_at_[at + 1] - unihan_at_[at]};
}

std::string_view index::definition_of(char32_t cp) const noexcept { return unihan_field(cp, 0); }

std::string_view index::reading_of(char32_t cp, reading r) const noexcept {
    return unihan_field(cp, 1 + static_cast<std::size_t>(r));
}

void index::reading_keys(reading r, std::string_view text, std::string& toned, std::string& toneless) {
    toned.clear();
    toneless.clear();
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
    if (U_FAILURE(status) || text.empty()) return;
    icu::UnicodeString lower = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
    lower.toLower(icu::Locale::getRoot());
    icu::UnicodeString marked = nfd->normalize(lower, status);
    if (U_FAILURE(status)) return;
    char tone = 0;
    bool has_mark = false;
    auto fail = [&] {
        toned.clear();
        toneless.clear();
    };
    for (int32_t i = 0; i < marked.length();) {
        UChar32 c = marked.char32At(i);
        i += U16_LENGTH(c);
        bool last = i >= marked.length();
        if (c >= 'a' && c <= 'z') {
            toneless.push_back(static_cast<char>(c));
        } else if (c >= '0' && c <= '9' && last && !toneless.empty() && tone == 0 &&  // a tone number ends it
                   ((r == reading::mandarin && c >= '1' && c <= '5') || (r == reading::cantonese && c >= '1' && c <= '6'))) {
            tone = static_cast<char>(c);
        } else if (u_charType(c) == U_NON_SPACING_MARK && !toneless.empty()) {
            has_mark = true;
            if (r == reading::mandarin) {
                // The tone marks, and the diaeresis of ü (written v).
                char digit = c == 0x0304 ? '1' : c == 0x0301 ? '2' : c == 0x030C ? '3' : c == 0x0300 ? '4' : 0;
                if (digit != 0 && tone == 0)
                    tone = digit;
                else if (c == 0x0308 && toneless.back() == 'u')
                    toneless.back() = 'v';
                else
                    return fail();
            } else if (r != reading::vietnamese) {
                return fail();
            }
        } else if (c == 0x0111 && r == reading::vietnamese) {  // đ
            has_mark = true;
            toneless.push_back('d');
        } else {
            return fail();
        }
    }
    if (r == reading::vietnamese) {
        const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
        if (has_mark && U_SUCCESS(status)) {
            icu::UnicodeString composed = nfc->normalize(lower, status);
            if (U_SUCCESS(status)) composed.toUTF8String(toned);
        }
    } else if (tone != 0) {
        toned = toneless;
        toned.push_back(tone);
    }
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
    // A regional tag CLDR has no annotations for (pt_BR, de-AT, en_US) is
    // its language's: the tag without its last part, until one is known.
    while (!tag.empty()) {
        for (std::size_t l = 0; l < languages_.size(); ++l)
            if (same(languages_[l].tag, tag)) return static_cast<language_id>(l);
        std::size_t cut = tag.find_last_of("_-");
        if (cut == std::string_view::npos) break;
        tag = tag.substr(0, cut);
    }
    return no_language;
}

std::string_view index::string_at(const language& k, std::uint32_t offset) noexcept {
    return {k.strings.data() + offset};
}

std::string_view index::keyword_word(language_id l, std::size_t i) const noexcept {
    const language& k = languages_[l];
    return {k.strings.data() + k.word_at[i], k.word_size[i]};
}

std::size_t index::first_keyword_word(language_id l, std::string_view prefix) const noexcept {
    std::size_t lo = 0, hi = keyword_word_count(l);
    if (!prefix.empty()) {  // within the words of its first byte
        auto first = static_cast<unsigned char>(prefix[0]);
        lo = languages_[l].word_first[first];
        hi = languages_[l].word_first[first + 1u];
    }
    while (lo < hi) {
        std::size_t mid = lo + (hi - lo) / 2;
        if (word_less(keyword_word(l, mid), prefix))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

std::span<const index::entry_id> index::keyword_entries_with(language_id l, std::string_view word) const noexcept {
    std::size_t i = first_keyword_word(l, word);
    if (i >= keyword_word_count(l) || !same_text(keyword_word(l, i), word)) return {};
    return keyword_entries_of(l, i);
}

bool index::has_keyword_word(language_id l, std::string_view word) const noexcept {
    std::size_t i = first_keyword_word(l, word);
    return i < keyword_word_count(l) && same_text(keyword_word(l, i), word);
}

std::pair<index::language_id, std::size_t> index::annotation_of(language_id l, entry_id e) const noexcept {
    for (; l != no_language; l = languages_[l].parent) {
        const language& k = languages_[l];
        auto it = std::lower_bound(k.annotated.begin(), k.annotated.end(), e);
        if (it != k.annotated.end() && *it == e) return {l, static_cast<std::size_t>(it - k.annotated.begin())};
    }
    return {no_language, 0};
}

index::toned_parts index::parts_of_toned(entry_id e) const noexcept {
    toned_parts parts;
    if (!std::binary_search(toned_.begin(), toned_.end(), e)) return parts;
    std::array<char32_t, max_sequence> cps;
    std::size_t n = code_points(e, cps);
    std::array<char32_t, max_sequence> base{};
    std::size_t base_size = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (!is_skin_tone(cps[i])) {
            base[base_size++] = cps[i];
            continue;
        }
        // A tone repeated (both hands, both people) is named once.
        entry_id tone = entry_of(cps[i]);
        bool seen = std::find(parts.tones.begin(), parts.tones.begin() + static_cast<std::ptrdiff_t>(parts.tone_count), tone) !=
                    parts.tones.begin() + static_cast<std::ptrdiff_t>(parts.tone_count);
        if (!seen && parts.tone_count < parts.tones.size()) parts.tones[parts.tone_count++] = tone;
    }
    parts.base = entry_of(std::u32string_view(base.data(), base_size));
    if (parts.base == no_entry) {  // 🫱🏻‍🫲🏼's base is not an emoji; 🫱‍🫲 without U+FE0F neither
        std::size_t kept = 0;
        for (std::size_t i = 0; i < base_size; ++i)
            if (base[i] != 0xFE0F) base[kept++] = base[i];
        parts.base = entry_of(std::u32string_view(base.data(), kept));
    }
    return parts;
}

template <class PartsOf>
bool index::append_short_name_with(language_id l, entry_id e, PartsOf&& parts_of, std::string& out) const {
    auto [lang, at] = annotation_of(l, e);
    if (lang != no_language) {
        if (languages_[lang].short_at[at] == no_string) return false;
        out.append(string_at(languages_[lang], languages_[lang].short_at[at]));
        return true;
    }
    // A skin-tone sequence, as CLDR derives it: its base's, the separator,
    // its tones'; none where datagen found that this is not CLDR's name.
    toned_parts parts = parts_of();
    if (parts.base == no_entry || parts.tone_count == 0) return false;
    for (language_id k = l; k != no_language; k = languages_[k].parent)
        if (std::binary_search(languages_[k].underivable.begin(), languages_[k].underivable.end(), e)) return false;
    std::string name;
    if (!append_short_name(l, parts.base, name)) return false;
    const language& k = languages_[l];
    name.append(k.tone_separator);
    for (std::size_t i = 0; i < parts.tone_count; ++i) {
        if (i > 0) name.append(k.tone_list_separator);
        if (!append_short_name(l, parts.tones[i], name)) return false;
    }
    out.append(name);
    return true;
}

bool index::append_short_name(language_id l, entry_id e, std::string& out) const {
    return append_short_name_with(l, e, [&] { return parts_of_toned(e); }, out);
}

bool index::append_short_name(language_id l, entry_id e, const toned_parts& parts, std::string& out) const {
    return append_short_name_with(l, e, [&] { return parts; }, out);
}

}  // namespace mojifinder
