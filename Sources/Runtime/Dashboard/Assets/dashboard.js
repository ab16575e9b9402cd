"use strict";
(function () {
  const body = document.body;
  const url = body.getAttribute("data-metrics-url");
  const HISTORY = 90, PERIOD_MS = 2000, SVG = "http://www.w3.org/2000/svg";
  const history = { rps: [], p99: [], p50: [], err: [], ws: [], cpu: [], mem: [] };
  let updates = 0;

  function field(doc, path) {
    return path.split(".").reduce((v, k) => (v == null ? undefined : v[k]), doc);
  }
  function show(value, path) {
    if (value === null || value === undefined) return "–";
    if (typeof value === "boolean") return value ? "yes" : "no";
    if (path === "process.rss_bytes" || path === "process.memory_limit_bytes") return (value / 1048576).toFixed(1);
    if (path === "uptime_seconds") return duration(value);
    if (path === "cost_estimate.monthly_usd") return value.toFixed(2);
    return String(value);
  }
  function duration(s) {
    s = Math.floor(s);
    const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
    return (d ? d + "d " : "") + (d || h ? h + "h " : "") + m + "m " + (s % 60) + "s";
  }
  function push(list, value) {
    list.push(typeof value === "number" ? value : 0);
    if (list.length > HISTORY) list.shift();
  }
  function spark(id, series) {
    const svg = document.getElementById(id);
    if (!svg) return;
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    let max = 0;
    series.forEach(s => s.forEach(v => { if (v > max) max = v; }));
    if (max <= 0) max = 1;
    const base = document.createElementNS(SVG, "line");
    base.setAttribute("class", "base");
    base.setAttribute("x1", "0"); base.setAttribute("x2", "300");
    base.setAttribute("y1", "58"); base.setAttribute("y2", "58");
    svg.appendChild(base);
    series.forEach((s, index) => {
      const line = document.createElementNS(SVG, "polyline");
      const step = 300 / (HISTORY - 1), start = HISTORY - s.length;
      line.setAttribute("points", s.map((v, i) =>
        ((start + i) * step).toFixed(1) + "," + (58 - v / max * 56).toFixed(1)).join(" "));
      if (index > 0) line.setAttribute("class", "second");
      svg.appendChild(line);
    });
    const label = document.createElementNS(SVG, "title");
    label.textContent = "max " + max.toFixed(2);
    svg.appendChild(label);
  }
  function cell(row, text, cls) {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    row.appendChild(td);
    return td;
  }
  function rows(id, items, fill) {
    const tbody = document.querySelector("#" + id + " tbody");
    while (tbody.firstChild) tbody.removeChild(tbody.firstChild);
    items.forEach(item => { const tr = document.createElement("tr"); fill(tr, item); tbody.appendChild(tr); });
  }
  function ms(v) { return v === null || v === undefined ? "–" : String(v); }

  function render(doc) {
    document.querySelectorAll("[data-metric]").forEach(el => {
      const path = el.getAttribute("data-metric");
      el.textContent = show(field(doc, path), path);
    });
    push(history.rps, doc.requests.per_second);
    push(history.p99, doc.latency_ms.p99);
    push(history.p50, doc.latency_ms.p50);
    push(history.err, doc.requests.server_error_percent);
    push(history.ws, doc.websockets.active);
    push(history.cpu, doc.process.cpu_percent_of_limit);
    push(history.mem, doc.process.memory_percent_of_limit);
    spark("chart-rps", [history.rps]);
    spark("chart-latency", [history.p99, history.p50]);
    spark("chart-errors", [history.err]);
    spark("chart-ws", [history.ws]);
    spark("chart-cpu", [history.cpu]);
    spark("chart-mem", [history.mem]);
    rows("triggers", doc.triggers, (tr, t) => {
      tr.setAttribute("data-trigger", t.name);
      tr.setAttribute("data-crossed", String(t.crossed));
      if (t.crossed) tr.className = "crossed";
      cell(tr, t.label);
      cell(tr, t.value === null ? "–" : t.value + " " + t.unit).setAttribute("data-field", "value");
      cell(tr, t.threshold === null ? "not set" : "> " + t.threshold + " " + t.unit).setAttribute("data-field", "threshold");
      cell(tr, t.crossed ? "CROSSED" : "ok", t.crossed ? "bad" : "ok").setAttribute("data-field", "crossed");
      cell(tr, t.note);
    });
    rows("countries", doc.countries, (tr, c) => {
      tr.setAttribute("data-country", c.country);
      cell(tr, c.country); cell(tr, String(c.requests));
      [["server", c.latency_ms], ["rtt", c.rtt_ms], ["felt", c.felt_ms]].forEach(([kind, q]) => {
        ["p50", "p95", "p99"].forEach(p => cell(tr, ms(q ? q[p] : null)).setAttribute("data-field", kind + "-" + p));
      });
    });
    const items = document.getElementById("cost-items");
    while (items.firstChild) items.removeChild(items.firstChild);
    (doc.cost_estimate.items || []).forEach(item => {
      const li = document.createElement("li");
      li.setAttribute("data-item", item.id);
      li.textContent = item.label + ": $" + item.usd.toFixed(2);
      items.appendChild(li);
    });
    rows("instances", (doc.instances && doc.instances.rows) || [], (tr, i) => {
      tr.setAttribute("data-instance", i.instance);
      cell(tr, i.instance + (i.draining ? " (draining)" : ""));
      cell(tr, String(i.requests)).setAttribute("data-field", "requests");
      cell(tr, String(i.per_second)); cell(tr, String(i.server_errors)); cell(tr, ms(i.p99_ms));
      cell(tr, String(i.websockets)); cell(tr, String(i.connections)); cell(tr, ms(i.cpu_cores_used));
      cell(tr, i.rss_bytes === null ? "–" : (i.rss_bytes / 1048576).toFixed(1)); cell(tr, String(i.age_seconds));
    });
    rows("upstreams", doc.upstreams || [], (tr, u) => {
      tr.setAttribute("data-upstream", u.upstream);
      cell(tr, u.upstream);
      ["2xx", "4xx", "5xx"].forEach(c => cell(tr, String(u.responses[c])).setAttribute("data-field", c));
      cell(tr, ms(u.first_byte_ms.p50)); cell(tr, ms(u.first_byte_ms.p99));
      [u.bad_gateway, u.timeouts, u.retries, u.holds, u.idle_connections, u.open_tunnels].forEach(v => cell(tr, String(v)));
    });
    rows("routes", doc.routes, (tr, r) => {
      tr.setAttribute("data-route", r.route);
      cell(tr, r.route); cell(tr, String(r.requests)); cell(tr, String(r.server_errors));
      cell(tr, String(r.client_errors));
      cell(tr, ms(r.latency_ms.p50)); cell(tr, ms(r.latency_ms.p95)); cell(tr, ms(r.latency_ms.p99));
    });
    document.getElementById("assumptions").textContent = doc.cost_estimate.assumptions;
    updates += 1;
    body.setAttribute("data-updates", String(updates));
    body.setAttribute("data-state", "ready");
    document.getElementById("status").textContent =
      "updated " + new Date(doc.generated_at_unix_ms).toLocaleTimeString() + (doc.draining ? " · DRAINING" : "");
  }

  function status(state, text) {
    body.setAttribute("data-state", state);
    document.getElementById("status").textContent = text;
  }

  // One poll at a time, each with a timeout: a slow server never piles requests up.
  let inFlight = false;
  async function poll() {
    if (inFlight) return;
    inFlight = true;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), PERIOD_MS * 2);
    try {
      const response = await fetch(url, { credentials: "same-origin", cache: "no-store", signal: controller.signal });
      if (response.status === 401) { status("unauthorized", "session expired: log in again at /"); return; }
      if (!response.ok) { status("error", "metrics answered " + response.status + "; retrying"); return; }
      render(await response.json());
    } catch (error) {
      status("error", "cannot reach the server; retrying");
    } finally {
      clearTimeout(timer);
      inFlight = false;
    }
  }

  poll();
  setInterval(poll, PERIOD_MS);
})();
