/// The trace id of a request, for correlating log lines in Cloud Trace.
package enum TraceContext {
    /// `projects/<project>/traces/<id>` from `traceparent` (W3C Trace Context §3.2) or, failing that,
    /// `X-Cloud-Trace-Context: TRACE_ID/SPAN_ID;o=1`. Nil without a project or a valid id.
    package static func traceField(headers: HTTPHeaders, project: String?) -> String? {
        guard let project, !project.isEmpty else { return nil }
        guard let id = traceID(headers: headers) else { return nil }
        return "projects/\(project)/traces/\(id)"
    }

    package static func traceID(headers: HTTPHeaders) -> String? {
        if let parent = headers["traceparent"] {
            // version "-" trace-id(32 hex) "-" parent-id(16 hex) "-" flags(2 hex)
            let parts = parent.split(separator: "-", omittingEmptySubsequences: false)
            if parts.count >= 4, parts[1].utf8.count == 32, isHex(parts[1]), parts[1] != String(repeating: "0", count: 32) {
                return String(parts[1]).lowercased()
            }
        }
        if let cloud = headers["X-Cloud-Trace-Context"] {
            let id = cloud.split(separator: "/", maxSplits: 1).first ?? ""
            if id.utf8.count == 32, isHex(id) { return String(id).lowercased() }
        }
        return nil
    }

    private static func isHex(_ text: Substring) -> Bool {
        text.utf8.allSatisfy { HTTPChars.hexValue($0) != nil }
    }
}
