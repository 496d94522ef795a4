import Dispatch
import Foundation

/// Ctrl-C during training: the first SIGINT sets a flag that the training loop checks after
/// every batch (so it stops cleanly, saves if asked, and exits 130); a second one ends the
/// process at once with `_exit(130)`.
final class Interrupt: @unchecked Sendable {
    static let shared = Interrupt()
    private let lock = NSLock()
    private var requested = false
    private var source: DispatchSourceSignal?

    /// Whether Ctrl-C was pressed since `install()`.
    var isRequested: Bool { lock.withLock { requested } }

    /// Starts listening for SIGINT. With `deadline`, the process also ends that many seconds after
    /// the first one, whatever is still running (`serve`: a tab that does not answer the close).
    func install(message: String = "\nstopping after this batch (Ctrl-C again to quit at once)\n", deadline: Double? = nil) {
        signal(SIGINT, SIG_IGN)     // handled by the dispatch source below, not by the default action
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [self] in
            let again = lock.withLock { () -> Bool in
                defer { requested = true }
                return requested
            }
            // The second Ctrl-C ends the process at once: `_exit`, not `exit`, which would run
            // atexit handlers and tear down OpenBLAS while the training thread is inside it.
            if again { _exit(130) }
            FileHandle.standardError.write(Data(message.utf8))
            if let deadline { DispatchQueue.global().asyncAfter(deadline: .now() + deadline) { exit(0) } }
        }
        source.resume()
        self.source = source
    }
}
