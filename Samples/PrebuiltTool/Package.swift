// swift-tools-version: 6.0
// Tapeless's build plugin running a prebuilt `tapeless` from an artifact bundle, so that a clean
// build does not compile the Tapeless compiler first. From the repository root:
//
//     .ci/build-tool-bundle Samples/PrebuiltTool
//     cd Samples/PrebuiltTool && swift run Celsius
//
// The plugin's source is Tapeless's own (linked into Plugins/); the model and program are
// ExternalPackage's.
import PackageDescription

let package = Package(
    name: "PrebuiltTool",
    dependencies: [
        .package(name: "Tapeless", path: "../.."),
    ],
    targets: [
        // The bundle `.ci/build-tool-bundle` writes here. Hosted, the same bundle is declared as
        // `.binaryTarget(name: "TapelessTool", url: "https://…/tapeless.artifactbundle.zip", checksum: "…")`.
        .binaryTarget(name: "TapelessTool", path: "tapeless.artifactbundle"),
        .plugin(name: "TapelessPrebuiltPlugin", capability: .buildTool(), dependencies: ["TapelessTool"]),
        .executableTarget(
            name: "Celsius",
            dependencies: [.product(name: "Tapeless", package: "Tapeless")],
            plugins: ["TapelessPrebuiltPlugin"]
        ),
    ]
)
