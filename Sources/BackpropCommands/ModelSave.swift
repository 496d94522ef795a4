import Backprop
import Foundation

/// Where `train --save` and `xor --save` put a model without losing one:
///
/// | at the destination                          | what happens                                      |
/// |---------------------------------------------|---------------------------------------------------|
/// | nothing, an empty file, a device            | the model is written there                        |
/// | a model that does worse (or not comparable) | replaced                                          |
/// | a model that does better on the same samples| kept; this one goes beside it, `NAME.worse.EXT`   |
/// |   … with `--overwrite`                      | replaced                                          |
/// | any other file                              | refused before training                           |
/// | (a run that diverged)                       | a model there is kept; `NAME.diverged.EXT` beside |
enum ModelSave {
    /// A model file at `path` (symlinks followed), or nil: nothing there, an empty file, a device.
    /// A file there that is not a model throws: refused before the work, not replaced after it.
    static func existing<T: Scalar>(at path: String, option: String, as: T.Type = T.self) throws -> ModelFile<T>? {
        guard let target = regularFile(path), let size = try? FileManager.default.attributesOfItem(atPath: target)[.size] as? Int,
              size > 0 else { return nil }
        do { return try ModelFile<T>(contentsOf: target) } catch {
            throw InputError("\(option) \(path): the file there is not a Backprop model, and would be replaced; name another file, or remove it first (reading it: \(error))")
        }
    }

    /// The file `path` finally names when it is a regular file; nil for nothing, a folder, a device.
    static func regularFile(_ path: String) -> String? {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        let type = try? FileManager.default.attributesOfItem(atPath: target)[.type] as? FileAttributeType
        return type == .typeRegular ? target : nil
    }

    /// Where a model goes that must not replace the one at `path` (`tag`: "diverged", "worse"):
    /// the first of `NAME.TAG.EXT`, `NAME.TAG-2.EXT`, … that names nothing yet (no file of any
    /// kind is replaced); `path` itself when no regular file is there.
    static func beside(_ path: String, tag: String) -> String {
        guard regularFile(path) != nil else { return path }
        let ext = URL(fileURLWithPath: path).pathExtension
        let stem = ext.isEmpty ? path : String(path.dropLast(ext.count + 1))
        func named(_ n: Int) -> String { stem + ".\(tag)" + (n > 1 ? "-\(n)" : "") + (ext.isEmpty ? "" : "." + ext) }
        var n = 1
        while (try? FileManager.default.attributesOfItem(atPath: named(n))) != nil { n += 1 }     // (a dangling link too)
        return named(n)
    }

    /// The warning when the model at `path` was kept: how both did, and where this one went.
    static func keptWarning(_ path: String, _ c: ModelComparison, savedTo: String) -> String {
        let measure: String
        if let a = c.other.accuracy, let b = c.this.accuracy, a != b {
            measure = String(format: "accuracy %.4f against this run's %.4f", a, b)
        } else {
            measure = "loss \(fmt(c.other.loss, 6)) against this run's \(fmt(c.this.loss, 6))"
        }
        return "backprop: warning: --save \(path) holds a model that does better on \(c.samples) (\(measure)); "
            + "it is left as it was, and this run's model is saved to \(savedTo) (--overwrite replaces it)\n"
    }
}
