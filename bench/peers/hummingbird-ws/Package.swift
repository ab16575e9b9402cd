// swift-tools-version:6.0
// Benchmark peer only: a Hummingbird 2 WebSocket echo server, the Swift server a team would
// pick instead of piloto. It lives outside the piloto package (own Package.swift, own .build)
// so piloto itself keeps its "no third-party Swift packages" rule.
import PackageDescription

let package = Package(
    name: "hummingbird-ws",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
    ],
    targets: [
        .executableTarget(
            name: "hummingbird-ws",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            ]
        )
    ]
)
