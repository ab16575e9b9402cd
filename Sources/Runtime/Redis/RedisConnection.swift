import Synchronization

/// One Redis connection: a `RedisConnectionMachine` (all protocol decisions) run on a server event
/// loop (`RedisLoopTransport`: socket, timer, mailbox). `RedisClient` (commands) and
/// `RedisSubscriber` (pub/sub) are thin façades over it.
///
/// This type only carries out the machine's actions: writes and timers go to the transport,
/// completions and pub/sub messages to their callbacks. Every machine call happens on the loop's
/// thread (other threads post work through the executor); the mutex around the machine is never
/// contended, it is what lets the compiler check that. Callbacks run on the loop's thread, never
/// with the mutex held: they must not block (they post, like every loop handler).
final class RedisConnection: RedisTransportDelegate {
    typealias Completion = @Sendable (Result<RESPValue, RedisError>) -> Void
    typealias MessageHandler = @Sendable (_ channel: String, _ payload: [UInt8]) -> Void
    typealias Machine = RedisConnectionMachine<LoopInstant, Completion>

    private struct Published {
        var state: RedisConnectionState = .connecting
        var serverInfo: RedisServerInfo?
    }

    let url: RedisURL
    let options: RedisClientOptions
    private let handler: MessageHandler?
    private let machine: Mutex<Machine>
    private let published = Mutex(Published())
    private let executor: any RedisTransportExecutor

    /// - Parameters:
    ///   - loop: the server event loop the connection runs on (its work waits until the loop runs).
    ///   - handler: non-nil makes this a subscriber connection (pub/sub messages go there).
    init(url: RedisURL, loop: LoopHandle, options: RedisClientOptions, handler: MessageHandler?) {
        self.url = url
        self.options = options
        self.handler = handler
        machine = Mutex(Machine(configuration: .init(url: url, options: options, isSubscriber: handler != nil)))
        let transport = RedisLoopTransport(loop: loop)
        executor = transport
        transport.start(delegate: self)
        transport.execute { [self] io in run(io) { $0.start(now: io.now) } }
    }

    // MARK: any thread

    var state: RedisConnectionState { published.withLock { $0.state } }
    /// From the last handshake (`run_id` of the server this connection talks to).
    var serverInfo: RedisServerInfo? { published.withLock { $0.serverInfo } }

    func submit(_ bytes: [UInt8], completion: @escaping Completion) {
        let accepted = executor.execute { [self] io in run(io) { $0.submit(bytes, tag: completion, now: io.now) } }
        if !accepted { completion(.failure(.closed)) }
    }

    func subscribe(_ subscription: RedisSubscription) {
        executor.execute { [self] io in run(io) { $0.subscribe([subscription], now: io.now) } }
    }

    func unsubscribe(_ subscription: RedisSubscription) {
        executor.execute { [self] io in run(io) { $0.unsubscribe([subscription], now: io.now) } }
    }

    /// Everything in flight completes with `.closed`, then the socket closes and the connection
    /// leaves its loop. Returns at once (the work runs on the loop).
    func stop() {
        executor.execute { [self] io in run(io) { $0.close() } }
        executor.shutdown()
    }

    // MARK: RedisTransportDelegate (the loop's thread)

    func transportDidConnect(_ transport: any RedisTransport) {
        run(transport) { $0.connected(now: transport.now) }
    }

    func transport(_ transport: any RedisTransport, connectFailed error: RedisLinkError) {
        run(transport) { $0.connectFailed(error, now: transport.now) }
    }

    func transport(_ transport: any RedisTransport, received bytes: UnsafeRawBufferPointer) {
        run(transport) { $0.bytesReceived(bytes, now: transport.now) }
    }

    func transport(_ transport: any RedisTransport, closed error: RedisLinkError) {
        run(transport) { $0.closed(error, now: transport.now) }
    }

    func transportTimerFired(_ transport: any RedisTransport) {
        run(transport) { $0.tick(now: transport.now) }
    }

    // MARK: actions

    private func run(_ transport: any RedisTransport, _ step: (inout Machine) -> [Machine.Action]) {
        let actions = machine.withLock { step(&$0) }
        for action in actions { perform(action, on: transport) }
    }

    private func perform(_ action: Machine.Action, on transport: any RedisTransport) {
        switch action {
        case .connect(let host, let port): transport.connect(host: host, port: port)
        case .write(let bytes): transport.write(bytes)
        case .close: transport.disconnect()
        case .scheduleTimer(let instant): transport.scheduleTimer(at: instant)
        case .complete(let completion, let value): completion(.success(value))
        case .fail(let completion, let error): completion(.failure(error))
        case .deliver(let message): handler?(message.channel, message.payload)
        case .stateChanged(let state):
            published.withLock { $0.state = state }
            options.onStateChange?(state)
        case .ready(let info):
            published.withLock { $0.serverInfo = info }
            options.onReady?(info)
        case .subscribed(let subscription):
            options.onSubscribed?(subscription)
        case .resubscribed(let subscriptions):
            options.onResubscribed?(subscriptions)
        }
    }
}
