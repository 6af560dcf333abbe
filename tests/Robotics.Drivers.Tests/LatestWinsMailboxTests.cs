using Robotics.Drivers.Common;

namespace Robotics.Drivers.Tests;

public class LatestWinsMailboxTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    /// <summary>A value that carries its sequence number in every field, so a torn read shows.</summary>
    private sealed class Stamped
    {
        public long A, B, C;
        public readonly long[] Many = new long[1024];

        public void Fill(long seq)
        {
            A = seq; B = seq; C = seq;
            Array.Fill(Many, seq);
        }

        public bool IsWhole(out long seq)
        {
            seq = A;
            if (B != seq || C != seq) return false;
            foreach (long v in Many) if (v != seq) return false;
            return true;
        }
    }

    private static LatestWinsMailbox<Stamped> NewMailbox() => new(static () => new Stamped());

    private static void Publish(LatestWinsMailbox<Stamped> m, long seq)
    {
        m.ProducerSlot.Fill(seq);
        m.Publish();
    }

    [Fact]
    public void TryTake_ReturnsTheNewestPublish_ThenNothingUntilTheNextOne()
    {
        var m = NewMailbox();
        Assert.False(m.TryTake(out _));
        Publish(m, 1); Publish(m, 2); Publish(m, 3);
        Assert.True(m.HasFresh);
        Assert.True(m.TryTake(out var v));
        Assert.Equal(3, v.A);
        Assert.False(m.HasFresh);
        Assert.False(m.TryTake(out _));
        Publish(m, 4);
        Assert.True(m.TryTake(out v));
        Assert.Equal(4, v.A);
    }

    [Fact]
    public void ProducerSlot_IsNeverTheValueTheConsumerHolds()
    {
        var m = NewMailbox();
        for (int i = 1; i <= 50; i++)
        {
            Publish(m, i);
            if (i % 3 == 0)
            {
                Assert.True(m.TryTake(out var held));
                Assert.NotSame(held, m.ProducerSlot);
                Publish(m, 1000 + i);            // filling the producer slot must not touch what the consumer holds
                Assert.True(held.IsWhole(out long seq));
                Assert.Equal(i, seq);
                Assert.True(m.TryTake(out _));
            }
        }
    }

    [Fact]
    public void Constructor_RejectsAFactoryThatReturnsTheSameInstance()
    {
        var one = new Stamped();
        Assert.Throws<ArgumentException>(() => new LatestWinsMailbox<Stamped>(() => one));
    }

    [Fact]
    public void Consumer_NeverSeesATornOrOlderValue_Under100kRacingPublishes()
    {
        const long count = 100_000;
        var m = NewMailbox();
        long torn = 0, backwards = 0, takes = 0, last = 0;
        var consumer = new Thread(() =>
        {
            while (last < count)
            {
                if (!m.TryTake(out var v)) { Thread.SpinWait(20); continue; }
                takes++;
                if (!v.IsWhole(out long seq)) { torn++; continue; }
                if (seq <= last) backwards++;
                last = seq;
            }
        }) { IsBackground = true };
        consumer.Start();
        for (long i = 1; i <= count; i++) Publish(m, i);
        Assert.True(consumer.Join(Generous), $"the consumer never saw the last publish (last {last})");
        Assert.Equal(0, torn);
        Assert.Equal(0, backwards);
        Assert.Equal(count, last);          // the newest value is never lost
        Assert.InRange(takes, 1, count);
    }

    /// <summary>
    /// Lock-step rounds between a producer (the test thread) and a consumer thread parked in Wait. The
    /// consumer's predicate decides where the producer's publish (or Wake) lands: on every third round it
    /// reads its "other work" flag and then holds Wait between its first look and its Reset until the
    /// producer has finished producing, which forces exactly the interleaving that loses a wake-up unless
    /// Wait looks again after the Reset; on the other rounds it dawdles a random while, or (odd rounds of
    /// the publish test) the plain Wait runs, so the publish lands anywhere.
    /// </summary>
    private sealed class Race(int seed)
    {
        private readonly Random _rng = new(seed);
        public readonly int[] Work = new int[1];
        public int Round, Produced, Done, InWindow;
        private bool _holdThisRound;
        public long Held;

        public void StartRound(int round)
        {
            Round = round;
            _holdThisRound = round % 3 == 0; // Run's producer waits for InWindow on the same rounds
        }

        public static bool LookThenHoldOrDawdle(Race r)
        {
            bool work = Volatile.Read(ref r.Work[0]) > 0;
            if (r._holdThisRound)
            {
                r._holdThisRound = false; // only the first look: the look after the Reset must see the work
                Volatile.Write(ref r.InWindow, r.Round); // the producer waits for this before producing
                if (WaitFor(ref r.Produced, r.Round)) r.Held++;
            }
            else Thread.SpinWait(r._rng.Next(0, 300));
            return work;
        }

        private static bool WaitFor(ref int field, int value)
        {
            var spin = new SpinWait();
            long deadline = Environment.TickCount64 + (long)Generous.TotalMilliseconds;
            while (Volatile.Read(ref field) < value)
            {
                if (Environment.TickCount64 > deadline) return false;
                spin.SpinOnce();
            }
            return true;
        }

        /// <summary>Runs the rounds; the producer starts round i at a random moment after round i-1 was served.</summary>
        public void Run(int rounds, Action<int> produce, Func<int, bool> serve)
        {
            bool failed = false;
            var consumer = new Thread(() =>
            {
                for (int i = 1; i <= rounds; i++)
                {
                    StartRound(i);
                    if (!serve(i)) { failed = true; return; }
                    Volatile.Write(ref Done, i);
                }
            }) { IsBackground = true };
            consumer.Start();
            var rng = new Random(7);
            for (int i = 1; i <= rounds && consumer.IsAlive; i++)
            {
                // A consumer stuck in Wait never finishes round i-1: give up after the generous bound and let the join report it.
                if (!WaitFor(ref Done, i - 1)) break;
                if (i % 3 == 0) { if (!WaitFor(ref InWindow, i)) break; } // forced: produce between the consumer's first look and its Reset
                else Thread.SpinWait(rng.Next(0, 300));
                produce(i);
                Volatile.Write(ref Produced, i);
            }
            Assert.True(consumer.Join(Generous), $"the consumer is stuck in Wait after round {Volatile.Read(ref Done)}: a wake-up was lost");
            Assert.False(failed, "Wait returned without the value or work it was woken for");
            Assert.Equal(rounds, Volatile.Read(ref Done));
            Assert.Equal(rounds / 3, Held); // the forced interleaving really happened every third round
        }
    }

    [Fact]
    public void Wait_NeverLosesAWakeUp_WhenPublishRacesTheConsumersResetAndWait()
    {
        const int rounds = 20_000;
        var m = NewMailbox();
        var race = new Race(3);
        long wrong = 0, spurious = 0;
        race.Run(rounds, i => Publish(m, i), i =>
        {
            // No timeout: a lost wake-up parks the consumer for good, and Run's join fails the test. A wake-up
            // without a value is allowed (the Set of round i-1 can land after its value was taken and the
            // consumer re-armed for round i): like the drivers' consumers, wait again.
            while (!(i % 3 != 0 && i % 2 == 1 ? m.Wait(Timeout.InfiniteTimeSpan) : m.Wait(Timeout.InfiniteTimeSpan, Race.LookThenHoldOrDawdle, race)))
                spurious++;
            if (!m.TryTake(out var v) || v.A != i) wrong++;
            return true;
        });
        Assert.Equal(0, wrong);
        Assert.True(spurious < rounds / 10, $"{spurious} wake-ups without a value in {rounds} rounds"); // rare, not the rule
    }

    [Fact]
    public void Wait_NeverMissesOtherWorkSignalledByWake_WhenWakeRacesTheReset()
    {
        const int rounds = 20_000;
        var m = NewMailbox();
        var race = new Race(5);
        race.Run(rounds, _ =>
        {
            Volatile.Write(ref race.Work[0], 1); // enqueue the other work, then wake (as SerialLink.PostControl does)
            m.Wake();
        }, _ =>
        {
            // A wake-up without work is allowed (the previous round's Wake landing late): wait again.
            while (!m.Wait(Timeout.InfiniteTimeSpan, Race.LookThenHoldOrDawdle, race)) { }
            Volatile.Write(ref race.Work[0], 0);
            return true;
        });
        Assert.False(m.HasFresh);
    }

    [Fact]
    public void Wait_ReturnsFalseAfterTheTimeout_WhenNothingWasPublished()
    {
        var m = NewMailbox();
        Assert.False(m.Wait(TimeSpan.FromMilliseconds(20)));
        Assert.False(m.Wait(TimeSpan.Zero));
        Assert.False(m.Wait(TimeSpan.FromMilliseconds(-5))); // a deadline already passed: no wait, no throw
        Publish(m, 1);
        Assert.True(m.Wait(TimeSpan.Zero));
        Assert.True(m.Wait(Timeout.InfiniteTimeSpan)); // a fresh value: returns at once
    }

    [Fact]
    public void PublishAndTake_AllocateNothing()
    {
        var m = NewMailbox();
        for (int i = 0; i < 100; i++) { Publish(m, i); m.TryTake(out _); m.Wait(TimeSpan.Zero); } // warm-up (the event's lock object)

        Action publishing = () => { for (int i = 0; i < 10_000; i++) { m.ProducerSlot.A = i; m.Publish(); } };
        long publish = SteadyStateAllocation.Bytes(publishing);

        long sum = 0;
        Action taking = () =>
        {
            // Each take follows a publish (so it finds a value); the publishes are the window's too, and allocate nothing (above).
            for (int i = 0; i < 10_000; i++)
            {
                m.ProducerSlot.A = i; m.Publish();
                if (m.TryTake(out var v)) sum += v.A;
            }
        };
        long take = SteadyStateAllocation.Bytes(taking);

        Action waiting = () => { for (int i = 0; i < 1_000; i++) m.Wait(TimeSpan.Zero); };
        long wait = SteadyStateAllocation.Bytes(waiting);

        Assert.Equal(0, publish);
        Assert.Equal(0, take);
        Assert.Equal(0, wait);
        Assert.True(sum > 0);
    }
}
