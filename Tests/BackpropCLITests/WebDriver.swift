import Foundation
import Testing
@testable import Backprop
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small W3C WebDriver client for `chromedriver` (Debian's chromium-driver), enough for the
/// playground's end-to-end test: sessions, navigation, elements, clicks, scripts, screenshots.
struct WebDriver {
    let base: String
    let session: String

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// One HTTP request to chromedriver; returns the response's `value`.
    static func call(_ method: String, _ url: String, _ body: JSON? = nil) async throws -> JSON {
        let (status, text) = try LoopbackHTTP.request(method, url, body: body?.serialized())
        let json = try JSON.parse(text)
        guard status == 200 else {
            throw Failure(description: "\(method) \(url): \(status) \(json["value"]?["error"]?.string ?? "") \(json["value"]?["message"]?.string?.prefix(300) ?? "")")
        }
        return json["value"] ?? .null
    }

    /// A headless Chromium session.
    static func start(driver: String, chromium: String, width: Int, height: Int) async throws -> WebDriver {
        let capabilities = JSON.object([("capabilities", .object([("alwaysMatch", .object([
            ("browserName", .string("chrome")),
            ("goog:chromeOptions", .object([
                ("binary", .string(chromium)),
                ("args", .array(["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                 "--window-size=\(width),\(height)"].map { .string($0) })),
            ])),
        ]))]))])
        let value = try await call("POST", driver + "/session", capabilities)
        guard let id = value["sessionId"]?.string else { throw Failure(description: "no session id in \(value.serialized())") }
        return WebDriver(base: driver, session: id)
    }

    func call(_ method: String, _ path: String, _ body: JSON? = nil) async throws -> JSON {
        try await Self.call(method, "\(base)/session/\(session)\(path)", body ?? (method == "POST" ? .object([]) : nil))
    }

    func open(_ url: String) async throws { _ = try await call("POST", "/url", .object([("url", .string(url))])) }

    /// The WebDriver id of the first element matching a CSS selector.
    func element(_ css: String) async throws -> String {
        let value = try await call("POST", "/element", .object([("using", .string("css selector")), ("value", .string(css))]))
        guard let id = value.members?.first?.value.string else { throw Failure(description: "no element \(css)") }
        return id
    }

    /// Clicks the element as a user would (scrolls it into view, clicks its centre).
    func click(_ css: String) async throws {
        let id = try await element(css)
        _ = try await call("POST", "/element/\(id)/click")
    }

    /// Moves the mouse to the centre of the element and clicks there, whatever is on top — as a
    /// user clicking a thin line among crossing ones (WebDriver's element click refuses those).
    func pointerClick(_ css: String) async throws {
        let id = try await element(css)
        let origin = JSON.object([("element-6066-11e4-a52e-4f735466cecf", .string(id))])
        let actions = JSON.object([("actions", .array([.object([
            ("type", .string("pointer")), ("id", .string("mouse")),
            ("parameters", .object([("pointerType", .string("mouse"))])),
            ("actions", .array([
                .object([("type", .string("pointerMove")), ("origin", origin), ("x", .number(0)), ("y", .number(0))]),
                .object([("type", .string("pointerDown")), ("button", .number(0))]),
                .object([("type", .string("pointerUp")), ("button", .number(0))]),
            ])),
        ])]))])
        _ = try await call("POST", "/actions", actions)
    }

    /// A real mouse click at a point of the viewport (CSS pixels).
    func pointerClick(x: Double, y: Double) async throws {
        let actions = JSON.object([("actions", .array([.object([
            ("type", .string("pointer")), ("id", .string("mouse")),
            ("parameters", .object([("pointerType", .string("mouse"))])),
            ("actions", .array([
                .object([("type", .string("pointerMove")), ("origin", .string("viewport")), ("x", .number(Int(x.rounded()))), ("y", .number(Int(y.rounded())))]),
                .object([("type", .string("pointerDown")), ("button", .number(0))]),
                .object([("type", .string("pointerUp")), ("button", .number(0))]),
            ])),
        ])]))])
        _ = try await call("POST", "/actions", actions)
    }

    /// Runs JavaScript in the page and returns its result.
    func script(_ source: String) async throws -> JSON {
        try await call("POST", "/execute/sync", .object([("script", .string(source)), ("args", .array([]))]))
    }

    func screenshot() async throws -> Data {
        guard let base64 = try await call("GET", "/screenshot").string, let data = Data(base64Encoded: base64) else {
            throw Failure(description: "no screenshot")
        }
        return data
    }

    func quit() async { _ = try? await Self.call("DELETE", "\(base)/session/\(session)") }
}

/// Runs `executable` in the background with its output in `log`.
func startProcess(_ executable: String, _ arguments: [String], output: URL) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    FileManager.default.createFile(atPath: output.path, contents: nil)
    let handle = try FileHandle(forWritingTo: output)
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    return process
}

/// Waits until `condition` returns a value, or fails after `seconds`.
func waitFor<T>(_ what: String, seconds: Double, every: Duration = .milliseconds(200),
                _ condition: () async throws -> T?) async throws -> T {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    var lastError: (any Error)? = nil
    while ContinuousClock.now < deadline {
        do { if let v = try await condition() { return v } } catch { lastError = error }
        try await Task.sleep(for: every)
    }
    throw WebDriver.Failure(description: "timed out after \(seconds) s waiting for \(what)" + (lastError.map { " (last error: \($0))" } ?? ""))
}

/// HTTP/1.1 over a plain socket to 127.0.0.1, for chromedriver: Foundation's URLSession on
/// Linux refuses its headers (`Content-Length:250`, no space after the colon).
enum LoopbackHTTP {
    struct Failure: Error, CustomStringConvertible { var description: String }

    /// A TCP connection to 127.0.0.1:`port` (the caller closes the descriptor).
    static func openConnection(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket() failed") }
        var timeout = timeval(tv_sec: 120, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(fd); throw Failure(description: "cannot connect to port \(port)") }
        return fd
    }

    /// Writes all of `bytes` to `fd`.
    static func sendAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw Failure(description: "send failed") }
            sent += n
        }
    }

    /// A TCP connection to 127.0.0.1:`port` that has sent `text` (the caller closes the descriptor).
    static func connectAndSend(port: Int, _ text: String) throws -> Int32 {
        let fd = try openConnection(port: port)
        do { try sendAll(fd, Array(text.utf8)) } catch { close(fd); throw error }
        return fd
    }

    /// Sends one request (`Connection: close`) and reads the whole response: status and body.
    static func request(_ method: String, _ url: String, body: String? = nil) throws -> (status: Int, body: String) {
        guard let u = URL(string: url), u.host == "127.0.0.1", let port = u.port else { throw Failure(description: "not a loopback URL: \(url)") }
        let fd = try openConnection(port: port)
        defer { close(fd) }
        let payload = Array((body ?? "").utf8)
        let path = u.path.isEmpty ? "/" : u.path
        var request = Array("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n".utf8)
        if body != nil { request += Array("Content-Type: application/json\r\nContent-Length: \(payload.count)\r\n".utf8) }
        request += Array("\r\n".utf8) + payload
        try sendAll(fd, request)
        // Read until the body is complete: Content-Length bytes after the head (chromedriver keeps
        // the connection open, and always sends a Content-Length), or the end of the stream.
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        func complete() -> Bool {
            let bytes = response
            guard let end = (0..<max(0, bytes.count - 3)).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 && bytes[$0 + 2] == 13 && bytes[$0 + 3] == 10 }) else { return false }
            let head = String(decoding: bytes[..<end], as: UTF8.self).lowercased()
            guard let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
                  let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) else { return false }
            return bytes.count >= end + 4 + length
        }
        while !complete() {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            response += buffer[0..<n]
        }
        let text = String(decoding: response, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw Failure(description: "no HTTP response from \(url)") }
        let head = text[..<split.lowerBound].lowercased()
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        return (status, String(text[split.upperBound...]))
    }
}
