// swift-tools-version: 6.0
// Coverage-guided fuzz targets (libFuzzer) for the compiler's front end and the checkpoint
// reader. `-sanitize=fuzzer` cannot go in a manifest without unsafe flags, so `Fuzz/run`
// passes it on the command line; this package stays outside the main one for that reason.
import PackageDescription

let package = Package(
    name: "TapelessFuzz",
    dependencies: [
        // A path dependency's identity is its folder's name; `name:` fixes it (as in Samples/ExternalPackage).
        .package(name: "Tapeless", path: ".."),
    ],
    targets: [
        // Source text through every stage of the compiler: must never crash.
        .executableTarget(
            name: "FuzzCompiler",
            dependencies: ["FuzzDriver", .product(name: "TapelessCompiler", package: "Tapeless")]
        ),
        // libFuzzer's driver, called from both targets' `main`.
        .target(name: "FuzzDriver"),
        // Bytes through the safetensors reader and checkpoint loading: must only throw CheckpointError.
        .executableTarget(
            name: "FuzzCheckpoint",
            dependencies: ["FuzzDriver", .product(name: "Tapeless", package: "Tapeless")]
        ),
    ]
)
