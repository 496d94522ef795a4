// swift-tools-version:6.1
import PackageDescription

/// Dependencies that only the tool and the benchmarks use, and those of the playground's server.
let tools: TargetDependencyCondition? = .when(traits: ["Tools"])
let server: TargetDependencyCondition? = .when(traits: ["Playground"])

let package = Package(
    name: "Backprop",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Backprop", targets: ["Backprop"]),
        .executable(name: "backprop", targets: ["BackpropCLI"]),
        .executable(name: "backprop-bench", targets: ["BackpropBench"]),
        .library(name: "BackpropPlayground", targets: ["BackpropPlayground"]),
        .library(name: "BackpropCommands", targets: ["BackpropCommands"]),
    ],
    // Two traits, both on by default, bring what only the `backprop` tool needs: `Tools` the
    // command line and the benchmarks, `Playground` the server of `backprop serve` (Hummingbird).
    // A package that uses only the library turns them off and then fetches swift-numerics alone
    // (measured; the DocC plugin is not fetched either): `.package(url: …, from: …, traits: [])`.
    traits: [
        .trait(name: "Tools", description: "The backprop command (swift-argument-parser) and the benchmarks."),
        .trait(name: "Playground", description: "backprop serve: the playground's web server (Hummingbird)."),
        .default(enabledTraits: ["Tools", "Playground"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
        .package(url: "https://github.com/ordo-one/malloc-interposer", from: "1.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.0.0"),
        // `swift package generate-documentation --target Backprop` (DocC); nothing is built with it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // OpenBLAS through pkg-config on Linux; Apple platforms use Accelerate instead.
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // zlib, for gzip-compressed IDX files (Debian zlib1g-dev; part of the SDK on Apple platforms).
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // C square roots without errno, so that update loops vectorise, and Adam in AVX2 registers.
        .target(name: "CMath"),
        // The fork-join pool that splits a step's products and updates over the cores (Parallel).
        .target(name: "CThreads", linkerSettings: [.linkedLibrary("pthread", .when(platforms: [.linux]))]),
        .target(
            name: "Backprop",
            dependencies: [
                .target(name: "CBLAS", condition: .when(platforms: [.linux])),
                "CZlib",
                "CMath",
                "CThreads",
                .product(name: "RealModule", package: "swift-numerics"),
            ]
        ),
        // `backprop serve`: the browser playground. Sessions and messages (no server) are in
        // Playground/, the Hummingbird server in Server/, the page (plain HTML/CSS/JS) in Page/.
        .target(
            name: "BackpropPlayground",
            dependencies: [
                "Backprop",
                .product(name: "Hummingbird", package: "hummingbird", condition: server),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket", condition: server),
            ],
            // The page is compiled into the binary (PackageResources), so a copied `backprop` serves it.
            resources: [
                .embedInCode("Page/index.html"), .embedInCode("Page/playground.js"),
                .embedInCode("Page/address.js"), .embedInCode("Page/panel.js"), .embedInCode("Page/playground.css"),
            ]
        ),
        // The commands (one type per file, option groups, output formatting), as a library so
        // that the argument fuzzer (fuzz/) drives the same parsing and checks; `backprop` is
        // BackpropCLI's one-line main.
        .target(
            name: "BackpropCommands",
            dependencies: [
                "Backprop",
                "BackpropPlayground",
                .product(name: "ArgumentParser", package: "swift-argument-parser", condition: tools),
            ]
        ),
        // Ctrl-C before main: exit 130 (a C constructor, in the executable only).
        .target(name: "CEarlyInterrupt"),
        .executableTarget(
            name: "BackpropCLI",
            dependencies: ["BackpropCommands", "CEarlyInterrupt"]
        ),
        // Measurements for bench/compare.py: the BLAS share of a step, a step alone, and
        // allocation counts (run with LD_PRELOAD of libMallocInterposerSwift.so).
        .executableTarget(
            name: "BackpropBench",
            dependencies: [
                "Backprop",
                "BackpropPlayground",
                .product(name: "MallocInterposerSwift", package: "malloc-interposer", condition: tools),
            ]
        ),
        .testTarget(
            name: "BackpropTests",
            dependencies: ["Backprop", "CZlib"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "BackpropPlaygroundTests",
            dependencies: [
                "Backprop",
                "BackpropPlayground",
                .product(name: "Hummingbird", package: "hummingbird", condition: server),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket", condition: server),
            ]
        ),
        // The documentation's Swift examples, verbatim: this target compiles only if they do.
        .testTarget(
            name: "SnippetTests",
            dependencies: ["Backprop", "BackpropCommands", "BackpropPlayground"]
        ),
        .testTarget(
            name: "BackpropCLITests",
            dependencies: ["Backprop", "BackpropCLI", "BackpropCommands", "BackpropBench", "BackpropPlayground"]
        ),
    ]
)
