import ArgumentParser
import BackpropPlayground
import Foundation

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Start the playground: train networks on 2-D data in the browser and see every step hand by hand.",
        discussion: """
            Starts a local web server and prints its URL. Open it in a browser: pick a data set \
            (xor, circles, spiral, gaussians, the regression sets plane and multi-gaussian, or a 2-column CSV), shape the network, press play \
            and watch the decision boundary, each neuron's output and the loss curves. Pause, \
            click a weight or a neuron, and the panel shows its chain rule for the next step with \
            numbers — the numbers `backprop explain` gives for the exported model and batch.

            Training runs in the server, in this library; the page only draws. Each tab gets its \
            own session, which ends when the tab closes. The server listens on 127.0.0.1 only, \
            unless --host says otherwise. Ctrl-C stops it.

            Examples:
              backprop serve
              backprop serve --port 9000
              backprop serve --port 0    # any free port (the URL says which)
            """
    )

    @Option(parsing: .unconditional, help: "TCP port (0: any free port).")
    var port: Int = 8080

    @Option(help: "Address to listen on; 127.0.0.1 keeps the playground to this machine (0.0.0.0 opens it to the network, by this machine's address or name; another name, e.g. a DNS alias, also goes here).")
    var host: String = "127.0.0.1"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535 (got \(port))") }
        guard !host.isEmpty else { throw ValidationError("--host must not be empty") }
    }

    func run() async throws {
        #if Playground
        let server: PlaygroundServer
        do { server = try PlaygroundServer(host: host, port: port) } catch { throw InputError(error.message) }
        // Ctrl-C closes every tab's connection and stops; a tab that does not answer within 3 s
        // (or a second Ctrl-C) does not keep the server running.
        Interrupt.shared.install(message: "\nstopping the playground (closing the open tabs)\n", deadline: 3)
        do {
            try await server.run { url in
                print("Backprop playground: \(url)")
                print("Open it in a browser; Ctrl-C stops the server.")
                fflush(nil)
            }
        } catch {
            let text = "\(error)"
            if text.contains("errno: 98") || text.contains("Address already in use") {
                throw InputError("port \(port) on \(host) is in use (another server, or another backprop serve); give another with --port, or --port 0 for a free one")
            }
            if text.contains("errno: 13") || text.contains("Permission denied") {
                throw InputError("port \(port) on \(host) needs privileges; give a port above 1023 with --port")
            }
            if text.contains("errno: 99") || text.contains("Cannot assign requested address") || text.contains("UnknownHost") {
                throw InputError("cannot serve on \(host):\(port): --host \(host) is not an address of this machine (e.g. 127.0.0.1, or 0.0.0.0 for all)")
            }
            throw InputError("cannot serve on \(host):\(port): \(text)")
        }
        #else
        throw InputError("this backprop was built without the playground (the Playground trait); build it with its default traits: swift build -c release")
        #endif
    }
}
