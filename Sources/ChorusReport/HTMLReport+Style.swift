// MARK: - The inline style sheet

extension HTMLReport {
    // Colours follow the chart palette (Tableau 10), which reads on light and dark backgrounds alike.
    static let styleSheet = """
        :root { --bg: #f4f5f7; --card: #ffffff; --ink: #1d2330; --muted: #667085; --line: #e4e7ec; --grid: #eceef2;
          --good: #2e7d32; --good-bg: #e7f4e8; --bad: #c62828; --bad-bg: #fdecec; --warn: #b26a00; --accent: #4e79a7; }
        @media (prefers-color-scheme: dark) {
          :root { --bg: #111318; --card: #1a1d24; --ink: #e6e8ee; --muted: #9aa3b2; --line: #2c313c; --grid: #252a33;
            --good: #7bc67e; --good-bg: #173a1c; --bad: #ff7b7b; --bad-bg: #401818; --warn: #f0b35a; }
        }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--bg); color: var(--ink);
          font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        main { max-width: 1120px; margin: 0 auto; padding: 24px 20px 48px; }
        code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
        .top .brand { color: var(--accent); font-weight: 600; letter-spacing: .04em; text-transform: uppercase; font-size: 12px; }
        h1 { margin: 4px 0 12px; font-size: 28px; line-height: 1.2; word-break: break-word; }
        h2 { margin: 0 0 6px; font-size: 17px; }
        h3 { margin: 18px 0 4px; font-size: 12px; font-weight: 600; color: var(--muted); text-transform: uppercase;
          letter-spacing: .04em; }
        .note + h3 { margin-top: 0; }
        .meta { display: flex; flex-wrap: wrap; gap: 6px 22px; margin: 0 0 16px; }
        .meta div { display: flex; gap: 6px; align-items: baseline; }
        .meta dt { color: var(--muted); font-size: 12px; }
        .meta dd { margin: 0; }
        .badge { display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: 12px; font-weight: 600;
          background: var(--grid); }
        .badge.good, .status-completed { background: var(--good-bg); color: var(--good); }
        .badge.bad { background: var(--bad); color: #fff; }
        .status-failed { background: var(--bad-bg); color: var(--bad); }
        .status-aborted, .status-running { color: var(--warn); }
        .valid { margin: 0 0 16px; padding: 8px 14px; border-radius: 8px; background: var(--good-bg); color: var(--good); }
        .invalid { margin: 0 0 16px; padding: 16px 20px; border-radius: 10px; background: #c62828; color: #fff;
          box-shadow: 0 2px 10px rgba(198,40,40,.35); }
        .invalid strong { display: block; font-size: 22px; letter-spacing: .01em; }
        .invalid span { opacity: .92; }
        /* Four to a row: eight in one row leave a value like "12716.0 ms" wider than its tile. */
        .tiles { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 10px; margin-bottom: 16px; }
        @media (max-width: 560px) { .tiles { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
        .tile { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 10px 14px;
          border-top: 3px solid var(--accent); }
        .tile.good { border-top-color: var(--good); } .tile.bad { border-top-color: var(--bad); }
        .tile.warn { border-top-color: var(--warn); }
        .tile .label { color: var(--muted); font-size: 12px; }
        .tile .value { font-size: 24px; font-weight: 650; font-variant-numeric: tabular-nums; white-space: nowrap; }
        .tile.bad .value { color: var(--bad); }
        .tile .unit { font-size: 13px; font-weight: 500; color: var(--muted); margin-left: 4px; }
        .card { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 18px 20px;
          margin-bottom: 16px; overflow-x: auto; }
        .note { color: var(--muted); margin: 0 0 12px; font-size: 13px; }
        .empty { color: var(--muted); font-style: italic; margin: 8px 0; }
        table { border-collapse: collapse; width: 100%; font-size: 13.5px; }
        th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
        thead th { color: var(--muted); font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
        tbody th { font-weight: 500; }
        table.num td { text-align: right; font-variant-numeric: tabular-nums; }
        table.num thead th:not(:first-child) { text-align: right; }
        table.num thead th.l { text-align: left; }
        table.num thead th.c, table.gates td:last-child { text-align: center; }
        table.compact { font-size: 13px; }
        table.compact th, table.compact td { padding: 6px 7px; }
        table.compact thead th { white-space: normal; vertical-align: bottom; letter-spacing: 0; }
        table.cells tbody th { white-space: normal; }
        table.cells .sub { display: block; color: var(--muted); font-size: 12px; font-weight: 400; text-transform: none;
          letter-spacing: 0; white-space: nowrap; }
        td.hi, th.hi { background: rgba(78,121,167,.08); font-weight: 600; }
        tr.total th, tr.total td { font-weight: 600; border-bottom: none; }
        tr.fail th, tr.fail td { background: var(--bad-bg); }
        .stack { display: flex; height: 14px; border-radius: 7px; overflow: hidden; margin: 4px 0 12px; background: var(--grid); }
        .stack span { display: block; height: 100%; }
        .chip { display: inline-block; width: 10px; height: 10px; border-radius: 3px; margin-right: 8px; }
        .o-ok { background: #59a14f; } .o-no_response { background: #edc948; } .o-timeout { background: #f28e2b; }
        .o-connect_failed { background: #e15759; } .o-protocol_error { background: #b07aa1; }
        .o-rejected { background: #9c755f; } .o-dropped { background: #d37295; } .o-interrupted { background: #bab0ac; }
        svg.chart { display: block; width: 100%; height: auto; max-width: 980px; margin: 0 auto; }
        svg.chart text { fill: var(--ink); font-size: 12px; font-family: inherit; }
        svg.chart .tick, svg.chart .reflabel { fill: var(--muted); font-size: 11px; }
        svg.chart .axistitle { fill: var(--muted); font-size: 11.5px; }
        svg.chart .grid line { stroke: var(--grid); stroke-width: 1; }
        svg.chart .axis { stroke: var(--muted); stroke-width: 1; }
        svg.chart .ref { stroke: var(--muted); stroke-width: 1; stroke-dasharray: 2 4; opacity: .6; }
        svg.chart .series { fill: none; stroke-width: 2.2; stroke-linejoin: round; stroke-linecap: round; }
        svg.chart .series.dashed { stroke-dasharray: 7 5; }
        svg.chart .series.dotted { stroke-dasharray: 2 4; stroke-width: 2.5; }
        svg.chart path.series:hover { stroke-width: 3.5; }
        svg.chart .gate { stroke: #c62828; stroke-width: 1.5; stroke-dasharray: 6 4; }
        svg.chart .gatemark { fill: var(--card); stroke: #c62828; stroke-width: 2; }
        svg.chart .gatelabel { fill: #c62828; font-size: 11px; font-weight: 600; }
        svg.chart .band { stroke: none; opacity: .14; }
        svg.chart .band.bar { opacity: 1; }
        svg.chart .dot { stroke: var(--card); stroke-width: 1.5; }
        details { margin: 6px 0; } summary { cursor: pointer; color: var(--accent); }
        pre { background: var(--bg); border: 1px solid var(--line); border-radius: 8px; padding: 12px; overflow-y: auto;
          max-height: 420px; white-space: pre-wrap; overflow-wrap: anywhere; }
        footer { color: var(--muted); font-size: 12px; text-align: center; margin-top: 24px; }
        /* Paper: light colours, full width, no scroll areas (they would clip), nothing split across a page. */
        @media print {
          :root { --bg: #fff; --card: #fff; --ink: #000; --muted: #555; --line: #ccc; --grid: #e6e6e6;
            --good: #2e7d32; --good-bg: #e7f4e8; --bad: #c62828; --bad-bg: #fdecec; --warn: #b26a00; }
          * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
          body { font-size: 11px; }
          .note { font-size: 10.5px; }
          main { max-width: none; padding: 0; }
          .card { overflow: visible; padding: 10px 12px; margin-bottom: 10px; break-inside: avoid; }
          #scenario { break-inside: auto; }
          h2, h3 { break-after: avoid; }
          .tiles { gap: 6px; }
          .tile .value { font-size: 18px; }
          table, table.compact { font-size: 10.5px; }
          thead th { font-size: 9px; letter-spacing: 0; }
          table.cells .sub { font-size: 9.5px; }
          th, td, table.compact th, table.compact td { padding: 3px 5px; }
          svg.chart { max-width: 100%; }
          summary { color: var(--ink); }
          /* Paper cannot be clicked: the scenario and configuration print expanded (where the browser allows it). */
          details::details-content { content-visibility: visible; display: block; }
          pre { overflow: visible; max-height: none; }
        }

        """
}
