import Dispatch
import Foundation

/// Process signals for the CLI: Ctrl-C and SIGTERM end runs cleanly instead of killing the process.
enum Signals {
    /// Calls `handler` once on the first SIGINT or SIGTERM; the returned sources must be kept alive.
    static func onInterrupt(_ handler: @escaping @Sendable () -> Void) -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler(handler: handler)
            source.resume()
            return source
        }
    }

    /// Returns on SIGINT/SIGTERM, or when standard input reaches end of file if asked to.
    static func waitForTermination(orStdinEOF: Bool) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = Once(continuation)
            let sources = Self.onInterrupt { once.resume() }
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
