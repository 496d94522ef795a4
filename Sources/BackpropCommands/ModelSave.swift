import Backprop
import Foundation

/// Where `train --save` and `xor --save` put a model without losing one (`convert` refuses the
/// same files that are not models):
///
/// | at the destination                              | what happens                                  |
/// |-------------------------------------------------|-----------------------------------------------|
/// | nothing, an empty file, a device                | the model is written there                    |
/// | a model that does worse, or not comparable      | replaced                                      |
/// | a model that does better on the same samples    | kept; this one goes beside it, `NAME.worse.EXT` |
/// | a checkpoint, or a file that is not a model     | refused before training                       |
/// | any of these, with `--overwrite`                | replaced                                      |
/// | a model that no longer reads, after training    | kept; this one goes beside it, `NAME.new.EXT` |
/// | a non-empty file, and the run diverged          | kept (even with `--overwrite`); `NAME.diverged.EXT` |
enum ModelSave {
    /// The model file at `path`, or nil: nothing there, an empty file, a device, or with
    /// `overwrite` anything. A checkpoint or a file that does not read as a model throws.
    /// (`hasOverwrite`: whether the command takes --overwrite, for the message.)
    static func existing<T: Scalar>(at path: String, option: String, overwrite: Bool = false, hasOverwrite: Bool = true,
                                    as: T.Type = T.self) throws -> ModelFile<T>? {
        guard !overwrite, holdsSomething(path) else { return nil }
        let remedy = hasOverwrite ? "name another file, or give --overwrite" : "name another file, or remove it first"
        let model: ModelFile<T>
        do { model = try ModelFile<T>(contentsOf: path) } catch {
            throw InputError("\(option) \(path): the file there cannot be read as a Backprop model, and would be replaced; \(remedy) (reading it: \(error))")
        }
        if Checkpoint<T>.isCheckpoint(contentsOf: path) {
            throw InputError("\(option) \(path) is a checkpoint: a model there would drop its training state (the optimizer's moments); \(remedy)")
        }
        return model
    }

    /// Where this run's model goes instead of `path`, and the warning that says why; `path`
    /// itself and no warning when nothing better is there. `compare` measures the model there
    /// against this run's (nil: not comparable).
    static func destination<T: Scalar>(for path: String, overwrite: Bool, as: T.Type = T.self,
                                       compare: (ModelFile<T>) -> ModelComparison?) -> (path: String, warning: String?) {
        let old: ModelFile<T>?
        do { old = try existing(at: path, option: "--save", overwrite: overwrite) } catch {
            let beside = beside(path, tag: "new")             // it changed during training: not replaced either
            return (beside, "backprop: warning: --save \(path) no longer reads as a model (it changed during training); it is left as it was, and this run's model is saved to \(beside)\n")
        }
        guard let old, let c = compare(old), c.otherIsBetter else { return (path, nil) }
        let beside = beside(path, tag: "worse")
        let measure: String
        if let a = c.other.accuracy, let b = c.this.accuracy, a != b {
            measure = String(format: "accuracy %.4f against this run's %.4f", a, b)
        } else {
            measure = "loss \(fmt(c.other.loss, 6)) against this run's \(fmt(c.this.loss, 6))"
        }
        return (beside, "backprop: warning: --save \(path) holds a model that does better on \(c.samples) (\(measure)); "
                + "it is left as it was, and this run's model is saved to \(beside) (--overwrite replaces it)\n")
    }

    /// Whether `path` names a regular file (symlinks followed) that is not empty.
    static func holdsSomething(_ path: String) -> Bool {
        guard standardStream(path) == nil else { return false }     // written to, whatever a redirect made it
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG && info.st_size > 0
    }

    /// Where a model goes that must not replace the file at `path` (`tag`: "diverged", "worse",
    /// "new"): the first of `NAME.TAG.EXT`, `NAME.TAG-2.EXT`, … that names nothing yet (no file of
    /// any kind is replaced); `path` itself when no regular file that is not empty is there.
    static func beside(_ path: String, tag: String) -> String {
        guard holdsSomething(path) else { return path }
        let ext = URL(fileURLWithPath: path).pathExtension
        let stem = ext.isEmpty ? path : String(path.dropLast(ext.count + 1))
        func named(_ n: Int) -> String { stem + ".\(tag)" + (n > 1 ? "-\(n)" : "") + (ext.isEmpty ? "" : "." + ext) }
        var n = 1
        while (try? FileManager.default.attributesOfItem(atPath: named(n))) != nil { n += 1 }     // (a dangling link too)
        return named(n)
    }
}
