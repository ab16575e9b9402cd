/// Why bytes from a Redis server are not valid RESP2, or exceed the limits we accept.
///
/// Any of these poisons the connection: after a framing error nothing that follows can be trusted,
/// so the client closes the socket and reconnects rather than guess.
package enum RESPError: Error, Sendable, Equatable {
    /// The first byte of a value is not one of `+ - : $ *`.
    case invalidTypeByte(UInt8)
    /// A line is not terminated by CRLF where the protocol requires it.
    case missingCRLF
    /// An integer or length field is not a valid decimal number (or overflows Int64).
    case invalidInteger
    /// A negative length other than -1.
    case invalidLength(Int64)
    /// A bulk string longer than `RESPLimits.maxBulkLength`.
    case bulkTooLarge(Int64)
    /// An array with more elements than `RESPLimits.maxArrayCount`.
    case arrayTooLarge(Int64)
    /// Arrays nested deeper than `RESPLimits.maxDepth`.
    case nestingTooDeep
    /// A simple string, error or integer line longer than `RESPLimits.maxLineLength`.
    case lineTooLong
}

/// Bounds on what one reply may claim, so a hostile or broken server cannot make us allocate
/// without limit or recurse off the stack.
package struct RESPLimits: Sendable, Equatable {
    /// Redis's own `proto-max-bulk-len` default is 512 MB; sessions and channel payloads are tiny.
    package var maxBulkLength: Int = 64 * 1024 * 1024
    package var maxArrayCount: Int = 1 << 20
    package var maxDepth: Int = 16
    package var maxLineLength: Int = 64 * 1024

    package init(maxBulkLength: Int = 64 * 1024 * 1024, maxArrayCount: Int = 1 << 20, maxDepth: Int = 16, maxLineLength: Int = 64 * 1024) {
        self.maxBulkLength = maxBulkLength
        self.maxArrayCount = maxArrayCount
        self.maxDepth = maxDepth
        self.maxLineLength = maxLineLength
    }
}
