// mojifinder-micro: Google Benchmark micro-benchmarks of the index and the
// protocol core, without sockets.
//
//   IndexBuild            index::open(index::build_tree_data_path()), every name read from ICU
//   Search/<query>        index::search() for small, medium and huge answers
//   Format/<query>        protocol::session_core over one query line: search,
//                         then every step until the prompt; bytes = the sum
//                         of the steps' out buffers (what the server writes)
//   SearchLatency/mix     200,000 single searches over 1 to 3 word queries
//                         with small answers, each timed with steady_clock
//                         (then SearchLatency/<query>: each query alone);
//                         the counters p50_ns, p99_ns, p999_ns and max_ns come
//                         from sorting them (Google Benchmark itself reports
//                         only means), in three rounds whose median counts
//                         (set_percentiles()). clock_ns is the cost of one clock read,
//                         included in every sample, so the figures are an
//                         upper bound.
//   QueryLatency/<query>  search::engine::run() in full mode, then next()
//                         until the answer is over, timed the same way
//                         (200,000 samples; 20,000 for the did-you-mean
//                         queries); QueryLatency/words-mix is the small
//                         queries above in full mode (aliases and English
//                         keywords looked up too; QueryLatency/words/<query>
//                         each alone), QueryLatency/classic-mix in classic
//                         mode.
//   QueryLatency/<lang>/<query>  the same in a session language: 1 to 3 word
//                         queries with small answers over names and CLDR
//                         keywords (en, de, ja), and <lang>/mix of them all.
//   HttpCore/<target>     protocol::http::connection_core over one keep-alive
//                         GET of bench/run's HTTP targets: parse, route,
//                         search, the JSON body and its framing, every
//                         action until the core reads again; bytes = the
//                         response's
//   Rank/top20/<query>    search::engine::run() in relevance order with
//                         options::top 20, then next() for the 20, timed
//                         as QueryLatency is (20,000 samples): answers of
//                         24 (cat) to 9,812 (p*) matches; issue
//                         13's target is p99 <= 50 us for the top 20 of
//                         answers up to 10,000 matches. Rank/top20/mix: all.
//   Stream/<query>        a huge answer through run(), every next() and
//                         index::lines() of each run: bytes/s is the rate at
//                         which answer lines are handed out (identified
//                         lines rendered with append_identified_line).
//
// Usual Google Benchmark flags apply, e.g. --benchmark_filter=Search
// --benchmark_format=json. bench/run reads p99_ns from SearchLatency/mix.
#include "http_core.hpp"
#include "index.hpp"
#include "search.hpp"
#include "session_core.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using mojifinder::index;
using mojifinder::search_scratch;
namespace protocol = mojifinder::protocol;

const index& shared_index() {
    static const index idx = index::open(index::build_tree_data_path());
    return idx;
}

struct sized_query {
    const char* size;  // small, medium, huge
    const char* text;
};

constexpr sized_query sized_queries[] = {
    {"small", "cat face"},
    {"small", "chess black"},
    {"small", "arrow left"},
    {"medium", "arrow"},
    {"medium", "latin small letter"},
    {"huge", "CJK"},
    {"huge", "letter"},
};

// 1 to 3 words, each answer a handful of lines: what SearchLatency times.
constexpr const char* small_queries[] = {
    "snowman", "cat face", "chess black", "arrow left", "black chess knight", "smiling cat face",
};

// One of each kind of term of the query language, each answer small.
constexpr const char* language_queries[] = {
    "smil*", "arrow -left -right", "\"black chess\"", "U+1F600", "U+2190..U+21FF double",
    "block:arrows left", "script:greek small alpha", "nbsp", "\u2192\u2190\U0001F600",
};
// 1 to 3 words with small answers in a session language: names' words and
// the language's keywords (ICU's word break for the Japanese ones).
struct language_query {
    const char* language;
    const char* text;
};
constexpr language_query keyword_queries[] = {
    {"en", "laugh"}, {"en", "red heart"}, {"en", "cat face"}, {"en", "smiling cat face"}, {"en", "\"red heart\""},
    {"de", "Katze"}, {"de", "rotes Herz"}, {"de", "Katze Gesicht"}, {"de", "\"rotes Herz\""},
    {"ja", "\u732B"}, {"ja", "\u30CF\u30FC\u30C8"}, {"ja", "\u732B \u9854"},  // 猫, ハート, 猫 顔
};
// Did-you-mean: the word is in no name, so the answer is the hints.
constexpr const char* hinted_queries[] = {"snowmam", "smiel", "cat faec"};
// bench/run's HTTP targets: its small /api/search answers, one of /search.
constexpr const char* http_targets[] = {
    "/api/search?q=cat+face", "/api/search?q=chess+black", "/api/search?q=arrow+left", "/search?q=arrow+left",
};
// Relevance order's top 20, answers up to 10,000 matches (English, with
// NamesList and Unihan): cat 24, heart 62, face 272, arrow 603, sign 3,447,
// tangut 6,914, p* 9,812, letter -capital 9,338; prefixes of two and three
// letters, st* 3,134 and emo* 1,806; and a prefix that names a skin tone
// (EMOJI MODIFIER), so that every toned sequence is in, e* 8,709. (a* has
// 15,679 since the definitions' words joined: past the target's range.)
constexpr const char* ranked_queries[] = {"cat", "heart", "face",  "arrow", "sign",           "tangut",
                                          "p*",  "st*",   "emo*",  "e*",    "letter -capital"};
constexpr std::size_t ranked_top = 20;

// Huge answers: a* 6,796 lines (300 KB), gc:Lo 131,612 (5.3 MB), all 149,186 (6 MB).
constexpr const char* huge_queries[] = {"a*", "gc:Lo", "U+0000..U+10FFFF"};

namespace search_layer = mojifinder::search;

// The counters of a latency benchmark: p50_ns ... max_ns of the samples
// (sorted here) and the largest answer seen.
// The samples are taken in latency_rounds consecutive rounds, and each
// percentile is the median of the rounds' own: on these shared machines a
// burst of other work now and then doubles every sample for a while (in one
// bench/run, en/laugh's p99 was 901 ns against 481 at p50, when alone it is
// ~500), and one round so hit does not decide a figure. max_ns is the
// largest sample of all.
constexpr std::size_t latency_rounds = 3;

void set_percentiles(benchmark::State& state, std::vector<std::uint32_t>& samples, std::size_t largest) {
    constexpr double fractions[] = {0.50, 0.90, 0.99, 0.999};
    constexpr const char* names[] = {"p50_ns", "p90_ns", "p99_ns", "p999_ns"};
    std::array<std::array<double, latency_rounds>, std::size(fractions)> by_round{};
    const std::size_t per_round = samples.size() / latency_rounds;
    for (std::size_t r = 0; r < latency_rounds; ++r) {
        auto first = samples.begin() + static_cast<std::ptrdiff_t>(r * per_round);
        auto last = r + 1 == latency_rounds ? samples.end() : first + static_cast<std::ptrdiff_t>(per_round);
        std::sort(first, last);
        auto size = static_cast<std::size_t>(last - first);
        for (std::size_t f = 0; f < std::size(fractions); ++f) {
            auto i = std::min(size - 1, static_cast<std::size_t>(fractions[f] * static_cast<double>(size)));
            by_round[f][r] = static_cast<double>(first[static_cast<std::ptrdiff_t>(i)]);
        }
    }
    for (std::size_t f = 0; f < std::size(fractions); ++f) {
        std::sort(by_round[f].begin(), by_round[f].end());
        state.counters[names[f]] = by_round[f][latency_rounds / 2];
    }
    state.counters["max_ns"] = static_cast<double>(*std::max_element(samples.begin(), samples.end()));
    state.counters["largest_answer"] = static_cast<double>(largest);
}

// run() and every run of the answer, as a session would pull it.
std::size_t run_query(const search_layer::engine& engine, std::string_view q, search_layer::mode m,
                      index::language_id language, search_layer::scratch& s) {
    engine.run(q, m, language, s);
    search_layer::run r;
    std::size_t runs = 0;
    while (s.next(r)) ++runs;
    benchmark::DoNotOptimize(runs);
    return s.found();
}

// Calls once(query) (which gives found()) state.range(0) times over
// `queries` in turn, each timed with steady_clock, after `warm_up` untimed
// calls; the counters of set_percentiles().
template <class Once>
void time_queries(benchmark::State& state, const std::vector<std::string_view>& queries, std::size_t warm_up,
                  Once&& once) {
    using clock = std::chrono::steady_clock;
    const std::size_t n = static_cast<std::size_t>(state.range(0));
    std::vector<std::uint32_t> samples(n);
    std::size_t largest = 0;
    for (std::size_t i = 0; i < warm_up; ++i) once(queries[i % queries.size()]);
    for (auto _ : state) {
        for (std::size_t i = 0; i < n; ++i) {
            std::string_view q = queries[i % queries.size()];
            auto t0 = clock::now();
            std::size_t found = once(q);
            auto t1 = clock::now();
            largest = std::max(largest, found);
            samples[i] = static_cast<std::uint32_t>(
                std::min<std::int64_t>(std::chrono::nanoseconds(t1 - t0).count(), UINT32_MAX));
        }
    }
    state.counters["queries"] = static_cast<double>(samples.size());
    set_percentiles(state, samples, largest);
}

void query_latency(benchmark::State& state, std::vector<std::string_view> queries, search_layer::mode m,
                   std::string_view language = "en") {
    index::language_id l = shared_index().find_language(language);
    if (l == index::no_language) {
        state.SkipWithError("no such language in the data file");
        return;
    }
    search_layer::engine engine(shared_index());
    search_layer::scratch scratch;
    time_queries(state, queries, 2'000, [&](std::string_view q) { return run_query(engine, q, m, l, scratch); });
}

// run() in relevance order with top 20 and next() for those, as a session
// with /limit 20 or the page pulls them, timed one query at a time.
void rank_latency(benchmark::State& state, std::vector<std::string_view> queries) {
    search_layer::engine engine(shared_index());
    search_layer::scratch scratch;
    search_layer::options options{.sort = search_layer::order::relevance, .top = ranked_top};
    auto once = [&](std::string_view q) {
        engine.run(q, options, scratch);
        search_layer::run r;
        for (std::size_t i = 0; i < ranked_top && scratch.next(r); ++i) benchmark::DoNotOptimize(r.first);
        return scratch.found();
    };
    time_queries(state, queries, 200, once);
}

void stream(benchmark::State& state, std::string_view query) {
    const index& idx = shared_index();
    search_layer::engine engine(idx);
    search_layer::scratch scratch;
    std::string identified;
    std::size_t per_answer = 0, found = 0;
    std::int64_t total = 0;
    for (auto _ : state) {
        engine.run(query, search_layer::mode::full, scratch);
        search_layer::run r;
        per_answer = 0;
        while (scratch.next(r)) {
            if (r.identified()) {
                identified.clear();
                search_layer::append_identified_line(identified, idx, r.code_point);
                per_answer += identified.size();
                continue;
            }
            std::string_view lines = idx.lines(r.first, r.last);
            benchmark::DoNotOptimize(lines.data());
            per_answer += lines.size();
        }
        found = scratch.found();
        total += static_cast<std::int64_t>(per_answer);
    }
    state.SetBytesProcessed(total);
    state.counters["answer_bytes"] = static_cast<double>(per_answer);
    state.counters["found"] = static_cast<double>(found);
}

void index_build(benchmark::State& state) {
    std::size_t entries = 0;
    for (auto _ : state) {
        index idx = index::open(index::build_tree_data_path());
        entries = idx.size();
        benchmark::DoNotOptimize(entries);
    }
    state.counters["entries"] = static_cast<double>(entries);
}

void search(benchmark::State& state, std::string_view query) {
    const index& idx = shared_index();
    search_scratch scratch;
    std::size_t found = 0;
    for (auto _ : state) {
        auto matches = idx.search(query, scratch);
        found = matches.size();
        benchmark::DoNotOptimize(matches.data());
    }
    state.counters["matches"] = static_cast<double>(found);
}

// One query line through a session: the step that answers it, then every
// step while the answer streams. Returns the bytes the server would write.
std::size_t run_query(protocol::session_core& core, std::string_view line) {
    std::size_t bytes = 0;
    auto count = [&](const protocol::step& s) {
        for (std::string_view piece : s.out) bytes += piece.size();
        benchmark::DoNotOptimize(s.out.data());
    };
    protocol::step s = core.next(line, false, false);
    count(s);
    while (core.answering()) {
        s = core.next({}, false, false);
        count(s);
    }
    return bytes;
}

void format(benchmark::State& state, std::string_view query) {
    const index& idx = shared_index();
    protocol::session_core core(idx, 4096);
    core.start();
    std::string line = std::string(query) + "\n";
    std::size_t per_answer = 0;
    std::int64_t total = 0;
    for (auto _ : state) {
        per_answer = run_query(core, line);
        total += static_cast<std::int64_t>(per_answer);
    }
    state.SetBytesProcessed(total);
    state.counters["answer_bytes"] = static_cast<double>(per_answer);
}

void http_request(benchmark::State& state, std::string_view target) {
    const index& idx = shared_index();
    mojifinder::config cfg;
    protocol::metrics counters;
    protocol::http::context ctx{idx, cfg, counters, idx.english()};
    protocol::http::connection_core core(ctx);
    core.start();
    std::string request = fmt::format("GET {} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", target);
    std::size_t per_response = 0;
    std::int64_t total = 0;
    for (auto _ : state) {
        std::string_view input = request;
        per_response = 0;
        for (protocol::http::action a = core.next(input, false, false);
             a.what() != protocol::http::action::kind::read; a = core.next(input, false, false)) {
            for (std::string_view piece : a.out()) per_response += piece.size();
            input.remove_prefix(core.consumed());
        }
        total += static_cast<std::int64_t>(per_response);
    }
    state.SetBytesProcessed(total);
    state.counters["response_bytes"] = static_cast<double>(per_response);
}

void search_latency(benchmark::State& state, std::vector<std::string_view> queries) {
    using clock = std::chrono::steady_clock;
    const index& idx = shared_index();
    search_scratch scratch;
    const std::size_t n = static_cast<std::size_t>(state.range(0));
    const std::size_t query_count = queries.size();
    std::vector<std::uint32_t> samples(n);
    std::size_t largest = 0;
    // Warm the scratch and the caches the way a running server has them.
    for (std::size_t i = 0; i < 10'000; ++i) idx.search(queries[i % query_count], scratch);
    for (auto _ : state) {
        for (std::size_t i = 0; i < n; ++i) {
            std::string_view q = queries[i % query_count];
            auto t0 = clock::now();
            auto matches = idx.search(q, scratch);
            auto t1 = clock::now();
            benchmark::DoNotOptimize(matches.data());
            largest = std::max(largest, matches.size());
            samples[i] = static_cast<std::uint32_t>(
                std::min<std::int64_t>(std::chrono::nanoseconds(t1 - t0).count(), UINT32_MAX));
        }
    }
    // The cost of the clock itself, which every sample includes once.
    std::vector<std::int64_t> reads(10'001);
    for (auto& r : reads) r = clock::now().time_since_epoch().count();
    std::vector<std::int64_t> gaps;
    for (std::size_t i = 1; i < reads.size(); ++i) gaps.push_back(reads[i] - reads[i - 1]);
    std::sort(gaps.begin(), gaps.end());

    state.counters["searches"] = static_cast<double>(samples.size());
    state.counters["clock_ns"] = static_cast<double>(gaps[gaps.size() / 2]);
    set_percentiles(state, samples, largest);
}

// A latency benchmark: one iteration that times `samples` queries one by
// one (time_queries(), search_latency()), reported in milliseconds.
template <class F>
void register_latency(const std::string& name, std::int64_t samples, F&& f) {
    benchmark::RegisterBenchmark(name.c_str(), std::forward<F>(f))
        ->Arg(samples)
        ->Iterations(1)
        ->Unit(benchmark::kMillisecond);
}

}  // namespace

int main(int argc, char** argv) {
    benchmark::RegisterBenchmark("IndexBuild", index_build)->Unit(benchmark::kMillisecond)->MinTime(1.0);
    for (const auto& q : sized_queries)
        benchmark::RegisterBenchmark((std::string("Search/") + q.size + "/" + q.text).c_str(),
                                     [q](benchmark::State& s) { search(s, q.text); })
            ->Unit(benchmark::kMicrosecond)
            ->MinTime(0.2);
    for (const auto& q : sized_queries)
        benchmark::RegisterBenchmark((std::string("Format/") + q.size + "/" + q.text).c_str(),
                                     [q](benchmark::State& s) { format(s, q.text); })
            ->Unit(benchmark::kMicrosecond)
            ->MinTime(0.2);
    // All the small queries in turn (the figure bench/run reports), then each alone.
    std::vector<std::string_view> all(std::begin(small_queries), std::end(small_queries));
    register_latency("SearchLatency/mix", 200'000, [all](benchmark::State& s) { search_latency(s, all); });
    for (const char* q : small_queries)
        register_latency(std::string("SearchLatency/") + q, 200'000,
                         [q](benchmark::State& s) { search_latency(s, {q}); });
    for (const char* q : language_queries)
        register_latency(std::string("QueryLatency/") + q, 200'000,
                         [q](benchmark::State& s) { query_latency(s, {q}, search_layer::mode::full); });
    for (const char* language : {"en", "de", "ja"}) {
        std::vector<std::string_view> mix;
        for (const auto& q : keyword_queries) {
            if (std::string_view(q.language) != language) continue;
            mix.push_back(q.text);
            std::string_view text = q.text;
            register_latency(std::string("QueryLatency/") + language + "/" + q.text, 200'000,
                             [text, language](benchmark::State& s) {
                                 query_latency(s, {text}, search_layer::mode::full, language);
                             });
        }
        register_latency(std::string("QueryLatency/") + language + "/mix", 200'000,
                         [mix, language](benchmark::State& s) {
                             query_latency(s, mix, search_layer::mode::full, language);
                         });
    }
    for (const char* q : hinted_queries)
        register_latency(std::string("QueryLatency/hint/") + q, 20'000,
                         [q](benchmark::State& s) { query_latency(s, {q}, search_layer::mode::full); });
    register_latency("QueryLatency/words-mix", 200'000,
                     [all](benchmark::State& s) { query_latency(s, all, search_layer::mode::full); });
    for (const char* q : small_queries)
        register_latency(std::string("QueryLatency/words/") + q, 200'000,
                         [q](benchmark::State& s) { query_latency(s, {q}, search_layer::mode::full); });
    register_latency("QueryLatency/classic-mix", 200'000,
                     [all](benchmark::State& s) { query_latency(s, all, search_layer::mode::classic); });
    for (const char* t : http_targets)
        benchmark::RegisterBenchmark((std::string("HttpCore/") + t).c_str(),
                                     [t](benchmark::State& s) { http_request(s, t); })
            ->Unit(benchmark::kMicrosecond)
            ->MinTime(0.2);
    for (const char* q : ranked_queries)
        register_latency(std::string("Rank/top20/") + q, 20'000, [q](benchmark::State& s) { rank_latency(s, {q}); });
    register_latency("Rank/top20/mix", 20'000, [](benchmark::State& s) {
        rank_latency(s, {std::begin(ranked_queries), std::end(ranked_queries)});
    });
    for (const char* q : huge_queries)
        benchmark::RegisterBenchmark((std::string("Stream/") + q).c_str(),
                                     [q](benchmark::State& s) { stream(s, q); })
            ->Unit(benchmark::kMillisecond)
            ->MinTime(0.5);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
    // Built before any timing, so that the first benchmark does not pay for it.
    shared_index();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
