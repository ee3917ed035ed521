import ChorusCore
import ChorusEngine
import NIOPosix

extension LoadRun {
    /// Runs `cells` of `scenario` to completion and collects every session.
    /// - Parameter group: the callers' event loops; a fresh one-thread group when nil (and shut down after).
    public static func collecting(
        scenario: Scenario, cells: [RunCell], runId: String = "test", group: MultiThreadedEventLoopGroup? = nil
    ) async throws -> (sessions: [SessionResult], outcome: Outcome) {
        let loops = group ?? MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let load = LoadRun(scenario: scenario, cells: cells, runId: runId, group: loops)
        let collected = SessionCollector()
        let outcome = await load.run(onSession: { await collected.add($0) }, onSample: { _ in })
        if group == nil { try await loops.shutdownGracefully() }
        return (await collected.sessions, outcome)
    }
}
