// The server as a whole against the real binary: SIGTERM and SIGINT under load
// and mid-answer, the grace period, and --threads with many clients at once.
// Flow: put sessions in each state (idle, reading a big answer, pipelining,
// never reading), signal, read every connection to its end (the pipelining
// ones in threads) and check the bytes, the exit status and the log. The
// threads test runs one client per thread and checks in the main thread.
#include "process.hpp"
#include "session_core.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace mojifinder::testing;
using namespace std::string_literals;
namespace protocol = mojifinder::protocol;
using mojifinder::config;

namespace {

const std::string prompt(protocol::prompt);
const std::string shutting_down(protocol::error_shutdown);
constexpr std::size_t cjk_count = 98263;

// The whole answer to CJK, without the prompt after it.
std::string cjk_answer(connection& c) {
    c.send("CJK\n");
    std::string answer = c.read_until(prompt, 60s);
    answer.resize(answer.size() - prompt.size());
    return answer;
}

// What a client that sent many "cat face" lines at once reads when the server
// stops: the prompt, whole answers each with its prompt, perhaps the answer
// that was being written (with no prompt after it), then the shutdown line.
// Returns how many answers came, or nullopt when the bytes are anything else.
std::optional<std::size_t> answers_then_shutdown(const std::string& bytes) {
    const std::string answer = cat_face_answer();
    const std::string last = answer.substr(0, answer.size() - prompt.size());
    if (!bytes.starts_with(prompt)) return std::nullopt;
    std::size_t at = prompt.size(), n = 0;
    for (; bytes.compare(at, answer.size(), answer) == 0; at += answer.size()) ++n;
    std::string_view rest = std::string_view(bytes).substr(at);
    if (rest == shutting_down) return n;
    if (rest == last + shutting_down) return n + 1;
    return std::nullopt;
}

const char* signal_name(int signo) { return signo == SIGINT ? "SIGINT" : "SIGTERM"; }

}  // namespace

TEST_CASE("SIGTERM or SIGINT under load ends answers whole and tells every session then exits 0",
          "[server]") {
    const int signo = GENERATE(SIGTERM, SIGINT);
    INFO(signal_name(signo));
    server_process server({"--quiet"});

    connection idle_after_cjk(server.port());
    REQUIRE(idle_after_cjk.read_exact(3) == prompt);
    const std::string cjk = cjk_answer(idle_after_cjk);
    REQUIRE(cjk.ends_with(status_line(cjk_count)));
    REQUIRE(static_cast<std::size_t>(std::count(cjk.begin(), cjk.end(), '\n')) == cjk_count + 1);

    std::vector<connection> idle;
    for (int i = 0; i < 3; ++i) {
        idle.emplace_back(server.port());
        REQUIRE(idle.back().read_exact(3) == prompt);
    }
    // Each has far more answers coming than the socket buffers hold: when the
    // signal comes its session is in the middle of writing.
    constexpr std::size_t queries = 3000;
    std::vector<connection> loaders;
    for (int i = 0; i < 3; ++i) {
        loaders.emplace_back(server.port());
        std::string lines;
        for (std::size_t q = 0; q < queries; ++q) lines += "cat face\n";
        loaders.back().send(lines);
    }
    // Two answers of 4 MB are more than the buffers on the way hold (the
    // reader's is fixed small): when the signal comes, one of them is being
    // written, whichever it is.
    connection reader(server.port(), 64 << 10);
    reader.send("CJK\nCJK\n");
    std::string got = reader.read_exact(prompt.size() + 100'000);

    server.process().signal(signo);
    std::vector<std::string> loads(loaders.size());
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < loaders.size(); ++i)
        threads.emplace_back([&c = loaders[i], &out = loads[i]] {
            try {
                out = c.read_to_close(30s);
            } catch (const std::exception& e) {
                out = "exception: "s + e.what();
            }
        });
    // The answer being written is finished, status line included, then the
    // shutdown line instead of a prompt; the next query is not answered. The
    // prompt may have gone out already, in the same write as the status line.
    got += reader.read_to_close(30s);
    const std::vector<std::string> outcomes{
        prompt + cjk + shutting_down, prompt + cjk + prompt + shutting_down,
        prompt + cjk + prompt + cjk + shutting_down, prompt + cjk + prompt + cjk + prompt + shutting_down};
    INFO("read " << got.size() << " bytes, ending "
                 << got.substr(got.size() - std::min<std::size_t>(got.size(), 300)));
    CHECK(std::find(outcomes.begin(), outcomes.end(), got) != outcomes.end());
    CHECK(idle_after_cjk.read_to_close() == shutting_down);
    for (connection& c : idle) CHECK(c.read_to_close() == shutting_down);
    // Everyone has been told, so the acceptor is closed.
    CHECK_THROWS_AS(connection(server.port()), std::runtime_error);
    for (std::thread& t : threads) t.join();
    for (const std::string& load : loads) {
        auto answered = answers_then_shutdown(load);
        const std::size_t shown = std::min<std::size_t>(load.size(), 200);
        INFO(load.substr(0, shown) << " ... " << load.substr(load.size() - shown));
        REQUIRE(answered.has_value());
        CHECK(*answered <= queries);
    }
    CHECK(server.process().wait(config::shutdown_grace + 10s) == 0);
    CHECK(server.process().err().find(signal_name(signo) + ": stopping"s) != std::string::npos);
}

TEST_CASE("a client that never reads holds up the exit for the grace period and no longer",
          "[server][slow]") {
    const int signo = GENERATE(SIGTERM, SIGINT);
    INFO(signal_name(signo));
    server_process server;  // the 60 s send timeout is not what ends the hog
    connection idle(server.port());
    REQUIRE(idle.read_exact(3) == prompt);
    connection hog(server.port(), 4096);
    hog.send("CJK\n");
    // Once the hog's session is waiting for it, the good ones still answer.
    std::this_thread::sleep_for(500ms);
    idle.send("cat face\n");
    CHECK(idle.read_until(prompt) == cat_face_answer());

    auto signalled = std::chrono::steady_clock::now();
    server.process().signal(signo);
    CHECK(idle.read_to_close() == shutting_down);
    CHECK(server.process().wait(config::shutdown_grace + config::linger + 10s) == 0);
    // The hog had the whole grace period to take the rest of its answer.
    CHECK(std::chrono::steady_clock::now() - signalled >= config::shutdown_grace - 500ms);
    CHECK(server.process().err().find("dropped: send timeout") != std::string::npos);
    std::string got = hog.read_to_close(20s);
    CHECK(got.starts_with(prompt + "U+"));
    CHECK(got.find(protocol::status_rule()) == std::string::npos);
    CHECK_FALSE(got.ends_with(shutting_down));
}

TEST_CASE("on 4 threads 100 concurrent clients are answered exactly and the server exits 0",
          "[server][threads]") {
    // Version 1's bytes ("zzzz" would get a did-you-mean in version 2).
    server_process server({"--threads", "4", "--quiet", "--classic"});
    struct exchange {
        std::string line;
        std::string reply;
    };
    const std::vector<exchange> exchanges{
        {"cat face\n", cat_face_answer()},
        {"smiling cat face heart\n",
         "U+1F63B\t\U0001F63B\tSMILING CAT FACE WITH HEART-SHAPED EYES\r\n" + status_line(1) +
             prompt},
        {"\x80\n", std::string(protocol::error_utf8) + prompt},
        {" \t\n", prompt},
        {"zzzz\n", status_line(0) + prompt},
    };
    constexpr std::size_t clients = 100;
    constexpr std::size_t rounds = 10;
    std::vector<connection> conns;
    for (std::size_t i = 0; i < clients; ++i) {
        conns.emplace_back(server.port());
        REQUIRE(conns.back().read_exact(3) == prompt);
    }
    // Catch's assertions are not thread-safe: each thread keeps its count and
    // its first mismatch for the main thread to check.
    std::vector<std::size_t> exact(clients, 0);
    std::vector<std::string> mismatch(clients);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < clients; ++i)
        threads.emplace_back([&c = conns[i], &n = exact[i], &why = mismatch[i], &exchanges] {
            try {
                for (std::size_t r = 0; r < rounds; ++r)
                    for (const exchange& e : exchanges) {
                        c.send(e.line);
                        std::string reply = c.read_exact(e.reply.size(), 30s);
                        if (reply != e.reply && why.empty()) why = e.line + " got: " + reply;
                        if (reply == e.reply) ++n;
                    }
            } catch (const std::exception& e) {
                why = e.what();
            }
        });
    for (std::thread& t : threads) t.join();
    for (std::size_t i = 0; i < clients; ++i) {
        INFO("client " << i << ": " << mismatch[i]);
        CHECK(exact[i] == rounds * exchanges.size());
    }
    server.process().signal(SIGTERM);
    for (connection& c : conns) CHECK(c.read_to_close() == shutting_down);
    CHECK(server.process().wait(config::shutdown_grace + 10s) == 0);
}

namespace {

// A session in each state a second signal can find it in, on `threads` event
// loops; the first signal starts the drain, the second must end the process
// at once and cleanly: exit 0, within a second, whatever the sessions were
// doing (under ASan too, which turns a use after free into a non-zero exit).
void second_signal_exits_at_once(const std::string& threads) {
    const int first = GENERATE(SIGTERM, SIGINT);
    const int second = GENERATE(SIGTERM, SIGINT);
    INFO(signal_name(first) << " then " << signal_name(second) << " on " << threads << " threads");
    server_process server({"--threads", threads});

    // Cold: waiting for bytes since the prompt, holding no warm page.
    std::vector<connection> cold;
    for (int i = 0; i < 4; ++i) {
        cold.emplace_back(server.port());
        REQUIRE(cold.back().read_exact(3) == prompt);
    }
    // Warm: answered a moment ago, reading at once with its page.
    std::vector<connection> warm;
    for (int i = 0; i < 4; ++i) {
        warm.emplace_back(server.port());
        REQUIRE(warm.back().read_exact(3) == prompt);
        warm.back().send("cat face\n");
        REQUIRE(warm.back().read_until(prompt) == cat_face_answer());
    }
    // Half a line: the session holds a partial line in its buffer.
    connection partial(server.port());
    REQUIRE(partial.read_exact(3) == prompt);
    partial.send("cat fa");
    // Writing: a 4 MB answer to a client that reads nothing, so its session
    // is suspended in a write when the signals come.
    std::vector<connection> writers;
    for (int i = 0; i < 2; ++i) {
        writers.emplace_back(server.port(), 4096);
        writers.back().send("CJK\n");
    }
    // Lingering: it hung up, and the session reads what it still sends for
    // config::linger before closing.
    connection lingering(server.port());
    REQUIRE(lingering.read_exact(3) == prompt);
    lingering.send("\x03");
    REQUIRE(server.process().wait_for_err("hang-up byte"));
    REQUIRE(server.process().wait_for_err("query \"cat face\""));

    server.process().signal(first);
    REQUIRE(server.process().wait_for_err(signal_name(first) + ": stopping"s));
    // The idle ones have been told and are gone; the writers hold the drain.
    for (connection& c : cold) CHECK(c.read_to_close() == shutting_down);
    auto signalled = std::chrono::steady_clock::now();
    server.process().signal(second);
    const auto status = server.process().wait(1s);
    INFO(server.process().err());
    CHECK(status == 0);
    CHECK(std::chrono::steady_clock::now() - signalled < 1s);
    CHECK(server.process().err().find("second signal: stopping now") != std::string::npos);
    CHECK(server.process().err().ends_with(" stopped\n"));
}

}  // namespace

TEST_CASE("a second signal with sessions open exits 0 at once", "[server]") {
    second_signal_exits_at_once("1");
}

TEST_CASE("a second signal with sessions open on 4 event loops exits 0 at once",
          "[server][threads]") {
    second_signal_exits_at_once("4");
}
