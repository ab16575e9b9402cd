// swift-tools-version:6.0
// Benchmark peer only: FlyingFox, the small Swift server on plain sockets (no SwiftNIO), serving
// the same routes as piloto. Its own package and .build, so piloto keeps "no third-party packages".
import PackageDescription

let package = Package(
    name: "flyingfox-peer",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        .executableTarget(
            name: "flyingfox-peer",
            dependencies: [
                .product(name: "FlyingFox", package: "FlyingFox"),
                .product(name: "FlyingSocks", package: "FlyingFox"),
            ]
        )
    ]
)
