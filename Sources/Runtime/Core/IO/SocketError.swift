/// Errors from the socket layer; the connection driver turns them into a close and a log line.
package enum SocketError: Error, Equatable, Sendable {
    /// The call would block (EAGAIN/EWOULDBLOCK): wait for readiness.
    case wouldBlock
    /// The peer closed or reset the connection.
    case peerClosed
    /// Any other failure: the operation's name and errno.
    case failed(operation: String, errno: Int32)
}
