import ChorusCore

/// The one batched writer of a run: callers hand it sessions and samples as they finish, it stores them in batches.
///
/// Sessions arrive one at a time from many callers; each batch is one transaction, so the database sees a few
/// commits a second whatever the load. Start the periodic flush with `run()` in a task of its own, and call
/// `flush()` once at the end: nothing added is lost. When a write fails, the batch stays pending and the next
/// `flush()` retries it and throws if it fails again.
public actor ResultWriter {
    /// The database written to.
    public nonisolated let store: ResultStore
    /// The run every row belongs to.
    public nonisolated let runId: String
    /// How often `run()` flushes.
    public nonisolated let flushInterval: Duration
    /// Largest number of sessions (or samples) stored in one transaction; reaching it in `add` flushes early.
    public nonisolated let maxBatch: Int

    private var pendingSessions: [SessionResult] = []
    private var pendingSamples: [HarnessSample] = []
    /// The message of the last failed periodic or early flush, cleared by the next successful one.
    public private(set) var lastError: String?

    /// A writer of `runId` into `store`.
    /// - Parameters:
    ///   - flushInterval: how often `run()` writes what is pending.
    ///   - maxBatch: sessions (or samples) per transaction; at least 1.
    public init(store: ResultStore, runId: String, flushInterval: Duration = .milliseconds(250), maxBatch: Int = 500) {
        self.store = store
        self.runId = runId
        self.flushInterval = flushInterval
        self.maxBatch = Swift.max(1, maxBatch)
    }

    /// Queues a finished session (with its turns).
    public func add(_ session: SessionResult) {
        self.pendingSessions.append(session)
        if self.pendingSessions.count >= self.maxBatch { self.flushQuietly() }
    }

    /// Queues a harness sample.
    public func add(_ sample: HarnessSample) {
        self.pendingSamples.append(sample)
        if self.pendingSamples.count >= self.maxBatch { self.flushQuietly() }
    }

    /// How many sessions and samples wait to be written.
    public var pendingCount: Int { self.pendingSessions.count + self.pendingSamples.count }

    /// Writes everything pending, in transactions of at most `maxBatch` sessions and samples each.
    /// - Throws: `StoreError` when a write fails; what was not written stays pending.
    public func flush() throws {
        while !self.pendingSessions.isEmpty || !self.pendingSamples.isEmpty {
            let sessions = Array(self.pendingSessions.prefix(self.maxBatch))
            let samples = Array(self.pendingSamples.prefix(self.maxBatch))
            try self.store.insertBatch(sessions: sessions, samples: samples, runId: self.runId)
            // Only drop what is now stored: a failed batch is retried by the next flush.
            self.pendingSessions.removeFirst(sessions.count)
            self.pendingSamples.removeFirst(samples.count)
        }
        self.lastError = nil
    }

    /// Flushes every `flushInterval` until the task is cancelled, then flushes once more.
    ///
    /// Failures are kept in `lastError` and retried; the caller's final `flush()` reports one that persists.
    public func run() async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: self.flushInterval)
            } catch {
                break
            }
            self.flushQuietly()
        }
        self.flushQuietly()
    }

    private func flushQuietly() {
        do {
            try self.flush()
        } catch {
            self.lastError = String(describing: error)
        }
    }
}
