import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// Keeps the harness's bookkeeping from delaying its callers.
///
/// Starting calls, storing results and sampling the harness run as Swift tasks on the global executor's threads,
/// which share the cores with the callers' event loops. When they are runnable together the kernel shares the core
/// fairly, and a loop can wait a scheduler slice (several ms) behind a thread writing results: frames go out late
/// and the run is invalid for work that measures nothing. Bookkeeping threads therefore run at a lower priority
/// (nice 10: about a tenth of a loop's share when both want the core), which any process may set for its own
/// threads. Linux only; elsewhere this does nothing.
public enum BookkeepingPriority {
    /// The nice value bookkeeping threads run at.
    public static let niceness: Int32 = 10

    /// Lowers the calling thread's priority, unless it is an event loop's thread. Call from task code that runs
    /// per call or per sample: a task may resume on another thread after each `await`.
    public static func lowerCurrentThread() {
        guard MultiThreadedEventLoopGroup.currentEventLoop == nil else { return }
        #if os(Linux)
        // On Linux the nice value is per thread, and `who` 0 is the calling thread.
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, Self.niceness)
        #endif
    }

    /// The calling thread's nice value (for tests); nil where it cannot be read.
    public static func currentNiceness() -> Int32? {
        #if os(Linux)
        return getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        #else
        return nil
        #endif
    }
}
