// swift-tools-version:6.0
// Fuzz targets for Backprop's readers, built only by fuzz/run.sh (libFuzzer through
// `swiftc -sanitize=fuzzer`), never by the main package's `swift build` or `swift test`.
import PackageDescription

let targets = ["FuzzCSV", "FuzzIDX", "FuzzModelJSON", "FuzzSafeTensors"]

let package = Package(
    name: "BackpropFuzz",
    dependencies: [.package(name: "Backprop", path: "..")],
    targets: targets.map { name in
        .executableTarget(name: name, dependencies: [.product(name: "Backprop", package: "Backprop")])
    } + [
        // Command lines: every command's parsing, validation and plan (BackpropCommands.DryRun).
        .executableTarget(name: "FuzzArguments", dependencies: [.product(name: "BackpropCommands", package: "Backprop")]),
    ]
)
