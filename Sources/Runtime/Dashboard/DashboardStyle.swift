/// The dashboard's stylesheet, served as `<p>/dashboard.css` (CSP: no inline styles).
package enum DashboardStyle {
    package static let bytes = Array(text.utf8)

    static let text = """
        :root { --bg: #0f172a; --card: #1e293b; --fg: #e2e8f0; --muted: #94a3b8; --ok: #22c55e; --bad: #ef4444;
          --line: #38bdf8; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--bg); color: var(--fg); }
        header { display: flex; gap: 1rem; align-items: baseline; padding: 1rem 1.5rem; border-bottom: 1px solid #334155; }
        header h1 { margin: 0; font-size: 1.3rem; }
        header .back { margin-left: auto; color: var(--line); }
        main { padding: 1rem 1.5rem; }
        .muted { color: var(--muted); font-weight: normal; }
        .status { font-size: .85rem; color: var(--muted); }
        body[data-state="error"] .status, body[data-state="unauthorized"] .status { color: var(--bad); }
        .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 1rem; }
        .card { background: var(--card); border-radius: 10px; padding: .8rem 1rem; }
        .card h2 { margin: 0; font-size: .85rem; color: var(--muted); font-weight: 600; }
        .big { font-size: 2rem; margin: .3rem 0; font-variant-numeric: tabular-nums; }
        .big small { font-size: .9rem; color: var(--muted); }
        .sub { margin: 0; color: var(--muted); font-size: .8rem; }
        .spark { width: 100%; height: 60px; margin-top: .4rem; }
        .spark polyline { fill: none; stroke: var(--line); stroke-width: 2; vector-effect: non-scaling-stroke; }
        .spark polyline.second { stroke: #f59e0b; }
        .spark line.base { stroke: #334155; stroke-width: 1; vector-effect: non-scaling-stroke; }
        .key::before { content: ""; display: inline-block; width: .8em; height: 2px; margin-right: .2em;
          vertical-align: middle; background: var(--line); }
        .key.p50::before { background: #f59e0b; }
        table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
        th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #334155; font-size: .9rem; }
        th { color: var(--muted); font-weight: 600; }
        tr.crossed td { color: var(--bad); }
        td.ok { color: var(--ok); }
        td.bad { color: var(--bad); font-weight: 700; }
        section { margin-top: 1.5rem; }
        section h2 { font-size: 1rem; }
        .split { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 1.5rem; }

        """
}
