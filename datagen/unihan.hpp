#pragma once
// Unihan_Readings.txt.bz2 (Debian's unicode-data), read compressed with
// libbz2: per code point, the fields data_file::unihan_fields names
// (kDefinition, kMandarin, kCantonese, kJapaneseKun, kJapaneseOn, kKorean,
// kVietnamese). main.cpp writes them under "unihan/...".
#include "data_file.hpp"

#include <array>
#include <filesystem>
#include <map>
#include <string>

namespace mojifinder::datagen {

inline constexpr std::size_t unihan_field_count = std::size(data_file::unihan_fields);
// Code point -> its fields' text, in data_file::unihan_fields' order ("" where none).
using unihan_data = std::map<char32_t, std::array<std::string, unihan_field_count>>;

// Throws std::runtime_error when the file cannot be read or decompressed.
unihan_data read_unihan(const std::filesystem::path& readings_bz2);

}  // namespace mojifinder::datagen
