import PilotoConfig

/// Each socket's own lifetime: closed with 1001 at `scaling.request_timeout −
/// realtime.rotate_before_timeout` after the upgrade, jittered (`RotationDeadline`), so Cloud Run
/// never cuts a socket itself and the reconnects of sockets opened together spread out.
struct SocketRotation: Sendable {
    let requestTimeoutMilliseconds: Int64
    let rotateBeforeMilliseconds: Int64

    init(config: PilotoConfig) {
        let timeout = config.scaling.requestTimeout
        requestTimeoutMilliseconds = timeout.milliseconds
        rotateBeforeMilliseconds = config.realtime.rotateBefore(requestTimeout: timeout).milliseconds
    }

    /// A fresh jittered delay (kernel CSPRNG: sockets of different instances do not line up).
    func nextDelayMilliseconds() -> Int64 {
        var generator = SystemRandomNumberGenerator()
        return RotationDeadline.delayMilliseconds(
            requestTimeout: requestTimeoutMilliseconds, rotateBefore: rotateBeforeMilliseconds,
            jitter: RotationDeadline.jitterUnit(using: &generator))
    }
}
