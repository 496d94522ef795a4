/// The page's files (plain HTML, CSS and JavaScript — no build step), compiled into the binary by
/// SwiftPM (`.embedInCode` resources, `PackageResources`): a `backprop` copied anywhere serves them.
public struct PageFiles: Sendable {
    /// File name → (content type, bytes).
    public let files: [String: (contentType: String, body: [UInt8])]

    /// The embedded page.
    public static func load() -> PageFiles {
        PageFiles(files: [
            "index.html": ("text/html; charset=utf-8", PackageResources.index_html),
            "playground.js": ("text/javascript; charset=utf-8", PackageResources.playground_js),
            "address.js": ("text/javascript; charset=utf-8", PackageResources.address_js),
            "panel.js": ("text/javascript; charset=utf-8", PackageResources.panel_js),
            "playground.css": ("text/css; charset=utf-8", PackageResources.playground_css),
        ])
    }
}
