import PilotoConfig

/// The dashboard's HTML, embedded in the binary: no CDN, no build step, nothing to deploy beside
/// the server. No inline script or style (the example's CSP is `default-src 'self'`): the page
/// loads `<p>/dashboard.js` and `<p>/dashboard.css`, and finds the metrics URL in a data attribute.
///
/// Every figure has a stable `id` and a `data-metric` naming its JSON field, so a browser test can
/// assert them; the body's `data-state` goes `loading` → `ready` (or `error`/`unauthorized`), and
/// `data-updates` counts successful polls.
package enum DashboardPage {
    /// The page for a dashboard mounted at `prefix`.
    package static func html(prefix: String) -> String {
        String(decoding: bytes(prefix: prefix), as: UTF8.self)
    }

    /// The page's UTF-8 bytes, as the responder sends them.
    ///
    /// A byte scan for the marker rather than `String.split(separator:)` + `joined`: the generic
    /// collection split showed up in every cold start's profile (the responder is built at boot),
    /// and Foundation's `replacingOccurrences` was slower still.
    package static func bytes(prefix: String) -> [UInt8] {
        let base = Array(escape(prefix == "/" ? "" : prefix).utf8)
        let marker = Array("{{BASE}}".utf8)
        let text = Array(template.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.count + 8 * base.count)
        var index = 0
        while index < text.count {
            if text[index] == marker[0], index + marker.count <= text.count,
                text[index..<index + marker.count].elementsEqual(marker)
            {
                out += base
                index += marker.count
            } else {
                out.append(text[index])
                index += 1
            }
        }
        return out
    }

    /// Shown with 401 to a browser without a live session.
    package static let loginRequired = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Login required</title></head>
        <body><h1>Login required</h1><p>The dashboard is for logged-in users.
        <a id="login-link" href="/">Log in</a>, then come back.</p></body></html>

        """

    /// HTML-escapes text for an attribute value (the prefix comes from the config, not a client,
    /// but the config is text too).
    static func escape(_ text: String) -> String { CharacterEscaping.replacing(text, htmlEscapes) }

    private static let htmlEscapes: [Character: String] = ["&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"]

    private static let template = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>piloto · dashboard</title>
        <link rel="stylesheet" href="{{BASE}}/dashboard.css">
        <script src="{{BASE}}/dashboard.js" defer></script>
        </head>
        <body id="dashboard" data-metrics-url="{{BASE}}/metrics" data-state="loading" data-updates="0">
        <header>
          <h1>piloto <span class="muted">dashboard</span></h1>
          <span id="service" data-metric="service"></span>
          <span id="status" class="status">loading…</span>
          <a href="/" class="back">← app</a>
        </header>
        <main>
          <section class="cards">
            <article class="card"><h2>Requests / s</h2><p class="big" id="rps" data-metric="requests.per_second">–</p>
              <p class="sub">window <span id="rps-window" data-metric="requests.window_seconds">–</span> s ·
              total <span id="total" data-metric="requests.total">–</span></p>
              <svg class="spark" id="chart-rps" viewBox="0 0 300 60" preserveAspectRatio="none"></svg></article>
            <article class="card"><h2>Latency (ms)</h2>
              <p class="big"><span id="lat-p99" data-metric="latency_ms.p99">–</span> <small>p99</small></p>
              <p class="sub">p50 <span id="lat-p50" data-metric="latency_ms.p50">–</span> ·
              p95 <span id="lat-p95" data-metric="latency_ms.p95">–</span> ·
              <span class="key p99">p99</span> <span class="key p50">p50</span></p>
              <svg class="spark" id="chart-latency" viewBox="0 0 300 60" preserveAspectRatio="none"></svg></article>
            <article class="card"><h2>Errors</h2>
              <p class="big"><span id="err-5xx" data-metric="requests.server_error_percent">–</span> <small>% 5xx</small></p>
              <p class="sub"><span id="err-4xx" data-metric="requests.client_error_percent">–</span> % 4xx ·
              <span id="err-5xx-count" data-metric="requests.server_errors">–</span> /
              <span id="err-4xx-count" data-metric="requests.client_errors">–</span></p>
              <svg class="spark" id="chart-errors" viewBox="0 0 300 60" preserveAspectRatio="none"></svg></article>
            <article class="card"><h2>WebSockets</h2>
              <p class="big" id="ws-active" data-metric="websockets.active">–</p>
              <p class="sub">mean session <span id="ws-mean" data-metric="websockets.mean_duration_seconds">–</span> s ·
              users ≈ <span id="users" data-metric="connections.concurrent_users">–</span></p>
              <svg class="spark" id="chart-ws" viewBox="0 0 300 60" preserveAspectRatio="none"></svg></article>
            <article class="card"><h2>CPU (% of limit)</h2>
              <p class="big" id="cpu" data-metric="process.cpu_percent_of_limit">–</p>
              <p class="sub">limit <span id="cpu-limit" data-metric="process.cpu_limit_cores">–</span> vCPU</p>
              <svg class="spark" id="chart-cpu" viewBox="0 0 300 60" preserveAspectRatio="none"></svg></article>
            <article class="card"><h2>Memory (% of limit)</h2>
              <p class="big" id="mem" data-metric="process.memory_percent_of_limit">–</p>
              <p class="sub">RSS <span id="rss" data-metric="process.rss_bytes">–</span> MiB of
              <span id="mem-limit" data-metric="process.memory_limit_bytes">–</span> MiB</p>
              <svg class="spark" id="chart-mem" viewBox="0 0 300 60" preserveAspectRatio="none"></svg></article>
            <article class="card"><h2>Instance</h2>
              <p class="big" id="uptime" data-metric="uptime_seconds">–</p>
              <p class="sub"><span id="instance-count" data-metric="instances.count">–</span> instance(s),
              <span id="instance-source" data-metric="instances.source">–</span> ·
              draining <span id="draining" data-metric="draining">–</span> ·
              region <span id="region" data-metric="region">–</span></p></article>
            <article class="card"><h2>US clients p99 (ms)</h2>
              <p class="big"><span id="us-felt-p99" data-metric="latency_us_ms.felt_p99">–</span> <small>felt p99, US</small></p>
              <p class="sub"><span id="us-server-p99" data-metric="latency_us_ms.server_p99">–</span> server p99, US ·
              RTT <span id="us-rtt-p99" data-metric="latency_us_ms.rtt_p99">–</span></p></article>
            <article class="card"><h2>Monthly cost <small>(estimate)</small></h2>
              <p class="big">$<span id="cost" data-metric="cost_estimate.monthly_usd">–</span></p>
              <p class="sub" id="cost-note">peak instances <span id="cost-instances" data-metric="cost_estimate.instances">–</span> ·
              this instance's usage over <span id="cost-measured" data-metric="cost_estimate.measured_seconds">–</span> s,
              extrapolated to a month: an estimate, not a bill</p>
              <ul class="items" id="cost-items"></ul></article>
          </section>
          <section>
            <h2>Re-evaluation triggers</h2>
            <table id="triggers"><thead><tr><th>Trigger</th><th>Now</th><th>Threshold</th><th>State</th><th>Source</th></tr></thead>
            <tbody></tbody></table>
          </section>
          <section>
            <h2>By country <small class="muted">server time, client round trip (RTT) and their sum as felt, ms</small></h2>
            <table id="countries"><thead><tr><th>Country</th><th>Requests</th><th>server p50</th><th>p95</th><th>p99</th>
            <th>RTT p50</th><th>p95</th><th>p99</th><th>felt p50</th><th>p95</th><th>p99</th></tr></thead>
            <tbody></tbody></table>
          </section>
          <section>
            <h2>Instances <small class="muted">every live instance (one with sessions.store: memory); figures above are their sum</small></h2>
            <table id="instances"><thead><tr><th>Instance</th><th>Requests</th><th>req/s</th><th>5xx</th><th>p99 (ms)</th>
            <th>WebSockets</th><th>connections</th><th>CPU cores</th><th>RSS (MiB)</th><th>age (s)</th></tr></thead>
            <tbody></tbody></table>
          </section>
          <section>
            <h2>Backends <small class="muted">proxied upstreams: responses, first byte (ms), failures, pool</small></h2>
            <table id="upstreams"><thead><tr><th>Upstream</th><th>2xx</th><th>4xx</th><th>5xx</th><th>first byte p50</th>
            <th>p99</th><th>502</th><th>504</th><th>retries</th><th>holds</th><th>idle</th><th>tunnels</th></tr></thead>
            <tbody></tbody></table>
          </section>
          <section>
            <h2>By route</h2>
            <table id="routes"><thead><tr><th>Route</th><th>Requests</th><th>5xx</th><th>4xx</th><th>p50</th><th>p95</th><th>p99</th></tr></thead>
            <tbody></tbody></table>
          </section>
          <p class="muted" id="assumptions"></p>
        </main>
        </body>
        </html>

        """
}
