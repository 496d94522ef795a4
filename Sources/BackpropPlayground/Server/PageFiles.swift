import Foundation

/// The page's files (plain HTML, CSS and JavaScript — no build step), read once from the
/// package's resources: `Backprop_BackpropPlayground.resources/Page` next to the executable.
public struct PageFiles: Sendable {
    /// File name → (content type, bytes).
    public let files: [String: (contentType: String, body: [UInt8])]

    public static let names = ["index.html": "text/html; charset=utf-8", "playground.js": "text/javascript; charset=utf-8",
                               "address.js": "text/javascript; charset=utf-8",
                               "playground.css": "text/css; charset=utf-8"]

    /// Looks for the resources next to the running executable (and next to the resolved path of a
    /// symbolic link to it), then at `Bundle.main`'s location.
    public static func load() throws(PlaygroundError) -> PageFiles {
        let bundle = "Backprop_BackpropPlayground.resources"
        var folders: [URL] = []
        if let executable = Bundle.main.executableURL {
            folders.append(executable.deletingLastPathComponent())
            folders.append(executable.resolvingSymlinksInPath().deletingLastPathComponent())
        }
        folders.append(URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent())
        folders.append(Bundle.main.bundleURL)
        for folder in folders {
            let page = folder.appendingPathComponent(bundle).appendingPathComponent("Page")
            var files: [String: (String, [UInt8])] = [:]
            for (name, type) in names {
                guard let data = FileManager.default.contents(atPath: page.appendingPathComponent(name).path) else { break }
                files[name] = (type, [UInt8](data))
            }
            if files.count == names.count { return PageFiles(files: files) }
        }
        throw PlaygroundError("cannot find the playground's page (\(bundle)/Page) next to the executable; "
                              + "run backprop from its build folder (swift run backprop serve) or copy \(bundle) next to it")
    }
}
