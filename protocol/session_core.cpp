// Flow: next() answers one thing per call. While an answer is being streamed
// it hands out the next chunk of it (runs of consecutive entries are one
// buffer, straight from the index); otherwise it frames the next line of the
// input: a complete line is classified and answered; an incomplete one is
// either hopeless (hang-up byte, over the limit: dropped until its LF, or the
// session closed at 1 MiB) or waits for more input. End of input answers what
// is left, then closes.
#include "session_core.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace mojifinder::protocol {
namespace {

constexpr std::size_t rule_width = 66;

std::string make_rule() {
    std::string rule;
    for (std::size_t i = 0; i < rule_width; ++i) rule += "\u2500";
    return rule;
}

std::string_view format_into(std::span<char> out, fmt::string_view format, std::size_t n) {
    auto result = fmt::format_to_n(out.data(), out.size(), fmt::runtime(format), n);
    return {out.data(), std::min(result.size, out.size())};
}

}  // namespace

std::string_view status_rule() noexcept {
    static const std::string rule = make_rule();
    return rule;
}

std::string_view format_count(std::size_t count, std::span<char, 32> out) noexcept {
    return format_into(out, " {} found\r\n", count);
}

session_core::session_core(const index& idx, std::size_t max_line) noexcept
    : index_(idx), max_line_(max_line) {
    too_long_ = format_into(too_long_buffer_, "error: line too long (limit {} bytes)\r\n", max_line);
}

step session_core::start() noexcept {
    out_[0] = prompt;
    return {step_kind::write, {out_.data(), 1}};
}

step session_core::next(std::string_view input, bool eof, bool stopping) {
    consumed_ = 0;
    if (answering_) return continue_answer(stopping);
    if (stopping) return close_with(error_shutdown, event::shutdown);

    std::size_t lf = input.find('\n');
    if (lf == std::string_view::npos && eof && (!input.empty() || discarding_))
        lf = input.size();  // a last line without LF is answered too
    if (lf != std::string_view::npos) {
        // The bytes before this LF count too, so that whether a line reaches
        // 1 MiB does not depend on how the reads happened to split it.
        if (discarded_ + lf >= config::flood_limit) return close_with(error_flood, event::flood);
        consumed_ = std::min(lf + 1, input.size());
        std::string_view line = input.substr(0, lf);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (discarding_ || line.size() > max_line_) {
            discarding_ = false;
            discarded_ = 0;
            return write_then_prompt(too_long_, stopping, event::too_long);
        }
        return answer_line(line, stopping);
    }
    if (eof) return close_with({}, event::client_done);

    if (!discarding_ && line_end(input.begin(), input.end()).second) {
        consumed_ = input.size();
        return close_with({}, event::hang_up);
    }
    if (discarding_ || input.size() >= input_limit()) {
        discarding_ = true;
        discarded_ += input.size();
        consumed_ = input.size();
        if (discarded_ >= config::flood_limit) return close_with(error_flood, event::flood);
    }
    return {};
}

step session_core::idle_timeout() noexcept { return close_with(error_idle, event::idle_timeout); }

step session_core::answer_line(std::string_view line, bool stopping) {
    classified_line c = classify(line);
    switch (c.kind) {
    case line_kind::blank: return write_then_prompt({}, stopping, event::blank);
    case line_kind::hang_up: return close_with({}, event::hang_up);
    case line_kind::invalid_utf8: return write_then_prompt(error_utf8, stopping, event::invalid_utf8);
    case line_kind::query: break;
    }
    matches_ = index_.search(c.query, scratch_);
    cursor_ = 0;
    run_end_ = 0;
    run_offset_ = 0;
    answering_ = true;
    step s = continue_answer(stopping);
    s.what = event::answered;
    s.query = c.query;
    s.found = matches_.size();
    return s;
}

step session_core::continue_answer(bool stopping) {
    std::size_t n = 0;
    std::size_t budget = config::write_chunk;
    // Three slots stay free for the status line and what follows it.
    while (cursor_ < matches_.size() && n + 3 < out_.size() && budget > 0) {
        if (run_end_ <= cursor_) {
            run_end_ = cursor_ + 1;
            while (run_end_ < matches_.size() && matches_[run_end_] == matches_[run_end_ - 1] + 1)
                ++run_end_;
        }
        std::string_view run = index_.lines(matches_[cursor_], matches_[run_end_ - 1] + 1);
        std::string_view piece = run.substr(run_offset_, budget);
        out_[n++] = piece;
        budget -= piece.size();
        run_offset_ += piece.size();
        if (run_offset_ == run.size()) {
            cursor_ = run_end_;
            run_offset_ = 0;
        }
    }
    if (cursor_ < matches_.size()) return {step_kind::write, {out_.data(), n}};

    answering_ = false;
    out_[n++] = status_rule();
    out_[n++] = format_count(matches_.size(), count_);
    out_[n++] = stopping ? error_shutdown : prompt;
    return {stopping ? step_kind::close : step_kind::write, {out_.data(), n},
            stopping ? event::shutdown : event::none};
}

step session_core::write_then_prompt(std::string_view message, bool stopping, event what) {
    std::size_t n = 0;
    if (!message.empty()) out_[n++] = message;
    out_[n++] = stopping ? error_shutdown : prompt;
    return {stopping ? step_kind::close : step_kind::write, {out_.data(), n}, what};
}

step session_core::close_with(std::string_view message, event what) {
    out_[0] = message;
    return {step_kind::close, {out_.data(), message.empty() ? 0u : 1u}, what};
}

}  // namespace mojifinder::protocol
