import Dispatch
import Foundation

/// Process signals for the CLI: Ctrl-C and SIGTERM end runs cleanly instead of killing the process.
enum Signals {
    /// Calls `handler` once on the first SIGINT or SIGTERM; the returned sources must be kept alive.
    static func onInterrupt(
        signals: [Int32] = [SIGINT, SIGTERM], _ handler: @escaping @Sendable () -> Void
    ) -> [any DispatchSourceSignal] {
        signals.map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler(handler: handler)
            source.resume()
            return source
        }
    }

    /// Returns on SIGINT/SIGTERM, or when standard input reaches end of file if asked to.
    ///
    /// A child of `chorus run` (orStdinEOF) ignores SIGINT: Ctrl-C in a terminal reaches the whole process group,
    /// and the agent must keep answering while the parent hangs its calls up cleanly.
    static func waitForTermination(orStdinEOF: Bool) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = Once(continuation)
            if orStdinEOF { signal(SIGINT, SIG_IGN) }
            let sources = Self.onInterrupt(signals: orStdinEOF ? [SIGTERM] : [SIGINT, SIGTERM]) { once.resume() }
            if orStdinEOF {
                Thread.detachNewThread {
                    while FileHandle.standardInput.availableData.count > 0 {}
                    once.resume()
                }
            }
            once.keep(sources)
        }
    }
}

/// Resumes a continuation exactly once, from any thread.
private final class Once: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Void, Never>?
    private var sources: [any DispatchSourceSignal] = []

    init(_ continuation: CheckedContinuation<Void, Never>) { self.continuation = continuation }

    func keep(_ sources: [any DispatchSourceSignal]) {
        self.lock.withLock { self.sources = sources }
    }

    func resume() {
        let c = self.lock.withLock { () -> CheckedContinuation<Void, Never>? in
            defer { self.continuation = nil }
            return self.continuation
        }
        c?.resume()
    }
}
