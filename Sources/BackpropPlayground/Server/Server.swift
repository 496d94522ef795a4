#if Playground
import Backprop
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore

/// The sessions of the open tabs, by id; a closed tab's session is removed.
public actor SessionRegistry {
    private var sessions: [String: PlaygroundSession] = [:]
    public init() {}
    public var count: Int { sessions.count }
    func add(_ s: PlaygroundSession) { sessions[s.id] = s }
    func remove(_ id: String) { sessions[id] = nil }
    func session(_ id: String) -> PlaygroundSession? { sessions[id] }
}

/// `backprop serve`: the page over HTTP, one ``PlaygroundSession`` per WebSocket (`/ws`), and
/// the sessions' exports at `/export/SESSION/FILE`.
///
/// ```swift
/// let server = try PlaygroundServer(host: "127.0.0.1", port: 8080)
/// try await server.run { url in print("open \(url)") }
/// ```
public struct PlaygroundServer: Sendable {
    public var host: String
    public var port: Int
    /// Least time between two `state` messages of a playing session.
    public var updateInterval: Duration
    public let registry = SessionRegistry()
    /// Whether the server's own error log is printed (false: only critical ones — for tests that
    /// stop servers on purpose, where the shutdown logs errors that are expected).
    public var logsErrors = true
    /// An HTTP connection that sends nothing for this long after a request is closed (kept-alive
    /// connections stayed open for good), and so is one that has had no answer this long after it
    /// opened (a request whose head never parses: ``FirstRequestDeadline``). An open WebSocket is
    /// not an HTTP connection any more, and stays however quiet its page is.
    public var idleTimeout: Duration = .seconds(30)
    let page: PageFiles

    public init(host: String = "127.0.0.1", port: Int = 8080, updateInterval: Duration = .milliseconds(100)) throws(PlaygroundError) {
        self.host = host
        self.port = port
        self.updateInterval = updateInterval
        self.page = PageFiles.load()
    }

    /// Serves until the task is cancelled or the process gets SIGINT/SIGTERM; `onReady` gets the
    /// page's URL (with the real port when `port` is 0).
    public func run(onReady: @escaping @Sendable (String) async -> Void) async throws {
        var logger = Logger(label: "backprop-playground")
        logger.logLevel = logsErrors ? .error : .critical
        let app = Application(
            router: router(),
            server: HTTPServerBuilder { [registry, updateInterval, host, idleTimeout] responder in
              FirstRequestDeadline(inner: HTTP1WebSocketUpgradeChannel(
                responder: responder,
                configuration: .init(http1: .init(idleTimeout: TimeAmount(idleTimeout)),
                                     ws: .init(maxFrameSize: PlaygroundSession.maxMessageBytes, closeTimeout: .seconds(2)))) {
                request, _, _ in
                guard request.path == "/ws", Self.isSameOrigin(request) else { return .dontUpgrade }
                guard Self.isLocalName(request, serving: host) else {
                    FileHandle.standardError.write(Data("backprop serve: refused a WebSocket for \(request.authority ?? "?"): open the page by this machine's address or name, or start it with --host that name\n".utf8))
                    return .dontUpgrade
                }
                return .upgrade([:]) { inbound, outbound, _ in
                    try await Self.serve(inbound: inbound, outbound: outbound, registry: registry, updateInterval: updateInterval)
                }
              }, timeout: TimeAmount(idleTimeout))
            },
            configuration: .init(address: .hostname(host, port: port), serverName: "backprop"),
            onServerRunning: { [host] channel in
                let shown = host.contains(":") ? "[\(host)]" : host
                await onReady("http://\(shown):\(channel.localAddress?.port ?? 0)/")
            },
            logger: logger)
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }

    /// Whether a WebSocket upgrade comes from the playground's own page: another web site open
    /// in the same browser must not drive a local session. The `Origin` (which browsers always
    /// send) must name the host the request was sent to, and its port if it gives one; a client
    /// that sends no `Origin` is not a web page and is let in.
    static func isSameOrigin(_ request: HTTPRequest) -> Bool {
        let origins = request.headerFields[values: .origin]
        guard !origins.isEmpty else { return true }
        guard let authority = request.authority, let target = URL(string: "http://\(authority)") else { return false }
        return origins.allSatisfy { origin in
            guard let from = URL(string: origin), let host = from.host else { return false }
            return host == target.host && (from.port == nil || from.port == target.port)
        }
    }

    /// Whether the request names this machine as a browser on it does: `localhost` (or a name
    /// under `.localhost`), an IP address, the machine's own name (`gethostname`, also with
    /// `.local`), or the name the server was started with (`--host`); a final dot is ignored.
    /// Any other name is another web site's that has been made to point at this machine (DNS
    /// rebinding): its page sends its own name as both `Host` and `Origin`, so the origin check
    /// alone lets it in. A request with no `Host` at all comes from no browser and is let in.
    static func isLocalName(_ request: HTTPRequest, serving host: String) -> Bool {
        guard let authority = request.authority else { return true }
        guard var name = URL(string: "http://\(authority)")?.host?.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]")),
              !name.isEmpty else { return false }
        if name.hasSuffix(".") { name.removeLast() }
        let machine = ProcessInfo.processInfo.hostName.lowercased()
        if name == "localhost" || name.hasSuffix(".localhost") || name == host.lowercased()
            || (!machine.isEmpty && (name == machine || name == machine + ".local")) { return true }
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, name, &v4) == 1 || inet_pton(AF_INET6, name, &v6) == 1
    }

    /// One tab: a session, a writer task that sends its messages in order, and the read loop.
    static func serve(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
                      registry: SessionRegistry, updateInterval: Duration) async throws {
        let (messages, continuation) = AsyncStream<Outgoing>.makeStream()
        let session: PlaygroundSession
        do {
            session = try PlaygroundSession(updateInterval: updateInterval) { continuation.yield($0) }
        } catch {
            try await outbound.write(.text(PlaygroundSession.error(error.message).text))
            return
        }
        await registry.add(session)
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var delta = StateDelta()                 // each state: only what changed
                for await message in messages {
                    try await outbound.write(.text(delta.text(message)))
                    if message.isState { await session.delivered() }
                }
            }
            for m in await session.hello() { continuation.yield(m) }
            do {
                for try await message in inbound.messages(maxSize: PlaygroundSession.maxMessageBytes) {
                    switch message {
                    case .text(let text): for m in await session.receive(text) { continuation.yield(m) }
                    case .binary: continuation.yield(await session.refuse("binary messages are not understood; send JSON text"))
                    }
                }
            } catch {
                // The page went away mid-message, or sent one too large: the tab is done.
            }
            await session.close()
            await registry.remove(session.id)
            continuation.finish()                       // ends the writer task
            group.cancelAll()
        }
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        let page = self.page
        let registry = self.registry
        @Sendable func file(_ name: String) -> Response {
            guard let f = page.files[name] else { return Self.text(.notFound, "no page named \(name.prefix(100)); the playground is at /\n") }
            return Response(status: .ok, headers: [.contentType: f.contentType, .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(bytes: f.body)))
        }
        /// HEAD: GET's status and headers, with the length of the body it would send, and no body.
        @Sendable func head(_ name: String) -> Response {
            var response = file(name)
            let length = response.body.contentLength ?? 0
            response.body = .init()                                   // (which sets Content-Length to 0)
            response.headers[.contentLength] = String(length)
            return response
        }
        router.get("/") { _, _ in file("index.html") }
        router.get("/:file") { _, context in file(context.parameters.get("file") ?? "") }
        router.head("/") { _, _ in head("index.html") }
        router.head("/:file") { _, context in head(context.parameters.get("file") ?? "") }
        router.get("/export/:session/:file") { _, context -> Response in
            guard let id = context.parameters.get("session"), let name = context.parameters.get("file"),
                  let session = await registry.session(id) else {
                return Self.text(.notFound, "no such session: it ends when its tab closes\n")
            }
            guard let (type, body) = await session.export(name) else {
                return Self.text(.notFound, "no export named \(name); try model.json, boundary.svg, network.svg, loss.svg, step.svg, command.txt, explain.txt\n")
            }
            return Response(status: .ok, headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(name)\"", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        return router
    }

    static func text(_ status: HTTPResponse.Status, _ s: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: s)))
    }
}
#endif
