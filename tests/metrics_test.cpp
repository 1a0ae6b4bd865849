// The server's counters and their Prometheus text (docs/HTTP.md, "/metrics"),
// checked by the exact bytes of render() after a few counts.
// Flow: each test counts on a fresh metrics object, then compares render()'s
// whole text, or the lines of one family, with what docs/HTTP.md shows.
#include "metrics.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <string_view>

using namespace std::chrono_literals;
using mojifinder::protocol::error_kind;
using mojifinder::protocol::metrics;
using mojifinder::protocol::protocol_kind;
using mojifinder::protocol::query_outcome;

namespace {

const mojifinder::index::data_versions versions{"15.0", "41", "72.1"};

// The lines of `text` that start with `prefix`, each with its LF.
std::string lines_of(std::string_view text, std::string_view prefix) {
    std::string out;
    while (!text.empty()) {
        std::size_t lf = text.find('\n');
        std::string_view line = text.substr(0, lf + 1);
        if (line.starts_with(prefix)) out += line;
        text.remove_prefix(line.size());
    }
    return out;
}

}  // namespace

TEST_CASE("a fresh server's whole /metrics text", "[metrics]") {
    metrics m;
    std::string text;
    m.render(text, versions);
    CHECK(text ==
          "# HELP mojifinder_sessions_open Sessions open now, by protocol.\n"
          "# TYPE mojifinder_sessions_open gauge\n"
          "mojifinder_sessions_open{protocol=\"line\"} 0\n"
          "mojifinder_sessions_open{protocol=\"http\"} 0\n"
          "# HELP mojifinder_sessions_total Sessions opened since the start, by protocol.\n"
          "# TYPE mojifinder_sessions_total counter\n"
          "mojifinder_sessions_total{protocol=\"line\"} 0\n"
          "mojifinder_sessions_total{protocol=\"http\"} 0\n"
          "# HELP mojifinder_queries_total Queries answered, by protocol and outcome.\n"
          "# TYPE mojifinder_queries_total counter\n"
          "mojifinder_queries_total{protocol=\"line\",outcome=\"found\"} 0\n"
          "mojifinder_queries_total{protocol=\"line\",outcome=\"empty\"} 0\n"
          "mojifinder_queries_total{protocol=\"line\",outcome=\"error\"} 0\n"
          "mojifinder_queries_total{protocol=\"http\",outcome=\"found\"} 0\n"
          "mojifinder_queries_total{protocol=\"http\",outcome=\"empty\"} 0\n"
          "mojifinder_queries_total{protocol=\"http\",outcome=\"error\"} 0\n"
          "# HELP mojifinder_kept_answers_total Line protocol answers sent from the answer cache, without a "
          "search (--answer-cache).\n"
          "# TYPE mojifinder_kept_answers_total counter\n"
          "mojifinder_kept_answers_total 0\n"
          "# HELP mojifinder_query_seconds Time from a complete query to its answer's first bytes, by protocol.\n"
          "# TYPE mojifinder_query_seconds histogram\n"
          "mojifinder_query_seconds_bucket{protocol=\"line\",le=\"1e-05\"} 0\n"
          "mojifinder_query_seconds_bucket{protocol=\"line\",le=\"3e-05\"} 0\n"
          "mojifinder_query_seconds_bucket{protocol=\"line\",le=\"0.0001\"} 0\n"
          "mojifinder_query_seconds_bucket{protocol=\"line\",le=\"0.0003\"} 0\n"
          "mojifinder_query_seconds_bucket{protocol=\"line\",le=\"0.001\"} 0\n"
          "mojifinder_query_seconds_bucket{protocol=\"line\",le=\"0.01\"} 0\n"
          "mojifinder_query_seconds_bucket{protocol=\"line\",le=\"0.1\"} 0\n"
          "mojifinder_query_seconds_bucket{protocol=\"line\",le=\"1\"} 0\n"
          "mojifinder_query_seconds_bucket{protocol=\"line\",le=\"+Inf\"} 0\n"
          "mojifinder_query_seconds_sum{protocol=\"line\"} 0\n"
          "mojifinder_query_seconds_count{protocol=\"line\"} 0\n"
          "mojifinder_query_seconds_bucket{protocol=\"http\",le=\"1e-05\"} 0\n"
          "mojifinder_query_seconds_bucket{protocol=\"http\",le=\"3e-05\"} 0\n"
          "mojifinder_query_seconds_bucket{protocol=\"http\",le=\"0.0001\"} 0\n"
          "mojifinder_query_seconds_bucket{protocol=\"http\",le=\"0.0003\"} 0\n"
          "mojifinder_query_seconds_bucket{protocol=\"http\",le=\"0.001\"} 0\n"
          "mojifinder_query_seconds_bucket{protocol=\"http\",le=\"0.01\"} 0\n"
          "mojifinder_query_seconds_bucket{protocol=\"http\",le=\"0.1\"} 0\n"
          "mojifinder_query_seconds_bucket{protocol=\"http\",le=\"1\"} 0\n"
          "mojifinder_query_seconds_bucket{protocol=\"http\",le=\"+Inf\"} 0\n"
          "mojifinder_query_seconds_sum{protocol=\"http\"} 0\n"
          "mojifinder_query_seconds_count{protocol=\"http\"} 0\n"
          "# HELP mojifinder_answer_bytes Bytes of each answer, by protocol.\n"
          "# TYPE mojifinder_answer_bytes histogram\n"
          "mojifinder_answer_bytes_bucket{protocol=\"line\",le=\"256\"} 0\n"
          "mojifinder_answer_bytes_bucket{protocol=\"line\",le=\"1024\"} 0\n"
          "mojifinder_answer_bytes_bucket{protocol=\"line\",le=\"4096\"} 0\n"
          "mojifinder_answer_bytes_bucket{protocol=\"line\",le=\"16384\"} 0\n"
          "mojifinder_answer_bytes_bucket{protocol=\"line\",le=\"65536\"} 0\n"
          "mojifinder_answer_bytes_bucket{protocol=\"line\",le=\"1048576\"} 0\n"
          "mojifinder_answer_bytes_bucket{protocol=\"line\",le=\"+Inf\"} 0\n"
          "mojifinder_answer_bytes_sum{protocol=\"line\"} 0\n"
          "mojifinder_answer_bytes_count{protocol=\"line\"} 0\n"
          "mojifinder_answer_bytes_bucket{protocol=\"http\",le=\"256\"} 0\n"
          "mojifinder_answer_bytes_bucket{protocol=\"http\",le=\"1024\"} 0\n"
          "mojifinder_answer_bytes_bucket{protocol=\"http\",le=\"4096\"} 0\n"
          "mojifinder_answer_bytes_bucket{protocol=\"http\",le=\"16384\"} 0\n"
          "mojifinder_answer_bytes_bucket{protocol=\"http\",le=\"65536\"} 0\n"
          "mojifinder_answer_bytes_bucket{protocol=\"http\",le=\"1048576\"} 0\n"
          "mojifinder_answer_bytes_bucket{protocol=\"http\",le=\"+Inf\"} 0\n"
          "mojifinder_answer_bytes_sum{protocol=\"http\"} 0\n"
          "mojifinder_answer_bytes_count{protocol=\"http\"} 0\n"
          "# HELP mojifinder_errors_total Errors and refusals, by protocol and kind.\n"
          "# TYPE mojifinder_errors_total counter\n"
          "mojifinder_errors_total{protocol=\"line\",kind=\"refused_busy\"} 0\n"
          "mojifinder_errors_total{protocol=\"line\",kind=\"bad_request\"} 0\n"
          "mojifinder_errors_total{protocol=\"line\",kind=\"not_found\"} 0\n"
          "mojifinder_errors_total{protocol=\"line\",kind=\"method\"} 0\n"
          "mojifinder_errors_total{protocol=\"line\",kind=\"target_too_long\"} 0\n"
          "mojifinder_errors_total{protocol=\"line\",kind=\"fields_too_long\"} 0\n"
          "mojifinder_errors_total{protocol=\"line\",kind=\"request_timeout\"} 0\n"
          "mojifinder_errors_total{protocol=\"line\",kind=\"idle_timeout\"} 0\n"
          "mojifinder_errors_total{protocol=\"line\",kind=\"line_too_long\"} 0\n"
          "mojifinder_errors_total{protocol=\"line\",kind=\"invalid_utf8\"} 0\n"
          "mojifinder_errors_total{protocol=\"line\",kind=\"send_timeout\"} 0\n"
          "mojifinder_errors_total{protocol=\"http\",kind=\"refused_busy\"} 0\n"
          "mojifinder_errors_total{protocol=\"http\",kind=\"bad_request\"} 0\n"
          "mojifinder_errors_total{protocol=\"http\",kind=\"not_found\"} 0\n"
          "mojifinder_errors_total{protocol=\"http\",kind=\"method\"} 0\n"
          "mojifinder_errors_total{protocol=\"http\",kind=\"target_too_long\"} 0\n"
          "mojifinder_errors_total{protocol=\"http\",kind=\"fields_too_long\"} 0\n"
          "mojifinder_errors_total{protocol=\"http\",kind=\"request_timeout\"} 0\n"
          "mojifinder_errors_total{protocol=\"http\",kind=\"idle_timeout\"} 0\n"
          "mojifinder_errors_total{protocol=\"http\",kind=\"line_too_long\"} 0\n"
          "mojifinder_errors_total{protocol=\"http\",kind=\"invalid_utf8\"} 0\n"
          "mojifinder_errors_total{protocol=\"http\",kind=\"send_timeout\"} 0\n"
          "# HELP mojifinder_data_info The versions of the data file's sources.\n"
          "# TYPE mojifinder_data_info gauge\n"
          "mojifinder_data_info{unicode=\"15.0\",cldr=\"41\",icu=\"72.1\"} 1\n");
}

TEST_CASE("counts show in their series", "[metrics]") {
    metrics m;
    std::string text;
    SECTION("answers from the answer cache") {
        m.kept_answer();
        m.kept_answer();
        CHECK(m.kept_answers() == 2);
        m.render(text, versions);
        CHECK(lines_of(text, "mojifinder_kept_answers_total ") == "mojifinder_kept_answers_total 2\n");
    }
    SECTION("sessions: open and total, by protocol") {
        m.session_opened(protocol_kind::line);
        m.session_opened(protocol_kind::http);
        m.session_opened(protocol_kind::http);
        m.session_closed(protocol_kind::http);
        CHECK(m.open_sessions(protocol_kind::http) == 1);
        m.render(text, versions);
        CHECK(lines_of(text, "mojifinder_sessions_") ==
              "mojifinder_sessions_open{protocol=\"line\"} 1\n"
              "mojifinder_sessions_open{protocol=\"http\"} 1\n"
              "mojifinder_sessions_total{protocol=\"line\"} 1\n"
              "mojifinder_sessions_total{protocol=\"http\"} 2\n");
    }
    SECTION("queries by outcome, errors by kind") {
        m.query(protocol_kind::http, query_outcome::found);
        m.query(protocol_kind::http, query_outcome::found);
        m.query(protocol_kind::line, query_outcome::error);
        m.error(protocol_kind::http, error_kind::request_timeout);
        m.error(protocol_kind::line, error_kind::refused_busy);
        m.error(protocol_kind::line, error_kind::refused_busy);
        CHECK(m.queries(protocol_kind::http, query_outcome::found) == 2);
        CHECK(m.errors(protocol_kind::line, error_kind::refused_busy) == 2);
        m.render(text, versions);
        CHECK(lines_of(text, "mojifinder_queries_total{protocol=\"http\"") ==
              "mojifinder_queries_total{protocol=\"http\",outcome=\"found\"} 2\n"
              "mojifinder_queries_total{protocol=\"http\",outcome=\"empty\"} 0\n"
              "mojifinder_queries_total{protocol=\"http\",outcome=\"error\"} 0\n");
        CHECK(lines_of(text, "mojifinder_queries_total{protocol=\"line\",outcome=\"error\"}") ==
              "mojifinder_queries_total{protocol=\"line\",outcome=\"error\"} 1\n");
        CHECK(lines_of(text, "mojifinder_errors_total{protocol=\"line\",kind=\"refused_busy\"}") ==
              "mojifinder_errors_total{protocol=\"line\",kind=\"refused_busy\"} 2\n");
        CHECK(lines_of(text, "mojifinder_errors_total{protocol=\"http\",kind=\"request_timeout\"}") ==
              "mojifinder_errors_total{protocol=\"http\",kind=\"request_timeout\"} 1\n");
    }
    SECTION("latency: cumulative buckets, a bound counts as inside, the sum in seconds") {
        m.latency(protocol_kind::line, 10us);    // le 1e-05 (on the bound)
        m.latency(protocol_kind::line, 250us);   // le 0.0003
        m.latency(protocol_kind::line, 2500ms);  // +Inf only
        m.render(text, versions);
        CHECK(lines_of(text, "mojifinder_query_seconds_bucket{protocol=\"line\"") ==
              "mojifinder_query_seconds_bucket{protocol=\"line\",le=\"1e-05\"} 1\n"
              "mojifinder_query_seconds_bucket{protocol=\"line\",le=\"3e-05\"} 1\n"
              "mojifinder_query_seconds_bucket{protocol=\"line\",le=\"0.0001\"} 1\n"
              "mojifinder_query_seconds_bucket{protocol=\"line\",le=\"0.0003\"} 2\n"
              "mojifinder_query_seconds_bucket{protocol=\"line\",le=\"0.001\"} 2\n"
              "mojifinder_query_seconds_bucket{protocol=\"line\",le=\"0.01\"} 2\n"
              "mojifinder_query_seconds_bucket{protocol=\"line\",le=\"0.1\"} 2\n"
              "mojifinder_query_seconds_bucket{protocol=\"line\",le=\"1\"} 2\n"
              "mojifinder_query_seconds_bucket{protocol=\"line\",le=\"+Inf\"} 3\n");
        CHECK(lines_of(text, "mojifinder_query_seconds_sum{protocol=\"line\"}") ==
              "mojifinder_query_seconds_sum{protocol=\"line\"} 2.50026\n");
        CHECK(lines_of(text, "mojifinder_query_seconds_count{protocol=\"line\"}") ==
              "mojifinder_query_seconds_count{protocol=\"line\"} 3\n");
    }
    SECTION("answer sizes") {
        m.answer_size(protocol_kind::http, 100);
        m.answer_size(protocol_kind::http, 5000);
        m.render(text, versions);
        CHECK(lines_of(text, "mojifinder_answer_bytes_bucket{protocol=\"http\"") ==
              "mojifinder_answer_bytes_bucket{protocol=\"http\",le=\"256\"} 1\n"
              "mojifinder_answer_bytes_bucket{protocol=\"http\",le=\"1024\"} 1\n"
              "mojifinder_answer_bytes_bucket{protocol=\"http\",le=\"4096\"} 1\n"
              "mojifinder_answer_bytes_bucket{protocol=\"http\",le=\"16384\"} 2\n"
              "mojifinder_answer_bytes_bucket{protocol=\"http\",le=\"65536\"} 2\n"
              "mojifinder_answer_bytes_bucket{protocol=\"http\",le=\"1048576\"} 2\n"
              "mojifinder_answer_bytes_bucket{protocol=\"http\",le=\"+Inf\"} 2\n");
        CHECK(lines_of(text, "mojifinder_answer_bytes_sum{protocol=\"http\"}") ==
              "mojifinder_answer_bytes_sum{protocol=\"http\"} 5100\n");
    }
}
