import Dispatch
import Foundation

/// Ctrl-C, whatever the moment. From the start of the process (`listen()`), a Ctrl-C ends it at
/// once with status 130. Once a command has something to finish (`install`: training, the
/// playground), the first Ctrl-C sets a flag that the training loop checks after every batch (so
/// it stops cleanly, saves if asked, and exits 130), and a second one ends the process at once
/// (a second one within 50 ms of the first is the same press, delivered twice).
///
/// Ending "at once" is `_exit(130)`, not `exit`, which would run atexit handlers and tear down
/// OpenBLAS while the training thread is inside it.
final class Interrupt: @unchecked Sendable {
    static let shared = Interrupt()
    private let lock = NSLock()
    private var requested = false
    private var firstAt: UInt64 = 0                 // when the first Ctrl-C came (DispatchTime, ns)
    private var graceful: (message: String, deadline: Double?)? = nil
    private var source: DispatchSourceSignal?

    /// Whether Ctrl-C was pressed since the command began finishing gracefully (`install`).
    var isRequested: Bool { lock.withLock { requested } }

    /// Starts listening for SIGINT: until `install`, a Ctrl-C ends the process at once with 130.
    func listen() {
        lock.withLock {
            guard source == nil else { return }
            signal(SIGINT, SIG_IGN)     // handled by the dispatch source below, not by the default action
            let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
            source.setEventHandler { [self] in
                let now = DispatchTime.now().uptimeNanoseconds
                let (again, mode, echo) = lock.withLock { () -> (Bool, (message: String, deadline: Double?)?, Bool) in
                    // One Ctrl-C can arrive twice within microseconds (`timeout -s INT` signals the
                    // process and its group): a second one within 50 ms is the same press.
                    let echo = requested && now - firstAt < 50_000_000
                    defer { if graceful != nil && !requested { (requested, firstAt) = (true, now) } }
                    return (requested, graceful, echo)
                }
                if echo { return }
                guard let mode, !again else {
                    writeToStandardError("\nbackprop: interrupted\n")
                    _exit(130)
                }
                writeToStandardError(mode.message)
                if let deadline = mode.deadline { DispatchQueue.global().asyncAfter(deadline: .now() + deadline) { exit(0) } }
            }
            source.resume()
            self.source = source
        }
    }

    /// From now on the first Ctrl-C asks the command to finish (`isRequested`), printing
    /// `message`; with `deadline`, the process also ends that many seconds after it, whatever is
    /// still running (`serve`: a tab that does not answer the close).
    func install(message: String = "\nstopping after this batch (Ctrl-C again to quit at once)\n", deadline: Double? = nil) {
        listen()
        lock.withLock { graceful = (message, deadline) }
    }
}
