// The built mojifinder-bench against the real server for about a second:
// it connects, drives load, and reports what it measured as one JSON line.
// Its figures are not checked (this is not a benchmark); its counts are.
#include "process.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <regex>
#include <string>
#include <vector>

#ifdef MOJIFINDER_BENCH_PATH

using namespace mojifinder::testing;

namespace {

// The value of a top-level integer field of the report.
std::uint64_t field(const std::string& json, const std::string& name) {
    std::smatch m;
    if (!std::regex_search(json, m, std::regex("\"" + name + "\":([0-9]+)[,}]")))
        FAIL("no integer field " << name << " in " << json);
    return std::stoull(m[1].str());
}

}  // namespace

TEST_CASE("mojifinder-bench drives the server and reports one JSON object", "[server]") {
    struct row {
        const char* what;
        std::vector<std::string> args;
        bool every_answer_an_error;
    };
    auto r = GENERATE(values<row>({
        {"small answers", {"cat face", "chess black"}, false},
        {"a terminator with escapes, no prompt awaited",
         {"--no-prompt", "--terminator", "\\r\\n?\\x3E ", "arrow left"},
         false},
        {"error answers", {"caf\xC3"}, true},
        // Resolved as the client resolves it: localhost may also have ::1
        // (Debian's default /etc/hosts), where the server does not listen.
        {"a host name", {"--host", "localhost", "cat face"}, false},
    }));
    SECTION(r.what) {
        server_process server({"--quiet"});
        std::vector<std::string> argv{MOJIFINDER_BENCH_PATH,
                                      "--port",
                                      std::to_string(server.port()),
                                      "--connections",
                                      "4",
                                      "--duration",
                                      "1",
                                      "--warmup",
                                      "0.2",
                                      "--json"};
        argv.insert(argv.end(), r.args.begin(), r.args.end());
        child_process bench(argv);
        REQUIRE(bench.wait(60s) == 0);
        INFO(bench.err());
        const std::string& out = bench.out();
        REQUIRE(out.starts_with("{\"host\":\"127.0.0.1\","));  // the address connected to
        REQUIRE(out.ends_with("}\n"));
        CHECK(out.find('\n') == out.size() - 1);
        CHECK(field(out, "connections") == 4);
        CHECK(field(out, "idle") == 0);
        std::uint64_t requests = field(out, "requests");
        CHECK(requests > 0);
        CHECK(field(out, "errors") == (r.every_answer_an_error ? requests : 0));
        CHECK(field(out, "dropped") == 0);
        CHECK(field(out, "connect_errors") == 0);
        CHECK(bench.err().empty());
        CHECK(server.stop() == 0);
    }
}

TEST_CASE("mojifinder-bench holds idle connections and counts none as dropped", "[server]") {
    server_process server({"--quiet"});
    child_process bench({MOJIFINDER_BENCH_PATH, "--port", std::to_string(server.port()), "--connections", "2",
                         "--idle", "20", "--duration", "0.5", "--warmup", "0", "--json", "smiling face"});
    REQUIRE(bench.wait(60s) == 0);
    INFO(bench.err());
    const std::string& out = bench.out();
    CHECK(field(out, "connections") == 2);
    CHECK(field(out, "idle") == 20);
    CHECK(field(out, "requests") > 0);
    CHECK(field(out, "errors") == 0);
    CHECK(field(out, "dropped") == 0);
    CHECK(field(out, "connect_errors") == 0);
}

TEST_CASE("mojifinder-bench refuses a host name that does not resolve", "[bench]") {
    child_process bench({MOJIFINDER_BENCH_PATH, "--host", "no-such-host.invalid", "--port", "1", "cat"});
    CHECK(bench.wait(60s) == 2);
    CHECK(bench.out().empty());
    CHECK(bench.err().starts_with("mojifinder-bench: --host: cannot resolve no-such-host.invalid: "));
}

TEST_CASE("mojifinder-bench refuses a blank query and a bad escape", "[bench]") {
    auto [args, message] = GENERATE(table<std::vector<std::string>, std::string>({
        {{"  "}, "mojifinder-bench: not a query: \"  \" (blank, or more than one line)\n"},
        {{"--terminator", "\\q", "cat"}, "mojifinder-bench: --terminator: unknown escape \\q\n"},
        {{"--terminator", "ab\\x4", "cat"}, "mojifinder-bench: --terminator: \\x needs two hex digits\n"},
    }));
    std::vector<std::string> argv{MOJIFINDER_BENCH_PATH, "--port", "1"};
    argv.insert(argv.end(), args.begin(), args.end());
    child_process bench(argv);
    CHECK(bench.wait(20s) == 2);
    CHECK(bench.out().empty());
    CHECK(bench.err() == message);
}

#endif
