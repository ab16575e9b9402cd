import PilotoConfig

/// The wire form of `InstanceSnapshot` in Redis: the package's one JSON value type and parser, so
/// there is no second decoder (Foundation's `JSONDecoder`) in the binary.
///
/// Field names are the Swift property names, so instances of the previous release (which wrote
/// the same names through `Codable`) still merge during a rolling deploy. A snapshot that does not
/// read back (another build's shape, a truncated value) is skipped, never half-merged.
extension InstanceSnapshot {
    /// Compact JSON bytes, as stored under `dashboard:instance:<id>`.
    package var jsonBytes: [UInt8] { Array(json.compact.utf8) }

    /// Nil when `bytes` are not a snapshot this build can read.
    package init?(jsonBytes bytes: [UInt8]) {
        guard let value = try? JSONParser.parse(bytes), let snapshot = try? InstanceSnapshot(json: JSONReader(value)) else {
            return nil
        }
        self = snapshot
    }

    var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("instance", .string(instance)),
            ("atUnixMilliseconds", .int(atUnixMilliseconds)),
            ("uptimeNanos", .int(uptimeNanos)),
            ("draining", .bool(draining)),
            ("routes", .array(routes.map(\.json))),
            ("countries", .array(countries.map(\.json))),
            ("clientRTT", .array(clientRTT.map(\.json))),
            ("felt", .array(felt.map(\.json))),
            ("responseBytes", .int(responseBytes)),
            ("activeConnections", .int(activeConnections)),
            ("acceptedConnections", .int(acceptedConnections)),
            ("backpressurePauses", .int(backpressurePauses)),
            ("webSockets", webSockets.json),
            ("requestsPerSecond", .double(requestsPerSecond)),
            ("rateWindowNanos", .int(rateWindowNanos)),
        ]
        if let cpuCores { members.append(("cpuCores", .double(cpuCores))) }
        if let residentBytes { members.append(("residentBytes", .int(residentBytes))) }
        return .object(members)
    }

    init(json r: JSONReader) throws(JSONReader.Mismatch) {
        instance = try r["instance"].string()
        atUnixMilliseconds = try r["atUnixMilliseconds"].int64()
        uptimeNanos = try r["uptimeNanos"].int64()
        draining = try r["draining"].bool()
        routes = try r["routes"].array { (item) throws(JSONReader.Mismatch) in try Route(json: item) }
        countries = try r["countries"].array { (item) throws(JSONReader.Mismatch) in try Labeled(json: item) }
        clientRTT = try r["clientRTT"].array { (item) throws(JSONReader.Mismatch) in try Labeled(json: item) }
        felt = try r["felt"].array { (item) throws(JSONReader.Mismatch) in try Labeled(json: item) }
        responseBytes = try r["responseBytes"].int64()
        activeConnections = try r["activeConnections"].int()
        acceptedConnections = try r["acceptedConnections"].int()
        backpressurePauses = try r["backpressurePauses"].int()
        webSockets = try WebSockets(json: r["webSockets"])
        requestsPerSecond = try r["requestsPerSecond"].double()
        rateWindowNanos = try r["rateWindowNanos"].int64()
        cpuCores = try r.optional("cpuCores")?.double()
        residentBytes = try r.optional("residentBytes")?.int64()
    }
}

extension InstanceSnapshot.Histogram {
    var json: JSONValue { .object([("counts", .array(counts.map { .int($0) })), ("sumNanos", .int(sumNanos))]) }

    init(json r: JSONReader) throws(JSONReader.Mismatch) {
        counts = try r["counts"].array { (item) throws(JSONReader.Mismatch) in try item.int64() }
        sumNanos = try r["sumNanos"].int64()
    }
}

extension InstanceSnapshot.Route {
    var json: JSONValue {
        .object([
            ("label", .string(label)), ("requests", .int(requests)), ("serverErrors", .int(serverErrors)),
            ("clientErrors", .int(clientErrors)), ("latency", latency.json),
        ])
    }

    init(json r: JSONReader) throws(JSONReader.Mismatch) {
        label = try r["label"].string()
        requests = try r["requests"].int64()
        serverErrors = try r["serverErrors"].int64()
        clientErrors = try r["clientErrors"].int64()
        latency = try InstanceSnapshot.Histogram(json: r["latency"])
    }
}

extension InstanceSnapshot.Labeled {
    var json: JSONValue { .object([("label", .string(label)), ("latency", latency.json)]) }

    init(json r: JSONReader) throws(JSONReader.Mismatch) {
        label = try r["label"].string()
        latency = try InstanceSnapshot.Histogram(json: r["latency"])
    }
}

extension InstanceSnapshot.WebSockets {
    var json: JSONValue {
        .object([
            ("active", .int(active)), ("finished", .int(finished)),
            ("meanDurationMilliseconds", .double(meanDurationMilliseconds)), ("peak", .int(peak)),
            ("occupiedMilliseconds", .int(occupiedMilliseconds)),
        ])
    }

    init(json r: JSONReader) throws(JSONReader.Mismatch) {
        active = try r["active"].int()
        finished = try r["finished"].int()
        meanDurationMilliseconds = try r["meanDurationMilliseconds"].double()
        peak = try r["peak"].int()
        occupiedMilliseconds = try r["occupiedMilliseconds"].int64()
    }
}
