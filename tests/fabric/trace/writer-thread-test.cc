// The trace's writer thread: jobs run in the order posted, all of them before Drain() returns,
// memory stays bounded, and the first failure comes back to the posting thread.

#include "ofab/fabric/trace/writer-thread.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

TEST_CASE("the writer thread runs every job in the order posted", "[trace]")
{
    std::vector<int> done;
    {
        ofab::WriterThread w(2); // a short queue: Post() must wait for room many times
        for (int i = 0; i < 1000; ++i)
        {
            w.Post([&done, i] { done.push_back(i); });
        }
        w.Drain();
        REQUIRE(done.size() == 1000);
        for (int i = 0; i < 1000; ++i)
        {
            REQUIRE(done[i] == i);
        }
        w.Post([&done] { done.push_back(-1); });
    } // the destructor runs what is still queued
    REQUIRE(done.size() == 1001);
    REQUIRE(done.back() == -1);
}

TEST_CASE("the writer thread never holds more than its bound of jobs", "[trace]")
{
    std::atomic<bool> release{false};
    std::atomic<int> posted{0};
    ofab::WriterThread w(3);
    std::thread poster([&] {
        for (int i = 0; i < 10; ++i)
        {
            w.Post([&release] {
                while (!release)
                {
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                }
            });
            ++posted;
        }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    // One job running, three queued: the fifth Post() waits.
    const int before = posted;
    release = true;
    poster.join();
    REQUIRE(before == 4);
    w.Drain();
    REQUIRE(posted == 10);
}

TEST_CASE("a failed job's error comes back once, and the jobs queued behind it are dropped", "[trace]")
{
    ofab::WriterThread w;
    std::atomic<int> ran{0};
    std::atomic<bool> go{false};
    // Hold the worker so the failing job and the two behind it are all queued before it runs.
    w.Post([&go] {
        while (!go)
        {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    });
    w.Post([] { throw std::runtime_error("disk full"); });
    w.Post([&ran] { ++ran; });
    w.Post([&ran] { ++ran; });
    go = true;
    REQUIRE_THROWS_WITH(w.Drain(), "disk full");
    REQUIRE(ran == 0);
    // Reported once: the writer takes work again (a trace then writes its "incomplete" status).
    w.Post([&ran] { ++ran; });
    REQUIRE(w.DrainQuietly());
    REQUIRE(ran == 1);
}

TEST_CASE("an error is also reported by the next Post()", "[trace]")
{
    ofab::WriterThread w;
    w.Post([] { throw std::runtime_error("cannot grow dataset"); });
    REQUIRE_FALSE(w.DrainQuietly());
    w.Post([] { throw std::runtime_error("second"); });
    bool thrown = false;
    for (int i = 0; i < 1000 && !thrown; ++i)
    {
        try
        {
            w.Post([] {});
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        catch (const std::runtime_error& e)
        {
            REQUIRE(std::string(e.what()) == "second");
            thrown = true;
        }
    }
    REQUIRE(thrown);
}

TEST_CASE("the periodic job runs after a job once its interval has passed, and its error stops the queue", "[trace]")
{
    ofab::WriterThread w(4);
    int periodic = 0;
    std::vector<int> order;
    w.SetPeriodic(std::chrono::seconds(0), [&] { order.push_back(-1), ++periodic; });
    w.Post([&] { order.push_back(1); });
    w.Post([&] { order.push_back(2); });
    w.Drain();
    CHECK(periodic == 2); // an interval of 0 has passed after every job
    CHECK(order == std::vector<int>{1, -1, 2, -1});

    w.SetPeriodic(std::chrono::hours(1), [&] { ++periodic; });
    w.Post([] {});
    w.Drain();
    CHECK(periodic == 2); // not yet due

    w.SetPeriodic(std::chrono::seconds(0), [] { throw std::runtime_error("flush failed"); });
    w.Post([] {});
    CHECK_THROWS_WITH(w.Drain(), "flush failed");
}
