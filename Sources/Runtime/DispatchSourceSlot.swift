import Dispatch
import Synchronization

/// The one live Dispatch source of a role (a poll timer, a SIGHUP handler): installing one resumes
/// it and cancels the one it replaces, `cancel()` ends it. Shared by the users file and the
/// dashboard publisher, which both restart their sources on a second `start`.
final class DispatchSourceSlot: Sendable {
    /// `@unchecked`: Dispatch sources are thread-safe objects, only not marked `Sendable`.
    private struct Held: @unchecked Sendable {
        var source: (any DispatchSourceProtocol)?
    }

    private let held = Mutex(Held())

    /// Resumes `source` and makes it the live one; the previous one, if any, is cancelled.
    func install(_ source: any DispatchSourceProtocol) {
        source.resume()
        swap(in: Held(source: source))
    }

    /// Cancels the live source, if any.
    func cancel() { swap(in: Held()) }

    private func swap(in new: Held) {
        let previous = held.withLock { current in
            defer { current = new }
            return current
        }
        previous.source?.cancel()
    }
}
