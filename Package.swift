// swift-tools-version:6.0
// piloto: one piloto.yaml drives both the Cloud Run deployment (generate) and the server (serve).
// No package dependencies by design: Foundation, Glibc, Dispatch, Synchronization and system C libraries only.
import PackageDescription

/// Strictness shared by every Swift target.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "piloto",
    products: [
        .executable(name: "piloto", targets: ["piloto"]),
    ],
    targets: [
        // System C libraries (no third-party code): libyaml, epoll/eventfd headers, libcrypt.
        .systemLibrary(
            name: "CYAML", path: "Sources/CYAML", pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CLinuxEvents", path: "Sources/CLinuxEvents"),
        .systemLibrary(name: "CCrypt", path: "Sources/CCrypt", providers: [.apt(["libcrypt-dev"])]),

        // Config depends on nothing of ours; libyaml's types never leave it.
        .target(name: "PilotoConfig", dependencies: ["CYAML"], path: "Sources/Config", swiftSettings: strictSettings),
        // Generators and Runtime depend on Config and never on each other.
        .target(name: "PilotoGenerators", dependencies: ["PilotoConfig"], path: "Sources/Generators", swiftSettings: strictSettings),
        .target(
            name: "PilotoRuntime", dependencies: ["PilotoConfig", "CLinuxEvents", "CCrypt"], path: "Sources/Runtime",
            // The dashboard's .js/.css sources; DashboardAssets.swift embeds them (scripts/embed-dashboard-assets).
            exclude: ["Dashboard/Assets"], swiftSettings: strictSettings),
        // The CLI wires the three together; `run(arguments:stdout:stderr:)` is what tests call in-process.
        .target(
            name: "PilotoCLI", dependencies: ["PilotoConfig", "PilotoGenerators", "PilotoRuntime"], path: "Sources/CLI",
            swiftSettings: strictSettings),
        .executableTarget(name: "piloto", dependencies: ["PilotoCLI"], path: "Sources/piloto", swiftSettings: strictSettings),

        // libFuzzer targets: built by scripts/fuzz with -sanitize=fuzzer -DFUZZING; in a normal build
        // each replays the corpus files it is given, so crashes found become regression inputs.
        .target(name: "FuzzSupport", path: "Sources/Fuzz/Support"),
        .executableTarget(name: "fuzz-config", dependencies: ["FuzzSupport", "PilotoConfig"], path: "Sources/Fuzz/Config"),
        .executableTarget(name: "fuzz-http", dependencies: ["FuzzSupport", "PilotoRuntime"], path: "Sources/Fuzz/HTTP"),
        .executableTarget(
            name: "fuzz-websocket", dependencies: ["FuzzSupport", "PilotoRuntime"], path: "Sources/Fuzz/WebSocket"),
        .executableTarget(name: "fuzz-redis", dependencies: ["FuzzSupport", "PilotoRuntime"], path: "Sources/Fuzz/Redis"),

        .testTarget(
            name: "ConfigTests", dependencies: ["PilotoConfig"], path: "Tests/ConfigTests", exclude: ["Fixtures"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "GeneratorsTests", dependencies: ["PilotoConfig", "PilotoGenerators"], path: "Tests/GeneratorsTests",
            swiftSettings: strictSettings),
        .testTarget(
            name: "RuntimeTests", dependencies: ["PilotoConfig", "PilotoRuntime"], path: "Tests/RuntimeTests",
            swiftSettings: strictSettings),
        .testTarget(
            name: "CLITests", dependencies: ["PilotoCLI", "PilotoConfig"], path: "Tests/CLITests", swiftSettings: strictSettings),
    ]
)
