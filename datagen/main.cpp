// mojifinder-datagen: writes the data file mojifinderd maps (index/
// data_file.hpp), at build time, from ICU's names, unicode-data's
// emoji-test.txt and unicode-cldr-core's annotations.
//
// Flow: read the sequences, build the names' tables with the sequences among
// them (names.cpp), then map every CLDR annotation's key to its entry and
// make each language's arrays: the keyword words of its own and inherited
// annotations with their posting lists, and its own annotations for display
// (a field it lacks filled from its parent's). Then NamesList.txt's informal
// aliases and Unihan's fields: each code point's text, and a word table per
// vocabulary (aliases' and definitions' words, each reading field's keys).
// Last, every array is written under its name, and the directory after them.
#include "cldr.hpp"
#include "data_file.hpp"
#include "emoji_test.hpp"
#include "names.hpp"
#include "nameslist.hpp"
#include "unihan.hpp"
#include "words.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unicode/uchar.h>
#include <unicode/uversion.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <unordered_map>

namespace mojifinder::datagen {
namespace {

using entry_id = index::entry_id;

// Arrays by name, then written in name order with the directory last.
class data_writer {
public:
    template <class T>
    void add(std::string name, const std::vector<T>& data) {
        add_bytes(std::move(name), data.data(), data.size() * sizeof(T));
    }
    void add(std::string name, std::string_view bytes) { add_bytes(std::move(name), bytes.data(), bytes.size()); }

    std::size_t write(const std::filesystem::path& path, std::string_view cldr_version) const {
        std::string out(sizeof(data_file::header), '\0');
        std::vector<data_file::array_record> directory;
        for (const auto& [name, bytes] : arrays_) {
            out.resize((out.size() + data_file::alignment - 1) / data_file::alignment * data_file::alignment, '\0');
            data_file::array_record r{};
            if (name.size() >= sizeof r.name) throw std::runtime_error("array name too long: " + name);
            std::memcpy(r.name, name.data(), name.size());
            r.offset = out.size();
            r.bytes = bytes.size();
            directory.push_back(r);
            out.append(bytes);
        }
        out.resize((out.size() + data_file::alignment - 1) / data_file::alignment * data_file::alignment, '\0');
        data_file::header h{};
        std::memcpy(h.magic, data_file::magic, sizeof h.magic);
        h.format_version = data_file::format_version;
        h.array_count = static_cast<std::uint32_t>(directory.size());
        h.directory_offset = out.size();
        out.append(reinterpret_cast<const char*>(directory.data()), directory.size() * sizeof(data_file::array_record));
        h.file_size = out.size();
        copy_version(h.icu_version, U_ICU_VERSION);
        copy_version(h.unicode_version, U_UNICODE_VERSION);
        copy_version(h.cldr_version, cldr_version);
        std::memcpy(out.data(), &h, sizeof h);
        // Written beside, then renamed: a server starting meanwhile never
        // maps half a file.
        auto temporary = path;
        temporary += ".tmp";
        int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        bool written = fd >= 0 && ::write(fd, out.data(), out.size()) == static_cast<ssize_t>(out.size()) &&
                       fdatasync(fd) == 0;
        // Out of the page cache again: the pages this write left there are
        // large folios, and a process that maps the file and touches one
        // page of a large folio gets the whole folio resident (seen: one
        // query made ~7 MB of the file resident; read back from the disk
        // under MADV_RANDOM, 20 KB).
        if (written) posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
        if (fd >= 0) ::close(fd);
        if (!written) throw std::runtime_error("cannot write " + temporary.string() + ": " + std::strerror(errno));
        std::filesystem::rename(temporary, path);
        return out.size();
    }

private:
    static void copy_version(char (&field)[16], std::string_view v) {
        std::memcpy(field, v.data(), std::min(v.size(), sizeof field - 1));
    }
    void add_bytes(std::string name, const void* data, std::size_t size) {
        arrays_[std::move(name)].assign(static_cast<const char*>(data), size);
    }
    std::map<std::string, std::string> arrays_;  // sorted by name: the directory's order
};

// What a language says of one entry once its ancestors' are merged in.
struct annotation_value {
    std::string short_name;
    std::vector<std::string> keywords;
};
using resolved_annotations = std::map<entry_id, annotation_value>;

std::u32string without_fe0f(std::u32string_view cps) {
    std::u32string out;
    for (char32_t c : cps)
        if (c != 0xFE0F) out.push_back(c);
    return out;
}

// Every entry by its code points without U+FE0F, as CLDR writes its keys.
std::map<std::u32string, entry_id> entries_by_key(const names_tables& t) {
    std::map<std::u32string, entry_id> out;
    for (entry_id e = 0; e + 1 < t.line_start_.size(); ++e) {
        std::string_view line(t.text_.data() + t.line_start_[e], t.line_start_[e + 1] - t.line_start_[e]);
        std::string_view hex = line.substr(0, line.find('\t'));
        std::u32string cps;
        while (!hex.empty()) {
            std::size_t end = std::min(hex.find(' '), hex.size());
            cps.push_back(static_cast<char32_t>(std::stoul(std::string(hex.substr(2, end - 2)), nullptr, 16)));
            hex.remove_prefix(std::min(end + 1, hex.size()));
        }
        out.emplace(without_fe0f(cps), e);
    }
    return out;
}

struct language_builder {
    const cldr_data& cldr;
    const std::map<std::u32string, entry_id>& by_key;
    std::map<std::string, resolved_annotations> resolved;  // by tag, made on demand
    // Each language's keyword words, made once: word -> its entries, and a
    // keyword or short name it is in (views into `resolved`).
    std::map<std::string, std::pair<std::map<std::string, std::vector<entry_id>>,
                                    std::unordered_map<std::string, std::string_view>>> words;
    std::size_t unmatched = 0;

    const locale* find(std::string_view tag) const {
        for (const locale& l : cldr.locales)
            if (l.tag == tag) return &l;
        return nullptr;
    }

    // Its parent's, overridden field by field by its own.
    const resolved_annotations& resolve(const locale& l) {
        if (auto it = resolved.find(l.tag); it != resolved.end()) return it->second;
        resolved_annotations r;
        if (const locale* parent = find(l.parent)) r = resolve(*parent);
        for (const annotation& a : l.annotations) {
            auto e = by_key.find(a.key);
            if (e == by_key.end()) {
                ++unmatched;
                continue;
            }
            annotation_value& v = r[e->second];
            if (!a.short_name.empty()) v.short_name = a.short_name;
            if (!a.keywords.empty()) v.keywords = a.keywords;
        }
        return resolved[l.tag] = std::move(r);
    }

    std::string_view tone_separator(const locale& l, bool list) const {
        for (const locale* at = &l; at; at = find(at->parent)) {
            const std::string& s = list ? at->tone_list_separator : at->tone_separator;
            if (!s.empty()) return s;
        }
        return list ? ", " : ": ";
    }
};

// Every language's posting lists in one array, each list once: a list is
// its size, then its entries. Regional locales repeat their parents' lists,
// and many words of different languages stand for the same one emoji: of
// 423,000 lists, 50,000 differ (4.6 MB as lists of their own, 2.2 MB so).
struct posting_pool {
    std::vector<std::uint32_t> data;
    std::map<std::vector<entry_id>, std::uint32_t> at;
    std::uint32_t add(const std::vector<entry_id>& list) {
        auto [it, added] = at.emplace(list, static_cast<std::uint32_t>(data.size()));
        if (added) {
            data.push_back(static_cast<std::uint32_t>(list.size()));
            data.insert(data.end(), list.begin(), list.end());
        }
        return it->second;
    }
};

// The arrays of one language: see index::language in index.hpp.
// A skin-tone sequence whose short name index::append_short_name() does not
// derive as CLDR has it: it is listed, and has none (rather than a wrong one). CLDR composes some differently ("kiss: person,
// person, light skin tone, medium skin tone"; "person: light skin tone,
// blond hair"; 👭 names 👩‍🤝‍👩): 22% of all, and keeping CLDR's own text
// for them made the file 7.7 MB bigger, past its 32 MB.
struct toned_exception {
    entry_id entry;
};

// The entries whose name has the word `upper` (A-Z and 0-9), ascending.
using names_lookup = std::unordered_map<std::string_view, std::span<const entry_id>>;

names_lookup name_words(const names_tables& t) {
    names_lookup out;
    for (std::size_t w = 0; w < t.word_size_.size(); ++w)
        out.emplace(std::string_view(t.text_).substr(t.word_text_[w], t.word_size_[w]),
                    std::span<const entry_id>(t.postings_.data() + t.posting_start_[w], t.posting_start_[w + 1] - t.posting_start_[w]));
    return out;
}

// A keyword word's list without the entries whose name has the same word
// (index::keyword_entries_with(): a query word looks the names up too). Of
// "arrow"'s 110 English keyword entries, 92 are ARROWs: a two-word query's
// walk over the entries that only keywords give it is that much shorter.
std::vector<entry_id> without_named(const std::vector<entry_id>& list, std::string_view word, const names_lookup& names) {
    if (!is_folded_name_word(word)) return list;
    std::string upper(word);
    for (char& c : upper) c = static_cast<char>(c >= 'a' ? c - 'a' + 'A' : c);
    auto named = names.find(upper);
    if (named == names.end()) return list;
    std::vector<entry_id> kept;
    std::set_difference(list.begin(), list.end(), named->second.begin(), named->second.end(), std::back_inserter(kept));
    return kept;
}

void write_language(data_writer& out, language_builder& b, posting_pool& pool, const names_lookup& names, const locale& l,
                    const std::vector<toned_exception>& exceptions) {
    const resolved_annotations& all = b.resolve(l);
    const bool fold = language_folds_accents(l.tag);

    // (Not structured bindings: clang 14 cannot capture those in a lambda.)
    auto& words_of = b.words[l.tag];
    auto& postings = words_of.first;  // word -> ascending entries
    auto& source = words_of.second;   // word -> a keyword or short name it is in
    std::string scratch;
    std::vector<std::string_view> words;
    if (postings.empty()) {  // the first pass
        for (const auto& item : all) {
            const entry_id e = item.first;
            const annotation_value& v = item.second;
            auto note = [&](std::string_view text) {
                keyword_words(text, fold, scratch, words);
                for (std::string_view w : words) {
                    auto& list = postings[std::string(w)];
                    if (list.empty() || list.back() != e) list.push_back(e);
                    source.emplace(std::string(w), text);
                }
            };
            note(v.short_name);
            for (const std::string& k : v.keywords) note(k);
        }
    }
    // Display: only what it annotates itself; the rest is its parent's.
    std::string strings;
    std::unordered_map<std::string, std::uint32_t> string_offsets;
    auto intern = [&](const std::string& s) {
        auto [it, added] = string_offsets.emplace(s, static_cast<std::uint32_t>(strings.size()));
        if (added) strings.append(s).push_back('\0');
        return it->second;
    };
    std::map<entry_id, const annotation_value*> shown;
    for (const annotation& a : l.annotations)
        if (auto e = b.by_key.find(a.key); e != b.by_key.end()) shown.emplace(e->second, &all.at(e->second));
    std::vector<entry_id> underivable;
    for (const toned_exception& x : exceptions) underivable.push_back(x.entry);
    std::sort(underivable.begin(), underivable.end());
    std::vector<entry_id> annotated;
    std::vector<std::uint32_t> short_at, keyword_start, keywords;
    for (const auto& [e, value] : shown) {
        const annotation_value& v = *value;
        annotated.push_back(e);
        short_at.push_back(v.short_name.empty() ? ~std::uint32_t{0} : intern(v.short_name));
        keyword_start.push_back(static_cast<std::uint32_t>(keywords.size()));
        for (const std::string& k : v.keywords) keywords.push_back(intern(k));
    }
    keyword_start.push_back(static_cast<std::uint32_t>(keywords.size()));

    // The words, sorted, each pointing at the same bytes in the strings
    // (83% of the words' bytes are there already: "cat" in "cat face"),
    // else at a copy of it added to them; each list in the shared pool.
    std::vector<std::uint32_t> word_at, posting_at;
    std::vector<std::uint8_t> word_size;
    for (const auto& [w, list] : postings) {
        if (w.size() > 0xFF) throw std::runtime_error(l.tag + ": a keyword word of more than 255 bytes: " + w);
        // In the string it came from, when the folding left it as it was.
        std::size_t at = std::string::npos;
        std::string_view from = source.at(w);
        if (auto it = string_offsets.find(std::string(from)); it != string_offsets.end()) {
            std::size_t inside = from.find(w);
            if (inside != std::string_view::npos) at = it->second + inside;
        }
        if (at == std::string::npos) {
            at = strings.size();
            strings.append(w).push_back('\0');
        }
        word_at.push_back(static_cast<std::uint32_t>(at));
        word_size.push_back(static_cast<std::uint8_t>(w.size()));
        posting_at.push_back(pool.add(without_named(list, w, names)));
    }

    // Where the words of each first byte start: a look-up's binary search
    // then spans one first byte's words, in a few neighbouring pages.
    std::vector<std::uint32_t> word_first(257, 0);
    {
        std::size_t i = 0, byte = 0;
        for (const auto& [w, list] : postings) {
            auto first = static_cast<unsigned char>(w.empty() ? 0 : w[0]);
            while (byte <= first) word_first[byte++] = static_cast<std::uint32_t>(i);
            ++i;
        }
        while (byte <= 256) word_first[byte++] = static_cast<std::uint32_t>(i);
    }

    auto name = [&](std::string_view what) { return data_file::language_array(l.tag, what); };
    out.add(name("word_first"), word_first);
    out.add(name("underivable"), underivable);
    out.add(name("word_at"), word_at);
    out.add(name("word_size"), word_size);
    out.add(name("posting_at"), posting_at);
    out.add(name("annotated"), annotated);
    out.add(name("short_at"), short_at);
    out.add(name("keyword_start"), keyword_start);
    out.add(name("keywords"), keywords);
    out.add(name("strings"), strings);
}

// Relevance order (search.cpp) ranks an entry by how many words its name
// has beyond the query's: per entry, its name's distinct words as the index
// posts them (a character's under names/, with its hex word when it names
// itself; a sequence's under other/, where sequence names are), at most 255.
// Counted once here, not by re-reading up to 10,000 names per ranked query.
std::vector<std::uint8_t> name_word_counts(const names_tables& t) {
    std::size_t entries = t.line_start_.size() - 1;
    std::vector<std::uint32_t> count(entries, 0);
    for (index::entry_id e : t.postings_) ++count[e];
    for (index::entry_id e : t.self_named_) ++count[e];
    for (index::entry_id e : t.sequences_) count[e] = 0;
    for (index::entry_id e : t.alias_postings_)
        if (std::binary_search(t.sequences_.begin(), t.sequences_.end(), e)) ++count[e];
    std::vector<std::uint8_t> out(entries);
    for (std::size_t e = 0; e < entries; ++e) out[e] = static_cast<std::uint8_t>(std::min<std::uint32_t>(count[e], 255));
    return out;
}

// Words (byte order) -> their entries, written as an index::word_table.
using word_lists = std::map<std::string, std::vector<entry_id>>;

// A table's lead unions (data_file::lead_count): for_each_word(f) calls
// f(word, its entries) for each of the table's words.
template <class ForEachWord>
void add_lead_unions(data_writer& out, std::string_view table, ForEachWord&& for_each_word) {
    std::vector<std::vector<entry_id>> by_lead(data_file::lead_count);
    for_each_word([&](std::string_view word, std::span<const entry_id> list) {
        if (word.empty()) return;
        auto& lead = by_lead[static_cast<unsigned char>(word[0])];
        lead.insert(lead.end(), list.begin(), list.end());
    });
    std::vector<std::uint32_t> start;
    std::vector<entry_id> postings;
    for (auto& list : by_lead) {
        std::sort(list.begin(), list.end());
        list.erase(std::unique(list.begin(), list.end()), list.end());
        start.push_back(static_cast<std::uint32_t>(postings.size()));
        postings.insert(postings.end(), list.begin(), list.end());
    }
    start.push_back(static_cast<std::uint32_t>(postings.size()));
    out.add(data_file::word_table_array(table, "lead_start"), start);
    out.add(data_file::word_table_array(table, "lead_postings"), postings);
}

// Lead unions only where prefixes are searched (names' words, informal
// aliases, definitions), not the readings' (0.5 MB).
enum class leads : bool { no, yes };

void add_word_table(data_writer& out, std::string_view table, word_lists& words, leads with_leads) {
    std::string text;
    std::vector<std::uint32_t> word_start, posting_start;
    std::vector<entry_id> postings;
    for (auto& [w, list] : words) {
        std::sort(list.begin(), list.end());
        list.erase(std::unique(list.begin(), list.end()), list.end());
        word_start.push_back(static_cast<std::uint32_t>(text.size()));
        posting_start.push_back(static_cast<std::uint32_t>(postings.size()));
        text += w;
        postings.insert(postings.end(), list.begin(), list.end());
    }
    word_start.push_back(static_cast<std::uint32_t>(text.size()));
    posting_start.push_back(static_cast<std::uint32_t>(postings.size()));
    // Open addressing, at most half full, as the names' word table.
    std::vector<std::uint32_t> slots(std::bit_ceil(std::max<std::size_t>(2 * words.size(), 2)), 0);
    for (std::size_t w = 0; w < words.size(); ++w) {
        std::string_view word(text.data() + word_start[w], word_start[w + 1] - word_start[w]);
        std::size_t i = data_file::slot_of(word, slots.size());
        while (slots[i] != 0) i = (i + 1) & (slots.size() - 1);
        slots[i] = static_cast<std::uint32_t>(w + 1);
    }
    out.add(data_file::word_table_array(table, "slots"), slots);
    out.add(data_file::word_table_array(table, "words"), text);
    out.add(data_file::word_table_array(table, "word_start"), word_start);
    out.add(data_file::word_table_array(table, "posting_start"), posting_start);
    out.add(data_file::word_table_array(table, "postings"), postings);
    if (with_leads == leads::no) return;
    add_lead_unions(out, table, [&](auto&& f) {
        for (std::size_t w = 0; w + 1 < word_start.size(); ++w)
            f(std::string_view(text.data() + word_start[w], word_start[w + 1] - word_start[w]),
              std::span<const entry_id>(postings.data() + posting_start[w], posting_start[w + 1] - posting_start[w]));
    });
}

// Each word of `text` as names' words are made (upper_name_words()) -> e.
void note_name_words(std::string_view text, entry_id e, word_lists& words) {
    std::string upper;
    upper_name_words(text, upper);
    std::string_view rest = upper;
    while (!rest.empty()) {
        std::size_t start = rest.find_first_not_of(' ');
        if (start == std::string_view::npos) break;
        rest.remove_prefix(start);
        std::size_t end = std::min(rest.find(' '), rest.size());
        words[std::string(rest.substr(0, end))].push_back(e);
        rest.remove_prefix(end);
    }
}

struct informal_and_unihan_counts {
    std::size_t aliases = 0, alias_words = 0, unihan = 0, definition_words = 0, reading_keys = 0;
};

// "informal/...": code points with their aliases' text, and the words' table.
// "unihan/...": code points with their fields' text, and a table per field.
// Code points without an entry (controls) keep their text, unsearched.
informal_and_unihan_counts add_informal_and_unihan(data_writer& out, const std::filesystem::path& ucd,
                                                   const names_tables& t) {
    informal_and_unihan_counts counts;
    // Each character's entry, from its line "U+XXXX\t..." (a sequence's has
    // a space in its code points). Not entries_by_key(): its keys are
    // without U+FE0F, whose informal alias is "emoji variation selector".
    std::unordered_map<char32_t, entry_id> characters;
    for (entry_id e = 0; e + 1 < t.line_start_.size(); ++e) {
        std::string_view line(t.text_.data() + t.line_start_[e], t.line_start_[e + 1] - t.line_start_[e]);
        std::string_view hex = line.substr(2, line.find('\t') - 2);
        if (hex.find(' ') == std::string_view::npos) characters.emplace(static_cast<char32_t>(std::stoul(std::string(hex), nullptr, 16)), e);
    }
    auto entry = [&](char32_t cp) {
        auto it = characters.find(cp);
        return it == characters.end() ? index::no_entry : it->second;
    };
    {
        std::vector<informal_alias> aliases = read_informal_aliases(ucd / "NamesList.txt");
        std::vector<char32_t> code_points;
        std::vector<std::uint32_t> text_at;
        std::string text;
        word_lists words;
        for (const informal_alias& a : aliases) {
            if (code_points.empty() || code_points.back() != a.code_point) {
                code_points.push_back(a.code_point);
                text_at.push_back(static_cast<std::uint32_t>(text.size()));
            }
            text.append(a.text).push_back('\n');
            if (entry_id e = entry(a.code_point); e != index::no_entry) note_name_words(a.text, e, words);
        }
        text_at.push_back(static_cast<std::uint32_t>(text.size()));
        out.add("informal/code_points", code_points);
        out.add("informal/text_at", text_at);
        out.add("informal/text", text);
        add_word_table(out, "informal", words, leads::yes);
        counts.aliases = aliases.size();
        counts.alias_words = words.size();
    }
    unihan_data unihan = read_unihan(ucd / "Unihan_Readings.txt.bz2");
    std::vector<char32_t> code_points;
    std::vector<std::uint32_t> text_at;
    std::string text;
    std::array<word_lists, unihan_field_count> words;
    std::string toned, toneless;
    for (const auto& [cp, fields] : unihan) {
        code_points.push_back(cp);
        entry_id e = entry(cp);
        for (std::size_t f = 0; f < unihan_field_count; ++f) {
            text_at.push_back(static_cast<std::uint32_t>(text.size()));
            text += fields[f];
            if (e == index::no_entry || fields[f].empty()) continue;
            if (f == 0) {
                note_name_words(fields[f], e, words[f]);
                continue;
            }
            std::string_view rest = fields[f];
            while (!rest.empty()) {
                std::size_t end = std::min(rest.find(' '), rest.size());
                index::reading_keys(static_cast<mojifinder::reading>(f - 1), rest.substr(0, end), toned, toneless);
                if (!toned.empty()) words[f][toned].push_back(e);
                if (!toneless.empty()) words[f][toneless].push_back(e);
                rest.remove_prefix(std::min(end + 1, rest.size()));
            }
        }
    }
    text_at.push_back(static_cast<std::uint32_t>(text.size()));
    out.add("unihan/code_points", code_points);
    out.add("unihan/text_at", text_at);
    out.add("unihan/text", text);
    for (std::size_t f = 0; f < unihan_field_count; ++f) {
        add_word_table(out, std::string("unihan/") += data_file::unihan_fields[f], words[f], f == 0 ? leads::yes : leads::no);
        (f == 0 ? counts.definition_words : counts.reading_keys) += words[f].size();
    }
    counts.unihan = unihan.size();
    return counts;
}

int generate(const std::filesystem::path& ucd, const std::filesystem::path& cldr_dir,
             const std::filesystem::path& output) {
    auto started = std::chrono::steady_clock::now();
    emoji_test emoji = read_emoji_test(ucd / "emoji" / "emoji-test.txt");
    names_tables t = build_names(emoji.sequences);
    cldr_data cldr = read_cldr(cldr_dir);

    data_writer out;
    out.add("names/text", std::string_view(t.text_));
    out.add("names/line_start", t.line_start_);
    out.add("names/self_named", t.self_named_);
    out.add("names/word_text", t.word_text_);
    out.add("names/word_size", t.word_size_);
    out.add("names/posting_start", t.posting_start_);
    out.add("names/postings", t.postings_);
    out.add("names/slots", t.slots_);
    out.add("names/words_by_start", t.words_by_start_);
    out.add("names/start_group", t.start_group_);
    add_lead_unions(out, "names", [&](auto&& f) {
        for (std::size_t w = 0; w < t.word_text_.size(); ++w)
            f(std::string_view(t.text_.data() + t.word_text_[w], t.word_size_[w]),
              std::span<const entry_id>(t.postings_.data() + t.posting_start_[w], t.posting_start_[w + 1] - t.posting_start_[w]));
    });
    std::string other_text;
    std::vector<std::uint32_t> other_start;
    for (const std::string& w : t.alias_words_) {
        other_start.push_back(static_cast<std::uint32_t>(other_text.size()));
        other_text += w;
    }
    other_start.push_back(static_cast<std::uint32_t>(other_text.size()));
    out.add("other/word_text", other_text);
    out.add("other/word_start", other_start);
    out.add("other/posting_start", t.alias_posting_start_);
    out.add("other/postings", t.alias_postings_);
    out.add("sequences/all", t.sequences_);
    out.add("sequences/toned", t.toned_);
    out.add("rank/name_words", name_word_counts(t));

    auto by_key = entries_by_key(t);
    const informal_and_unihan_counts more = add_informal_and_unihan(out, ucd, t);
    language_builder b{cldr, by_key, {}, {}, 0};
    std::string language_text;
    std::vector<data_file::language_record> records;
    auto text = [&](std::string_view s, std::uint32_t& offset, std::uint32_t& size) {
        offset = static_cast<std::uint32_t>(language_text.size());
        size = static_cast<std::uint32_t>(s.size());
        language_text += s;
    };
    for (const locale& l : cldr.locales) {
        data_file::language_record r{};
        text(l.tag, r.tag_offset, r.tag_size);
        text(l.name, r.name_offset, r.name_size);
        text(b.tone_separator(l, false), r.tone_separator_offset, r.tone_separator_size);
        text(b.tone_separator(l, true), r.tone_list_separator_offset, r.tone_list_separator_size);
        r.parent = 0xFFFF;
        for (std::size_t p = 0; p < cldr.locales.size(); ++p)
            if (cldr.locales[p].tag == l.parent) r.parent = static_cast<std::uint16_t>(p);
        r.folds_accents = language_folds_accents(l.tag) ? 1 : 0;
        records.push_back(r);
    }
    out.add("languages/records", records);
    out.add("languages/text", language_text);
    std::vector<std::vector<toned_exception>> exceptions(cldr.locales.size());
    const names_lookup names = name_words(t);
    auto add_languages = [&] {
        posting_pool pool;
        for (std::size_t l = 0; l < cldr.locales.size(); ++l) write_language(out, b, pool, names, cldr.locales[l], exceptions[l]);
        out.add("keywords/postings", pool.data);
    };
    add_languages();
    std::size_t bytes = out.write(output, cldr.version);

    // The skin-tone sequences' short names, derived by the index itself from
    // the file just written, against CLDR's: those that differ are kept.
    std::size_t kept = 0, toned_names = 0;
    {
        const index idx = index::open(output.string());
        for (std::size_t l = 0; l < cldr.locales.size(); ++l) {
            for (const annotation& a : cldr.locales[l].toned) {
                auto e = by_key.find(a.key);
                if (e == by_key.end() || a.short_name.empty()) continue;
                ++toned_names;
                std::string derived;
                if (idx.append_short_name(static_cast<index::language_id>(l), e->second, derived) && derived == a.short_name)
                    continue;
                exceptions[l].push_back({e->second});
                ++kept;
            }
        }
    }
    if (kept > 0) {
        add_languages();
        bytes = out.write(output, cldr.version);
    }
    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    std::cout << fmt::format("{}: {} entries ({} sequences, {} with skin tones), {} languages, {} CLDR keys without an entry; "
                             "skin-tone short names: {} derived, {} not derivable; {} informal aliases ({} words); "
                             "Unihan: {} code points, {} definition words, {} reading keys; {:.1f} MB in {:.0f} ms\n",
                             output.string(), t.line_start_.size() - 1, t.sequences_.size(), t.toned_.size(),
                             cldr.locales.size(), b.unmatched, toned_names - kept, kept, more.aliases, more.alias_words, more.unihan,
                             more.definition_words, more.reading_keys, static_cast<double>(bytes) / 1e6, ms);
    return 0;
}

}  // namespace
}  // namespace mojifinder::datagen

int main(int argc, char** argv) {
    CLI::App app{"Writes mojifinder's data file from ICU, unicode-data and unicode-cldr-core"};
    std::filesystem::path ucd = "/usr/share/unicode", cldr = "/usr/share/unicode/cldr/common", output;
    app.add_option("--ucd", ucd, "unicode-data's folder (emoji/emoji-test.txt, NamesList.txt, Unihan_Readings.txt.bz2)")->check(CLI::ExistingDirectory);
    app.add_option("--cldr", cldr, "CLDR's common/ folder (annotations/, annotationsDerived/)")->check(CLI::ExistingDirectory);
    app.add_option("-o,--output", output, "the data file to write")->required();
    CLI11_PARSE(app, argc, argv);
    try {
        return mojifinder::datagen::generate(ucd, cldr, output);
    } catch (const std::exception& e) {
        std::cerr << "mojifinder-datagen: " << e.what() << "\n";
        return 1;
    }
}
