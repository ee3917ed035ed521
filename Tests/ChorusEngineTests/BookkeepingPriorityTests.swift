import ChorusEngine
import Foundation
import NIOCore
import NIOPosix
import Testing

@Suite("Bookkeeping priority")
struct BookkeepingPriorityTests {
    /// Runs `body` on a thread of its own (so the test's thread keeps its priority) and returns what it returned.
    static func onNewThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }

    @Test func aBookkeepingThreadYieldsToTheLoops() async throws {
        try #require(BookkeepingPriority.currentNiceness() != nil, "Linux only")
        let (before, after) = await Self.onNewThread { () -> (Int32?, Int32?) in
            let before = BookkeepingPriority.currentNiceness()
            BookkeepingPriority.lowerCurrentThread()
            return (before, BookkeepingPriority.currentNiceness())
        }
        // Nice 10, or unchanged where the thread already ran nicer than that and may not be raised back.
        let niceness = BookkeepingPriority.niceness
        #expect(after == niceness || (after == before && (before ?? 0) > niceness), "\(String(describing: before)) → \(String(describing: after))")
    }

    @Test func anEventLoopsThreadKeepsItsPriority() throws {
        try #require(BookkeepingPriority.currentNiceness() != nil, "Linux only")
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let (before, after) = try group.next().submit { () -> (Int32?, Int32?) in
            let before = BookkeepingPriority.currentNiceness()
            BookkeepingPriority.lowerCurrentThread()
            return (before, BookkeepingPriority.currentNiceness())
        }.wait()
        #expect(before == after)
    }
}
