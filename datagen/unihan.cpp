// Flow: decompress Unihan_Readings.txt.bz2 with libbz2 into memory (~6 MB),
// then read its lines "U+6C34<TAB>kMandarin<TAB>shuǐ", skipping comments,
// and keep the fields data_file::unihan_fields names.
#include "unihan.hpp"

#include <bzlib.h>

#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string_view>

namespace mojifinder::datagen {
namespace {

std::string decompress(const std::filesystem::path& path) {
    std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!file) throw std::runtime_error("cannot read " + path.string() + ": apt-get install unicode-data");
    int error = BZ_OK;
    BZFILE* bz = BZ2_bzReadOpen(&error, file.get(), 0, 0, nullptr, 0);
    if (error != BZ_OK) throw std::runtime_error(path.string() + " is not a bzip2 file");
    std::string out;
    char buffer[1 << 16];
    while (error == BZ_OK) {
        int n = BZ2_bzRead(&error, bz, buffer, sizeof buffer);
        if (n > 0) out.append(buffer, static_cast<std::size_t>(n));
    }
    BZ2_bzReadClose(nullptr, bz);
    if (error != BZ_STREAM_END) throw std::runtime_error(path.string() + " is damaged (bzip2 error " + std::to_string(error) + ")");
    return out;
}

}  // namespace

unihan_data read_unihan(const std::filesystem::path& readings_bz2) {
    std::string text = decompress(readings_bz2);
    unihan_data out;
    std::string_view rest = text;
    while (!rest.empty()) {
        std::size_t end = std::min(rest.find('\n'), rest.size());
        std::string_view line = rest.substr(0, end);
        rest.remove_prefix(std::min(end + 1, rest.size()));
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (!line.starts_with("U+")) continue;
        std::size_t tab = line.find('\t'), tab2 = line.find('\t', tab + 1);
        if (tab == std::string_view::npos || tab2 == std::string_view::npos) continue;
        std::string_view field = line.substr(tab + 1, tab2 - tab - 1);
        for (std::size_t f = 0; f < unihan_field_count; ++f) {
            if (field != data_file::unihan_fields[f]) continue;
            auto cp = static_cast<char32_t>(std::stoul(std::string(line.substr(2, tab - 2)), nullptr, 16));
            out[cp][f] = std::string(line.substr(tab2 + 1));
        }
    }
    return out;
}

}  // namespace mojifinder::datagen
