// swift-tools-version: 6.0
// A package outside Tapeless that uses its plugin and runtime, as an application would.
// Build and run it from this folder: `swift run Celsius`.
import PackageDescription

let package = Package(
    name: "ExternalPackage",
    dependencies: [
        // A path dependency's identity is its folder's name, which depends on where the
        // repository was cloned; `name:` fixes the name that `package:` below refers to.
        // An application would write `.package(url: "https://…/Tapeless.git", from: "…")`.
        .package(name: "Tapeless", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "Celsius",
            dependencies: [.product(name: "Tapeless", package: "Tapeless")],
            plugins: [.plugin(name: "TapelessPlugin", package: "Tapeless")]
        ),
    ]
)
