#pragma once
// The search page's files (web/), compiled into the binary at build time
// (web/CMakeLists.txt writes web_assets.cpp from them): no CDN, no build
// step, nothing read from disk at run time.
#include <span>
#include <string_view>

namespace mojifinder::protocol {

struct web_asset {
    std::string_view path;          // "/", "/app.js", "/style.css"
    std::string_view content_type;  // "text/html; charset=utf-8"
    std::string_view body;
    std::string_view etag;          // "\"<16 hex digits>\"": a hash of the body, made at build time
};

// Every file of the page, "/" (web/index.html) first.
std::span<const web_asset> web_assets() noexcept;

}  // namespace mojifinder::protocol
