// Link-level retry bookkeeping on its own: sequence numbers, window, go-back-N.

#include "ofab/protocols/model/data-link.h"

#include <catch2/catch.hpp>

using namespace ofab;
using namespace ofab::llr;

TEST_CASE("sequence numbers run 1..511 and wrap 511 -> 1, never to the reserved 0", "[llr]")
{
    CHECK(Next(1) == 2);
    CHECK(Next(510) == 511);
    CHECK(Next(511) == 1);
    CHECK(Prev(1) == 511);
    CHECK(Distance(511, 1) == 1);
    CHECK(Distance(1, 511) == 510);
    CHECK(Distance(7, 7) == 0);

    // A sender numbering 600 flits hands out 1..511, then 1 again; 0 never appears.
    LlrSender tx;
    LlrReceiver rx;
    uint16_t last = 0;
    for (int i = 0; i < 600; ++i)
    {
        const uint16_t s = tx.Commit();
        REQUIRE(s != kNoSeq);
        if (last == 511)
        {
            CHECK(s == 1);
        }
        REQUIRE(rx.Classify(s) == LlrReceiver::Verdict::Accept);
        rx.Accept();
        tx.OnAck(rx.LastAccepted());
        last = s;
    }
    CHECK(tx.Unacked() == 0);
    CHECK(rx.Expected() == Next(last));
}

TEST_CASE("the sender stops at its replay buffer depth until acknowledged", "[llr]")
{
    LlrSender tx;
    tx.SetDepth(4);
    for (int i = 0; i < 4; ++i)
    {
        REQUIRE(tx.CanSendNew());
        tx.Commit();
    }
    CHECK_FALSE(tx.CanSendNew());
    CHECK(tx.OnAck(2) == 2); // flits 1 and 2 leave the replay buffer
    CHECK(tx.Unacked() == 2);
    CHECK(tx.CanSendNew());
    CHECK(tx.OnAck(2) == 0); // a repeated ACK changes nothing
    CHECK(tx.OnAck(9) == 0); // nor does a number never sent
}

TEST_CASE("a replay request rewinds to the flit the receiver lacks (go-back-N)", "[llr]")
{
    LlrSender tx;
    for (int i = 0; i < 6; ++i)
    {
        tx.Commit(); // 1..6 sent
    }
    CHECK_FALSE(tx.Replaying());
    REQUIRE(tx.OnReplayRequest(4)); // receiver holds 1..3, wants 4
    CHECK(tx.Unacked() == 3);
    REQUIRE(tx.Replaying());
    CHECK(tx.TakeReplay() == 4);
    CHECK(tx.TakeReplay() == 5);
    // An ACK that overtakes the replay moves it forward.
    tx.OnAck(5);
    REQUIRE(tx.Replaying());
    CHECK(tx.TakeReplay() == 6);
    CHECK_FALSE(tx.Replaying());
    CHECK_FALSE(tx.OnReplayRequest(2)); // stale: outside the window
    tx.OnTimeout();
    CHECK(tx.Replaying());
    CHECK(tx.TakeReplay() == 6);
}

TEST_CASE("the receiver accepts in order, asks once per gap, drops duplicates", "[llr]")
{
    LlrReceiver rx;
    CHECK(rx.Classify(1) == LlrReceiver::Verdict::Accept);
    rx.Accept();
    CHECK(rx.Classify(3) == LlrReceiver::Verdict::OutOfSequence);
    CHECK(rx.NoteGap());       // first sign of the gap: replay request
    CHECK_FALSE(rx.NoteGap()); // the same gap again: no second request
    CHECK(rx.Classify(1) == LlrReceiver::Verdict::Duplicate);
    CHECK(rx.Classify(2) == LlrReceiver::Verdict::Accept);
    rx.Accept();
    CHECK_FALSE(rx.ReplayRequestOutstanding());
    CHECK(rx.NoteGap()); // a new gap asks again
}
