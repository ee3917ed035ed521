// Checks a Chorus HTML report inside a browser. Tests/ChorusCLITests/ReportBrowserTests.swift puts this script first
// in the <head> of a copy of the report and loads it in headless Chromium with --dump-dom. Once the page has loaded,
// the verdict is written, as base64 of a JSON object, to <html data-check="...">:
//   width, height  the viewport width and the page height in CSS pixels (height before <details> are opened)
//   errors         console errors, uncaught exceptions and failed loads, from the first script on
//   overflows      elements wider than their box: a scroll area with hidden columns, anything past its card's edge,
//                  chart text or marks outside the chart
//   charts         how many charts have plotted data
//   emptyCharts    charts with nothing plotted, or the message shown instead of a chart
// With #print in the URL the page's @media print rules apply to the screen, so the same checks judge the printed page
// when the window is as wide as a sheet of paper.
(() => {
  "use strict";
  const errors = [];
  const consoleError = console.error;
  console.error = (...args) => {
    errors.push("console.error: " + args.map(String).join(" "));
    consoleError.apply(console, args);
  };
  addEventListener("error", (e) => {
    if (e.target && e.target !== window) {
      errors.push("failed to load " + (e.target.src || e.target.href || e.target.tagName));
    } else {
      errors.push(`uncaught: ${e.message} (${e.filename}:${e.lineno})`);
    }
  }, true);
  addEventListener("unhandledrejection", (e) => errors.push("unhandled rejection: " + e.reason));

  // A short, readable path to an element, e.g. "section#cells > table.num.compact.cells".
  const describe = (el) => {
    const parts = [];
    for (let n = el; n && n.nodeType === 1 && parts.length < 4; n = n.parentElement) {
      let part = n.tagName.toLowerCase();
      if (n.id) part += "#" + n.id;
      const cls = n.getAttribute("class");
      if (cls) part += "." + cls.trim().split(/\s+/).join(".");
      parts.unshift(part);
      if (n.id) break;
    }
    return parts.join(" > ");
  };
  const px = (v) => Math.round(v * 10) / 10;

  const usePrintRules = () => {
    for (const sheet of document.styleSheets) {
      for (const rule of sheet.cssRules) {
        if (rule instanceof CSSMediaRule && /\bprint\b/.test(rule.media.mediaText)) rule.media.mediaText = "all";
      }
    }
  };

  const overflows = () => {
    const found = [], past = [];
    const page = document.documentElement;
    if (page.scrollWidth > page.clientWidth + 1) {
      found.push(`page: ${page.scrollWidth} px wide in a ${page.clientWidth} px window`);
    }
    for (const el of document.querySelectorAll("body *")) {
      if (el instanceof SVGElement && !(el instanceof SVGSVGElement)) continue;
      // Any box that scrolls or clips sideways hides something.
      if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) {
        found.push(`${describe(el)}: content ${el.scrollWidth} px wide in ${el.clientWidth} px`);
        continue;
      }
      const card = el.parentElement && el.parentElement.closest(".card, .tile");
      if (!card || past.some((p) => p.contains(el))) continue;
      const r = el.getBoundingClientRect(), c = card.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      const left = c.left + card.clientLeft, right = left + card.clientWidth;
      if (r.left < left - 1 || r.right > right + 1) {
        // Its rows and cells are past the edge too; the columns that are cut off say more.
        past.push(el);
        const cut = [...el.querySelectorAll("thead th")].filter((th) => th.getBoundingClientRect().right > right + 1);
        const columns = cut.length ? `; cut off: ${cut.map((th) => th.textContent).join(", ")}` : "";
        found.push(`${describe(el)}: spans ${px(r.left)}–${px(r.right)} px, its card ${px(left)}–${px(right)} px` +
          columns);
      }
    }
    for (const svg of document.querySelectorAll("svg")) {
      const s = svg.getBoundingClientRect();
      for (const el of svg.querySelectorAll("text, circle, rect, line, path")) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;
        if (r.left < s.left - 1 || r.right > s.right + 1 || r.top < s.top - 1 || r.bottom > s.bottom + 1) {
          const what = el.tagName === "text" ? `text "${el.textContent}"` : describe(el);
          found.push(`${describe(svg.closest("section") || svg)}: ${what} lies outside the chart`);
        }
      }
    }
    // The first few name the problem; hundreds more (every cell of a clipped table) would bury it.
    return found.length > 20 ? [...found.slice(0, 20), `…and ${found.length - 20} more`] : found;
  };

  const charts = () => {
    let plotted = 0;
    const empty = [];
    for (const p of document.querySelectorAll(".no-chart")) {
      empty.push(`${describe(p.closest("section") || p)}: "${p.textContent}"`);
    }
    for (const svg of document.querySelectorAll("svg.chart")) {
      const marks = [...svg.querySelectorAll("path.series, path.band, circle.dot")].filter((m) => {
        if (/NaN|Infinity/.test(m.getAttribute("d") || "")) return false;
        const b = m.getBBox();
        return b.width > 0 || b.height > 0;
      });
      const box = svg.getBoundingClientRect();
      if (marks.length === 0 || box.width < 100 || box.height < 50) {
        empty.push(`${describe(svg.closest("section") || svg)}: ${marks.length} plotted marks, ` +
          `${px(box.width)}×${px(box.height)} px`);
      } else {
        plotted += 1;
      }
    }
    return { plotted, empty };
  };

  addEventListener("load", () => {
    const verdict = { width: innerWidth, height: 0, errors, overflows: [], charts: 0, emptyCharts: [] };
    try {
      if (location.hash === "#print") usePrintRules();
      verdict.height = document.documentElement.scrollHeight;
      for (const d of document.querySelectorAll("details")) d.open = true;
      verdict.overflows = overflows();
      const c = charts();
      verdict.charts = c.plotted;
      verdict.emptyCharts = c.empty;
    } catch (e) {
      errors.push("the check itself failed: " + e);
    }
    let binary = "";
    for (const byte of new TextEncoder().encode(JSON.stringify(verdict))) binary += String.fromCharCode(byte);
    document.documentElement.setAttribute("data-check", btoa(binary));
  });
})();
