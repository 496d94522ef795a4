import CThreads

/// Work for ``Parallel`` given as a value instead of a closure: the pool calls `run(part:)` for
/// every part, at the same time.
///
/// Why not a closure: the pool keeps what it runs behind a C pointer, so a closure has to be made
/// escaping for it (`withoutActuallyEscaping`), and that wraps it in a heap box, once per run. A
/// training step hands work to the pool twice, so on 2 threads a step would allocate. A task is
/// a plain struct on the caller's stack; the pool gets its address and its type, nothing is
/// allocated. Tasks that are generic over the scalar type mark `run(part:)`
/// `@_specialize(where T == Float)`: the pool calls it through the conformance (generic code), and
/// the attribute sends Float to the specialised body.
protocol ParallelTask {
    func run(part: Int)
}

extension ParallelTask {
    /// Runs part `part` of the task of this type at `task`.
    fileprivate static func run(at task: UnsafeRawPointer, part: Int) {
        task.assumingMemoryBound(to: Self.self).pointee.run(part: part)
    }
}

extension Parallel {
    /// Runs `task.run(part:)` for `part` in `0..<parts`, at the same time, and returns when all
    /// are done. Allocates nothing.
    static func run<Task: ParallelTask>(_ parts: Int, _ task: Task) {
        if parts <= 1 { task.run(part: 0); return }
        withUnsafePointer(to: task) { pointer in
            var erased = ErasedTask(task: UnsafeRawPointer(pointer), type: Task.self)
            withUnsafeMutablePointer(to: &erased) { bp_parallel_run(parts, runErasedTask, $0) }
        }
    }
}

/// A task's address and type, for the pool's C callback.
private struct ErasedTask {
    let task: UnsafeRawPointer
    let type: any ParallelTask.Type
}

/// The pool's callback for a ``ParallelTask``: a plain function (no captures), so C can call it.
private func runErasedTask(_ context: UnsafeMutableRawPointer?, _ part: Int) {
    guard let erased = context?.assumingMemoryBound(to: ErasedTask.self).pointee else { return }
    erased.type.run(at: erased.task, part: part)
}
