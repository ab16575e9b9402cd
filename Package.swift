// swift-tools-version:6.0
// piloto: one piloto.yaml drives both the Cloud Run deployment (generate) and the server (serve).
// No package dependencies by design: Foundation, Glibc, Dispatch, Synchronization and system C libraries only.
import PackageDescription

/// Strictness shared by every Swift target.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// The server's hot path (core and runtime) in release builds: no run-time exclusivity checks.
///
/// Why: the connection slots are class instances, so every access to their stored properties went
/// through `swift_beginAccess`/`swift_endAccess` and a thread-local access set, ~6 % of the user
/// CPU per request on the health route (perf, issue 10's "CPU per request ≤ nginx"). The compiler
/// still proves what it can statically, and debug builds, which every test runs, keep the dynamic
/// checks, so a conflicting access is still caught by the tests.
let hotPathSettings: [SwiftSetting] = strictSettings + [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

/// Links a system C library from its static archive (`-l:libyaml.a`), in every build.
///
/// Why: the runtime image should need no distribution packages (issue 12, item 4). With the
/// modulemap's `link "yaml"` the binary needs `libyaml-0.so.2`, which no slim base image has.
/// `-l:NAME` makes the linker take exactly that file; the flag goes after the object files on the
/// link line (SwiftPM appends target linker flags), so the archive members are actually pulled.
/// `unsafeFlags` is fine here: piloto is a root package, never used as a dependency. The archives
/// come with the same -dev packages as the headers (`libyaml-dev`, `libcrypt-dev`).
func staticCLibrary(_ archive: String) -> [LinkerSetting] {
    [.unsafeFlags(["-Xlinker", "-l:\(archive)"])]
}

/// Release links of the `piloto` executable: what the image ships and what `bench/` measures.
///
/// Why (issue 12, cold start and peak RSS): the loader's work and the pages it touches before
/// `main` are a large part of both.
/// - `lld` with `-z pack-relative-relocs` (DT_RELR, glibc ≥ 2.36, Debian bookworm): the ~40,000
///   relative relocations of Swift's metadata take a few KiB instead of ~1 MiB of `.rela.dyn`, which
///   the loader would read, page by page, at every start. lld ships in the Swift toolchain on Linux.
/// - `StaticLink/libstdc++.so`, a linker script that turns the Swift runtime's `-lstdc++` into
///   `libstdc++.a`: no libstdc++.so.6 mapped at run time (~1 MiB resident, one less library to load).
/// - `--no-export-dynamic`: the toolchain's static-stdlib link exports every symbol of our modules
///   (~6,500; `.dynstr`/`.dynsym`/`.gnu.hash`, ~550 KiB, all resident) although nothing loads the
///   executable as a library.
/// - `--symbol-ordering-file=StaticLink/symbol-order.txt`: the ~2,600 functions `piloto serve`
///   runs (boot, static/SPA, health, metrics, login, proxy, WebSockets; made by `tools/symbol_order`
///   under callgrind) laid out first and together. The kernel maps code in 64 KiB windows around
///   each fault, so spread over 11 MB of `.text` they kept ~6 MB resident; together ~3.8 MB.
///   SwiftPM does not relink when only that file changes: delete the binary after regenerating it.
/// - `-no-pie`: a fixed-address executable, so the loader applies none of those ~40,000 relative
///   relocations: no copy-on-write fault for each page of `.data.rel.ro` and `.data` (~550 KiB)
///   before `main`. Cold start (bench/run's spawn → first 200) fell from ~6.4 to ~5.3 ms, below
///   nginx's ~6.2. The price is ASLR of the executable image only (the stack, heap, mmap regions
///   and libc stay randomized), the same trade Go makes by default on linux/amd64; the code is
///   still compiled position-independent.
/// Measured on this repo's piloto.yaml under bench/run's load: peak RSS 14.2 → 13.1 MiB, binary
/// 17.9 → 16.9 MB (lld, libstdc++.a); then 12.2 → 9.5 MiB and 16.3 MB (no exports, ordering).
/// Debug builds and tests keep the toolchain's defaults.
let releaseLinking: [LinkerSetting] = [
    .unsafeFlags(
        ["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
         "-L", Context.packageDirectory + "/Sources/piloto/StaticLink",
         "-Xlinker", "--no-export-dynamic",
         "-Xlinker", "--symbol-ordering-file=" + Context.packageDirectory + "/Sources/piloto/StaticLink/symbol-order.txt",
         "-Xlinker", "--no-warn-symbol-ordering",
         "-Xclang-linker", "-no-pie"],
        .when(platforms: [.linux], configuration: .release)),
]

let package = Package(
    name: "piloto",
    products: [
        .executable(name: "piloto", targets: ["piloto"]),
    ],
    targets: [
        // System C libraries (no third-party code): libyaml, epoll/eventfd headers, libcrypt.
        // libyaml and libcrypt are linked from their static archives (`staticCLibraries` below), so
        // the modulemaps name no `link` and CYAML uses no pkg-config (whose `-lyaml` is the .so).
        .systemLibrary(name: "CYAML", path: "Sources/CYAML", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CLinuxEvents", path: "Sources/CLinuxEvents"),
        .systemLibrary(name: "CCrypt", path: "Sources/CCrypt", providers: [.apt(["libcrypt-dev"])]),
        // glibc's posix_spawn `_np` extensions (chdir, closefrom), for the backends piloto runs.
        .systemLibrary(name: "CProcessSpawn", path: "Sources/CProcessSpawn"),

        // Config depends on nothing of ours; libyaml's types never leave it.
        .target(
            name: "PilotoConfig", dependencies: ["CYAML"], path: "Sources/Config", swiftSettings: strictSettings,
            linkerSettings: staticCLibrary("libyaml.a")),
        // Generators and Runtime depend on Config and never on each other.
        .target(name: "PilotoGenerators", dependencies: ["PilotoConfig"], path: "Sources/Generators", swiftSettings: strictSettings),
        // The HTTP/1.1 + WebSocket core: event loops, sockets, codecs, connection state machines and
        // the one seam (`HTTPResponder`, `RequestObserver`, `LoopHandle`). Knows nothing of the config.
        .target(
            name: "PilotoHTTPCore", dependencies: ["CLinuxEvents"], path: "Sources/Runtime/Core",
            swiftSettings: hotPathSettings),
        // The application on top of the core: routing, features, auth, sessions, dashboard, realtime,
        // Redis adapters and server assembly from the config.
        .target(
            name: "PilotoRuntime", dependencies: ["PilotoConfig", "PilotoHTTPCore", "CLinuxEvents", "CCrypt", "CProcessSpawn"],
            path: "Sources/Runtime",
            // Core is its own target. The dashboard's .js/.css are real files that SwiftPM embeds as byte
            // arrays (`PackageResources`): no `Bundle`, no resource folder to copy into the image.
            exclude: ["Core"],
            resources: [.embedInCode("Dashboard/Assets/dashboard.js"), .embedInCode("Dashboard/Assets/dashboard.css")],
            swiftSettings: hotPathSettings,
            linkerSettings: staticCLibrary("libcrypt.a")),
        // Test doubles (manual clock, capturing log sink): only test targets depend on this, so no
        // double ships in the binary.
        .target(
            name: "PilotoTestKit", dependencies: ["PilotoHTTPCore", "PilotoRuntime"], path: "Sources/TestKit", swiftSettings: strictSettings),
        // The CLI wires the three together; `run(arguments:stdout:stderr:)` is what tests call in-process.
        .target(
            name: "PilotoCLI", dependencies: ["PilotoConfig", "PilotoGenerators", "PilotoRuntime"], path: "Sources/CLI",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "piloto", dependencies: ["PilotoCLI"], path: "Sources/piloto", exclude: ["StaticLink"],
            swiftSettings: strictSettings, linkerSettings: releaseLinking),

        // libFuzzer targets: built by scripts/fuzz with -sanitize=fuzzer -DFUZZING; in a normal build
        // each replays the corpus files it is given, so crashes found become regression inputs.
        .target(name: "FuzzSupport", path: "Sources/Fuzz/Support"),
        .executableTarget(name: "fuzz-config", dependencies: ["FuzzSupport", "PilotoConfig"], path: "Sources/Fuzz/Config"),
        .executableTarget(name: "fuzz-http", dependencies: ["FuzzSupport", "PilotoHTTPCore"], path: "Sources/Fuzz/HTTP"),
        .executableTarget(
            name: "fuzz-websocket", dependencies: ["FuzzSupport", "PilotoHTTPCore"], path: "Sources/Fuzz/WebSocket"),
        .executableTarget(name: "fuzz-redis", dependencies: ["FuzzSupport", "PilotoRuntime"], path: "Sources/Fuzz/Redis"),

        .testTarget(
            name: "ConfigTests", dependencies: ["PilotoConfig"], path: "Tests/ConfigTests", exclude: ["Fixtures"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "GeneratorsTests", dependencies: ["PilotoConfig", "PilotoGenerators"], path: "Tests/GeneratorsTests",
            exclude: ["Fixtures"], swiftSettings: strictSettings),
        .testTarget(
            name: "RuntimeTests", dependencies: ["PilotoConfig", "PilotoHTTPCore", "PilotoRuntime", "PilotoTestKit"], path: "Tests/RuntimeTests",
            swiftSettings: strictSettings),
        .testTarget(
            name: "CLITests", dependencies: ["PilotoCLI", "PilotoConfig", "PilotoRuntime", "PilotoTestKit"], path: "Tests/CLITests", exclude: ["Golden", "Fixtures"],
            swiftSettings: strictSettings),
    ]
)
