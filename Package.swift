// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Tapeless",
    products: [
        .library(name: "Tapeless", targets: ["Tapeless"]),
        .library(name: "TapelessCompiler", targets: ["TapelessCompiler"]),
        .executable(name: "tapeless", targets: ["tapeless"]),
        .plugin(name: "TapelessPlugin", targets: ["TapelessPlugin"]),
        .plugin(name: "TapelessGenerate", targets: ["TapelessGenerate"]),
        // Data-parallel training over MPI; its code compiles only with the MPI trait.
        .library(name: "TapelessDistributed", targets: ["TapelessDistributed"]),
    ],
    traits: [
        .trait(name: "MPI", description: "Data-parallel training over MPI (TapelessDistributed); needs an MPI library such as Open MPI or MPICH"),
    ],
    targets: [
        // Matrix-multiply micro-kernels in C, chosen at run time by CPU features.
        .target(name: "CTapelessKernels"),
        // The runtime: tensors, kernels, optimizers, losses, training loop, checkpoints.
        .target(name: "Tapeless", dependencies: ["CTapelessKernels"]),
        // MPI's C interface (found by pkg-config as `mpi`, Debian's name for the chosen MPI) with
        // inline accessors for the handles Swift cannot import. Used only with the MPI trait.
        .systemLibrary(
            name: "CMPI", pkgConfig: "mpi",
            providers: [.apt(["libopenmpi-dev", "openmpi-bin"]), .brew(["open-mpi"])]),
        // Data-parallel training over MPI: a Communicator that fit(…across:) and custom loops use.
        .target(
            name: "TapelessDistributed",
            dependencies: ["Tapeless", .target(name: "CMPI", condition: .when(traits: ["MPI"]))]),
        // The compiler: .tapeless source to Swift.
        .target(name: "TapelessCompiler"),
        // The command-line front end of the compiler.
        .executableTarget(name: "tapeless", dependencies: ["TapelessCompiler"]),
        // Compiles every .tapeless file of a target to Swift at build time.
        .plugin(name: "TapelessPlugin", capability: .buildTool(), dependencies: ["tapeless"]),
        // `swift package tapeless-generate`: writes the generated Swift into the source tree.
        .plugin(
            name: "TapelessGenerate",
            capability: .command(
                intent: .custom(verb: "tapeless-generate", description: "Write the Swift for every .tapeless file beside it"),
                permissions: [.writeToPackageDirectory(reason: "Writes Name.tapeless.swift next to each Name.tapeless file")]
            ),
            dependencies: ["tapeless"]
        ),
        // Benchmark support in C: a malloc counter (interposes malloc in the one executable that
        // links it) and an optimization barrier. Linked only into tapeless-bench.
        .target(name: "CBenchmarkSupport"),
        // The benchmark workloads of BENCHMARKS.md, compiled by the plugin: `swift run -c release tapeless-bench`.
        .executableTarget(
            name: "tapeless-bench",
            dependencies: ["Tapeless", "CBenchmarkSupport"],
            exclude: ["Peers"],
            plugins: ["TapelessPlugin"]
        ),

        // Samples: small programs whose models the plugin compiles; `swift run <Name>`.
        .executableTarget(
            name: "LinearRegression", dependencies: ["Tapeless"], path: "Samples/LinearRegression",
            plugins: ["TapelessPlugin"]),
        .executableTarget(
            name: "SimpleNN", dependencies: ["Tapeless"], path: "Samples/SimpleNN",
            plugins: ["TapelessPlugin"]),
        .executableTarget(
            name: "Derivatives", dependencies: ["Tapeless"], path: "Samples/Derivatives",
            plugins: ["TapelessPlugin"]),
        .executableTarget(
            name: "PhysicsInformed", dependencies: ["Tapeless"], path: "Samples/PhysicsInformed",
            plugins: ["TapelessPlugin"]),
        .executableTarget(
            name: "Thermostat", dependencies: ["Tapeless"], path: "Samples/Thermostat",
            plugins: ["TapelessPlugin"]),
        .target(
            name: "DigitsData", dependencies: ["Tapeless"], path: "Samples/DigitsData",
            exclude: ["README.md"], resources: [.copy("digits.csv")]),
        .executableTarget(
            name: "Digits", dependencies: ["Tapeless", "DigitsData"], path: "Samples/Digits",
            plugins: ["TapelessPlugin"]),
        .executableTarget(
            name: "DigitsCNN", dependencies: ["Tapeless", "DigitsData"], path: "Samples/DigitsCNN",
            plugins: ["TapelessPlugin"]),
        .executableTarget(
            name: "SequenceDigits", dependencies: ["Tapeless", "DigitsData"], path: "Samples/SequenceDigits",
            plugins: ["TapelessPlugin"]),
        .executableTarget(
            name: "DistributedDigits", dependencies: ["Tapeless", "TapelessDistributed", "DigitsData"],
            path: "Samples/DistributedDigits", plugins: ["TapelessPlugin"]),

        // Checks of data-parallel training, run under `mpirun -np 2` by .ci/distributed-checks.
        .executableTarget(
            name: "tapeless-distributed-checks", dependencies: ["Tapeless", "TapelessDistributed", "DigitsData"],
            path: "Tests/DistributedChecks", plugins: ["TapelessPlugin"]),
        .testTarget(
            name: "TapelessTests",
            dependencies: ["Tapeless"],
            resources: [.copy("Resources")]
        ),
        // Models compiled by the plugin, then run: the emitted Swift tested by behaviour.
        .testTarget(
            name: "GeneratedCodeTests",
            dependencies: ["Tapeless"],
            resources: [.copy("Resources")],
            plugins: ["TapelessPlugin"]
        ),
        .testTarget(
            name: "TapelessCompilerTests",
            dependencies: ["TapelessCompiler"],
            exclude: ["Golden"],
            resources: [.copy("Resources")]
        ),
    ]
)
