import Backprop
import Foundation
import Hummingbird
import HummingbirdWSClient
import Logging
import Testing
@testable import BackpropPlayground
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A playground server on a free loopback port, for one test.
actor RunningServer {
    let server: PlaygroundServer
    private var task: Task<Void, any Error>? = nil
    private(set) var url: String? = nil

    init(updateInterval: Duration = .milliseconds(50), idleTimeout: Duration = .seconds(30)) throws {
        var server = try PlaygroundServer(host: "127.0.0.1", port: 0, updateInterval: updateInterval)
        server.logsErrors = false                   // each test stops its server: the shutdown's error lines are expected
        server.idleTimeout = idleTimeout
        self.server = server
    }

    func start() async throws -> String {
        let (urls, continuation) = AsyncStream<String>.makeStream()
        task = Task { [server] in try await server.run { continuation.yield($0) } }
        for await u in urls { url = u; break }
        return try #require(url)
    }

    func stop() { task?.cancel() }

    var webSocketURL: String { url!.replacingOccurrences(of: "http://", with: "ws://") + "ws" }
}

/// GET `url`: status and body.
func httpGet(_ url: String) async throws -> (status: Int, body: String) {
    try await withCheckedThrowingContinuation { continuation in
        URLSession.shared.dataTask(with: URL(string: url)!) { data, response, error in
            if let error { continuation.resume(throwing: error); return }
            continuation.resume(returning: ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data ?? Data(), as: UTF8.self)))
        }.resume()
    }
}

/// HEAD `url`: status, Content-Length and the bytes of body that came (none, for HEAD).
func httpHead(_ url: String) async throws -> (status: Int, length: String?, bodyBytes: Int) {
    var request = URLRequest(url: URL(string: url)!)
    request.httpMethod = "HEAD"
    return try await withCheckedThrowingContinuation { continuation in
        URLSession.shared.dataTask(with: request) { data, response, error in
            if let error { continuation.resume(throwing: error); return }
            let http = response as? HTTPURLResponse
            continuation.resume(returning: (http?.statusCode ?? 0, http?.value(forHTTPHeaderField: "Content-Length"), data?.count ?? 0))
        }.resume()
    }
}

let clientLogger = Logger(label: "playground-test-client")
let clientConfiguration = WebSocketClientConfiguration(maxFrameSize: 1 << 22)

@Suite("Playground server on loopback", .serialized)
struct ServerTests {
    @Test("the page, its script and style are served; unknown paths and sessions are 404")
    func page() async throws {
        let running = try RunningServer()
        let url = try await running.start()
        defer { Task { await running.stop() } }
        #expect(url.hasPrefix("http://127.0.0.1:"))
        let index = try await httpGet(url)
        #expect(index.status == 200 && index.body.contains("<script src=\"/playground.js\">"))
        #expect(try await httpGet(url + "playground.js").status == 200)
        #expect(try await httpGet(url + "address.js").status == 200)
        #expect(try await httpGet(url + "panel.js").status == 200)
        #expect(try await httpGet(url + "playground.css").status == 200)
        let missing = try await httpGet(url + "secret.txt")
        #expect(missing.status == 404 && missing.body == "no page named secret.txt; the playground is at /\n", "\(missing)")
        #expect(try await httpGet(url + "export/0123/model.json").status == 404)
        // HEAD: GET's status and length, no body.
        for (path, body) in [("", index.body), ("playground.js", try await httpGet(url + "playground.js").body)] {
            let head = try await httpHead(url + path)
            #expect(head.status == 200 && head.length == String(body.utf8.count) && head.bodyBytes == 0, "\(path): \(head)")
        }
        #expect(try await httpHead(url + "secret.txt").status == 404)
    }

    @Test("a kept-alive connection that goes quiet, a request line that never ends, garbage: closed after the idle timeout; a quiet WebSocket stays open")
    func idleConnections() async throws {
        let running = try RunningServer(idleTimeout: .seconds(1))
        let url = try await running.start()
        defer { Task { await running.stop() } }
        let port = try #require(Int(url.split(separator: ":").last?.filter(\.isNumber) ?? ""))
        @Sendable func closesWithin(_ seconds: Int, after bytes: [UInt8]) throws -> Bool {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var timeout = timeval(tv_sec: seconds, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { throw PlaygroundError("cannot connect to \(port)") }
            _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {                                         // whatever the server answers, then its close (0)
                let n = recv(fd, &buffer, buffer.count, 0)
                if n == 0 { return true }
                if n < 0 { return false }                        // the timeout: still open
            }
        }
        // On a thread of its own: a blocking recv on one of the 2 cooperative threads, beside another
        // test's blocking wait, left none for the server's responder (no reply, no idle close: CI failed).
        func closes(after bytes: [UInt8]) async throws -> Bool {
            try await withCheckedThrowingContinuation { (done: CheckedContinuation<Bool, any Error>) in
                Thread { done.resume(with: Result { try closesWithin(30, after: bytes) }) }.start()
            }
        }
        #expect(try await closes(after: Array("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)), "kept alive, then idle")
        // a head that never parses: Hummingbird's idle handler comes only after a head (FirstRequestDeadline)
        #expect(try await closes(after: Array("GET /".utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 100_000)), "a 100 KB request line")
        #expect(try await closes(after: Array("\u{0}garbage\r\n\r\n".utf8)), "garbage")
        #expect(try await closes(after: [UInt8](Array("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n".utf8))), "a head that never ends")
        let ws = await running.webSocketURL
        _ = try await WebSocketClient.connect(url: ws, configuration: clientConfiguration, logger: clientLogger) { inbound, outbound, _ in
            var iterator = inbound.messages(maxSize: 1 << 22).makeAsyncIterator()
            _ = try await iterator.next()                           // hello
            _ = try await iterator.next()                           // the first state
            try await Task.sleep(for: .seconds(3))                  // three idle timeouts, quiet
            try await outbound.write(.text(#"{"type": "step"}"#))
            guard case .text(let text)? = try await iterator.next() else { Issue.record("the WebSocket was closed"); return }
            #expect(try JSON.parse(text)["type"] == .string("state"))
            try await outbound.close(.normalClosure, reason: nil)
        }
    }

    @Test("1000 malformed messages: 1000 error replies, then the session still trains and exports")
    func malformed() async throws {
        let running = try RunningServer()
        _ = try await running.start()
        defer { Task { await running.stop() } }
        let url = await running.webSocketURL
        let messages = (0..<1000).map { i -> String in
            switch i % 10 {
            case 0: return String(repeating: "{", count: i % 97 + 1)
            case 1: return "\u{0}\u{1}garbage \(i)"
            case 2: return #"{"type": "configure", "hidden": [\#(i), -1]}"#
            case 3: return #"{"type": "select", "parameter": "w-\#(i + 4)-0-0"}"#
            case 4: return #"{"type": "\#(i)"}"#
            case 5: return #"{"type": "speed", "epochsPerSecond": -\#(i)}"#
            case 6: return #"{"type": "configure", "learningRate": 1e\#(i)}"#
            case 7: return "[\(i)]"
            case 8: return #"{"type": "configure", "data": "csv", "csv": "a,b\n1,2\n"}"#    // not 2 features + label
            default: return String(repeating: "[", count: 200) + "\(i)"
            }
        }
        let result = try await WebSocketClient.connect(url: url, configuration: clientConfiguration, logger: clientLogger) { inbound, outbound, _ in
            var errors = 0, hello: JSON? = nil, after: JSON? = nil
            var iterator = inbound.messages(maxSize: 1 << 22).makeAsyncIterator()
            func next() async throws -> JSON {
                guard case .text(let text)? = try await iterator.next() else { throw PlaygroundError("connection closed") }
                return try JSON.parse(text)
            }
            hello = try await next()
            _ = try await next()                                   // the first state
            for m in messages { try await outbound.write(.text(m)) }
            try await outbound.write(.binary(ByteBuffer(bytes: [0xFF, 0x00, 0x13])))
            while errors < messages.count + 1 {
                let m = try await next()
                #expect(m["type"] == .string("error"))
                errors += 1
            }
            try await outbound.write(.text(#"{"type": "step"}"#))
            after = try await next()
            #expect(errors == 1001)
            #expect(after?["type"] == .string("state") && number(after?["step"]) == 1)
            let id = try #require(hello?["session"]?.string)
            let model = try await httpGet(await running.url! + "export/\(id)/model.json")
            #expect(model.status == 200 && (try? ModelFile<Float>(text: model.body)) != nil)
            try await outbound.close(.normalClosure, reason: nil)
        }
        _ = result
        #expect(try await httpGet(await running.url!).status == 200)   // still serving
    }

    @Test("20 tabs at once: each its own session, training in parallel; closed tabs free their sessions")
    func twentyTabs() async throws {
        let running = try RunningServer()
        _ = try await running.start()
        defer { Task { await running.stop() } }
        let url = await running.webSocketURL
        let registry = running.server.registry
        let (connected, signal) = AsyncStream<String>.makeStream()
        let gate = Gate()
        try await withThrowingTaskGroup(of: [Double].self) { group in
            for tab in 0..<20 {
                group.addTask {
                    let seen = Collector()
                    do { try await WebSocketClient.connect(url: url, configuration: clientConfiguration, logger: clientLogger) { inbound, outbound, _ in
                        var iterator = inbound.messages(maxSize: 1 << 22).makeAsyncIterator()
                        func next() async throws -> JSON {
                            guard case .text(let text)? = try await iterator.next() else { throw PlaygroundError("connection closed") }
                            return try JSON.parse(text)
                        }
                        let hello = try await next()
                        signal.yield(hello["session"]?.string ?? "")
                        try await outbound.write(.text(#"{"type": "configure", "data": "circles", "samples": 200, "hidden": [4], "seed": \#(tab)}"#))
                        try await outbound.write(.text(#"{"type": "speed", "epochsPerSecond": 0}"#))
                        try await outbound.write(.text(#"{"type": "play"}"#))
                        var page: [String: JSON] = [:]             // a state carries what changed: merge, as the page does
                        while await seen.values.count < 3 {
                            let m = try await next()
                            guard m["type"] == .string("state") else { continue }
                            for (key, value) in m.members ?? [] { page[key] = value }
                            if page["playing"] == .bool(true) { await seen.add(number(page["epoch"])) }
                        }
                        await gate.wait()                          // stay open until all 20 are counted
                        try await outbound.close(.normalClosure, reason: nil)
                    } } catch {
                        signal.yield("")                          // a failed tab fails the test instead of hanging it
                    }
                    return await seen.values
                }
            }
            var ids = Set<String>()
            var answers = 0
            for await id in connected {
                ids.insert(id)
                answers += 1
                if answers == 20 { break }
            }
            #expect(ids.count == 20 && !ids.contains(""))           // 20 distinct sessions
            #expect(await registry.count == 20)
            await gate.open()
            for try await epochs in group {
                #expect(epochs.count == 3 && epochs == epochs.sorted() && epochs.last! > 0)
            }
        }
        let clock = ContinuousClock(), started = clock.now
        while await registry.count > 0 && clock.now - started < .seconds(10) { try await Task.sleep(for: .milliseconds(50)) }
        #expect(await registry.count == 0)
    }
}

actor Collector {
    var values: [Double] = []
    func add(_ v: Double) { values.append(v) }
}

/// Holds tasks until opened.
actor Gate {
    private var isOpen = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiting.append($0) }
    }
    func open() {
        isOpen = true
        waiting.forEach { $0.resume() }
        waiting = []
    }
}

@Suite("Playground server: who may connect")
struct OriginTests {
    @Test("a WebSocket from another web site's page (a foreign Origin) is refused; the page's own origin is accepted")
    func origin() async throws {
        let running = try RunningServer()
        let url = try await running.start()
        defer { Task { await running.stop() } }
        let ws = await running.webSocketURL
        let host = url.dropFirst("http://".count).dropLast()
        func connect(origin: String) async -> Bool {
            var configuration = clientConfiguration
            configuration.additionalHeaders[.origin] = origin      // sent after the client's own "ws://host"
            do {
                try await WebSocketClient.connect(url: ws, configuration: configuration, logger: clientLogger) { inbound, outbound, _ in
                    var iterator = inbound.messages(maxSize: 1 << 22).makeAsyncIterator()
                    _ = try await iterator.next()
                    try await outbound.close(.normalClosure, reason: nil)
                }
                return true
            } catch {
                return false
            }
        }
        #expect(await connect(origin: "http://\(host)"))
        #expect(await connect(origin: "http://evil.example") == false)
        #expect(await connect(origin: "http://127.0.0.1:1") == false)
    }

    @Test("a page whose own name was made to point at this machine (DNS rebinding) is refused: Host must be localhost, an address, or --host")
    func rebinding() {
        func request(_ authority: String?, origin: String? = nil) -> HTTPRequest {
            var fields = HTTPFields()
            if let origin { fields[.origin] = origin }
            return HTTPRequest(method: .get, scheme: nil, authority: authority, path: "/ws", headerFields: fields)
        }
        let rebound = request("evil.example:8080", origin: "http://evil.example:8080")
        #expect(PlaygroundServer.isSameOrigin(rebound), "the origin matches the Host it sent")
        #expect(!PlaygroundServer.isLocalName(rebound, serving: "127.0.0.1"), "but the name is not this machine's")
        let machine = ProcessInfo.processInfo.hostName
        for authority in ["127.0.0.1:8080", "localhost:8080", "LocalHost", "localhost.:8080", "app.localhost:1", "[::1]:8080", "192.168.1.20:8080", "10.0.0.1",
                          "\(machine):8080", "\(machine).local"] {
            #expect(PlaygroundServer.isLocalName(request(authority), serving: "127.0.0.1"), "\(authority)")
        }
        #expect(PlaygroundServer.isLocalName(request("mybox.lan:8080"), serving: "mybox.lan"), "the name given with --host")
        #expect(!PlaygroundServer.isLocalName(request("mybox.lan:8080"), serving: "0.0.0.0"))
        #expect(!PlaygroundServer.isLocalName(request("localhost.evil.example"), serving: "127.0.0.1"))
        #expect(PlaygroundServer.isLocalName(request(nil), serving: "127.0.0.1"), "no Host: no browser")
    }
}
