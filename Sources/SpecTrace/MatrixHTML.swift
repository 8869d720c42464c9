/// `Conformance/report.html`: one self-contained page (no network, no external files) to read
/// the matrix: totals, filters by RFC, level, state and text, and every requirement with its
/// sentence, the code lines and tests that cite it, and the test results.
public enum MatrixHTML {
    /// The HTML text. `sourceLinkBase` prefixes file links (relative to `Conformance/` by default).
    public static func render(_ matrix: Matrix, sourceLinkBase: String = "../") -> String {
        // Compact rows keep the page small: [id, rfc, section, sectionTitle, level, state, text,
        // reason, [[file, line]…], [[test, file, line, result]…]].
        var rows: [JSONText] = []
        for entry in matrix.allEntries {
            let r = entry.requirement
            rows.append(.array([
                .string(r.id), .int(r.rfcNumber), .string(r.section), .string(r.sectionTitle),
                .string(r.level.rawValue), .string(entry.state.rawValue), .string(r.text),
                .string(entry.reason ?? ""),
                .array(entry.code.map { .array([.string($0.file), .int($0.line)]) }),
                .array(entry.tests.map { .array([.string($0.citation.testID), .string($0.citation.file),
                                                 .int($0.citation.line), .string($0.outcome.rawValue)]) }),
            ]))
        }
        let rfcs = JSONText.array(matrix.rfcs.map {
            .array([.int($0.rfc), .string($0.title), .string($0.module), .string($0.role)])
        })
        let excluded = JSONText.array(
            matrix.outOfScope.map { .array([.int($0.rfc), .string("out of scope"), .string($0.reason)]) }
            + matrix.noText.map { .array([.int($0.rfc), .string("no text available"), .string($0.reason)]) })
        let data = "const ROWS = \(JSONText.array(rows).rendered(inlineDepth: 1));\nconst RFCS = \(rfcs.rendered(inlineDepth: 1));\nconst EXCLUDED = \(excluded.rendered(inlineDepth: 1));\nconst SRC = \(JSONText.string(sourceLinkBase).rendered());"
        return template.replacingAll("/*DATA*/", with: data)
    }

    private static let template = #"""
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>SpecRTC conformance report</title>
<style>
:root { --bg:#fbfbfa; --fg:#1d1d1f; --muted:#6b6b70; --line:#e3e3e0; --card:#fff;
  --verified:#1f8a4c; --implemented:#b7791f; --tested:#2f6fb0; --na:#8a8a8f; --open:#c0392b; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", sans-serif; background:var(--bg); color:var(--fg); }
header { padding:28px 40px 12px; border-bottom:1px solid var(--line); background:var(--card); }
h1 { margin:0 0 4px; font-size:26px; letter-spacing:-0.02em; }
header p { margin:0; color:var(--muted); max-width:70em; }
main { padding:20px 40px 60px; }
.totals { display:flex; gap:12px; flex-wrap:wrap; margin:16px 0 8px; }
.tile { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:10px 16px; min-width:130px; }
.tile b { display:block; font-size:24px; }
.tile span { color:var(--muted); font-size:13px; }
.bar { display:flex; height:10px; border-radius:5px; overflow:hidden; background:var(--line); margin:10px 0 18px; }
.bar div { height:100%; }
.controls { position:sticky; top:0; z-index:2; background:var(--bg); padding:10px 0; display:flex; gap:10px; flex-wrap:wrap; align-items:center; border-bottom:1px solid var(--line); }
select { max-width:440px; }
select, input { font:inherit; padding:6px 10px; border:1px solid var(--line); border-radius:8px; background:var(--card); }
input[type=search] { min-width:260px; }
.count { color:var(--muted); }
.rfc { margin-top:26px; }
.rfc h2 { font-size:19px; margin:0 0 2px; }
.rfc .role { color:var(--muted); font-size:13px; margin-bottom:8px; }
.sec { font-weight:600; margin:14px 0 6px; color:#333; font-size:14px; }
.req { background:var(--card); border:1px solid var(--line); border-left:4px solid var(--open); border-radius:8px; padding:8px 12px; margin:6px 0; }
.req.verified { border-left-color:var(--verified); } .req.implemented { border-left-color:var(--implemented); }
.req.tested-only { border-left-color:var(--tested); } .req.not-applicable { border-left-color:var(--na); opacity:.8; }
.meta { font-size:12.5px; color:var(--muted); display:flex; gap:10px; flex-wrap:wrap; align-items:center; }
.id { font-family:ui-monospace, Menlo, Consolas, monospace; color:var(--fg); font-weight:600; }
.pill { padding:1px 8px; border-radius:10px; color:#fff; font-size:12px; }
.pill.verified { background:var(--verified); } .pill.implemented { background:var(--implemented); }
.pill.tested-only { background:var(--tested); } .pill.not-applicable { background:var(--na); } .pill.open { background:var(--open); }
.lvl { font-weight:600; } .lvl.MUST { color:#8e1b10; } .lvl.SHOULD { color:#7a5a00; } .lvl.MAY { color:#2a5d8f; }
.text { margin:4px 0 2px; }
.ev { font-size:12.5px; margin-top:3px; } .ev a { color:#2f6fb0; text-decoration:none; } .ev a:hover { text-decoration:underline; }
.passed { color:var(--verified); } .failed { color:var(--open); } .skipped, .not-run { color:var(--muted); }
table.sum { border-collapse:collapse; background:var(--card); font-size:13.5px; }
table.sum td, table.sum th { border:1px solid var(--line); padding:4px 10px; text-align:right; }
table.sum td:first-child, table.sum th:first-child { text-align:left; }
.tables { display:flex; gap:24px; flex-wrap:wrap; align-items:flex-start; margin-bottom:14px; }
details summary { cursor:pointer; color:#2f6fb0; margin-bottom:6px; }
table.per tr[data-rfc] { cursor:pointer; } table.per tr[data-rfc]:hover { background:#f0f4fa; }
.excluded { color:var(--muted); font-size:13px; margin-top:30px; }
</style>
</head>
<body>
<header>
<h1>SpecRTC conformance report</h1>
<p>Every normative sentence (a BCP&nbsp;14 keyword in capitals) of the RFCs SpecRTC implements, with the code that carries it out and the tests that verify it. Generated by <code>specrtc matrix</code>; the same data is in <code>matrix.json</code>, <code>MATRIX.md</code> and <code>junit.xml</code>.</p>
</header>
<main>
<div class="totals" id="totals"></div>
<div class="bar" id="bar"></div>
<div id="summary"></div>
<div class="controls">
  <select id="f-rfc"><option value="">All RFCs</option></select>
  <select id="f-level"><option value="">All levels</option><option>MUST</option><option>SHOULD</option><option>MAY</option></select>
  <select id="f-state"><option value="">All states</option><option>verified</option><option>implemented</option><option>tested-only</option><option>not-applicable</option><option>open</option></select>
  <input type="search" id="f-text" placeholder="Search text or ID…">
  <span class="count" id="count"></span>
</div>
<div id="list"></div>
<div class="excluded" id="excluded"></div>
</main>
<script>
/*DATA*/
const STATES = ["verified","implemented","tested-only","not-applicable","open"];
const COLORS = {"verified":"var(--verified)","implemented":"var(--implemented)","tested-only":"var(--tested)","not-applicable":"var(--na)","open":"var(--open)"};
const esc = s => String(s).replace(/[&<>"]/g, c => ({"&":"&amp;","<":"&lt;",">":"&gt;","\"":"&quot;"}[c]));
const byState = {}; STATES.forEach(s => byState[s] = 0); ROWS.forEach(r => byState[r[5]]++);
document.getElementById("totals").innerHTML =
  `<div class="tile"><b>${ROWS.length}</b><span>requirements in scope</span></div>` +
  STATES.map(s => `<div class="tile"><b style="color:${COLORS[s]}">${byState[s]}</b><span>${s}</span></div>`).join("");
document.getElementById("bar").innerHTML = STATES.map(s =>
  `<div title="${s}: ${byState[s]}" style="width:${100*byState[s]/Math.max(1,ROWS.length)}%;background:${COLORS[s]}"></div>`).join("");
const levels = ["MUST","SHOULD","MAY"];
let sum = `<table class="sum"><tr><th>Level</th>${STATES.map(s=>`<th>${s}</th>`).join("")}<th>total</th></tr>`;
for (const l of levels) {
  const rs = ROWS.filter(r => r[4] === l);
  sum += `<tr><td>${l}</td>${STATES.map(s=>`<td>${rs.filter(r=>r[5]===s).length}</td>`).join("")}<td>${rs.length}</td></tr>`;
}
sum += "</table>";
// Per RFC: click a row to filter on it.
let per = `<table class="sum per"><tr><th>RFC</th><th>Module</th><th>requirements</th>${STATES.map(s=>`<th>${s}</th>`).join("")}<th>open MUST</th></tr>`;
for (const [n, title, module] of RFCS) {
  const rs = ROWS.filter(r => r[1] === n);
  per += `<tr data-rfc="${n}" title="${esc(title)}"><td>RFC ${n}</td><td>${esc(module)}</td><td>${rs.length}</td>` +
    STATES.map(s => `<td>${rs.filter(r => r[5] === s).length}</td>`).join("") +
    `<td>${rs.filter(r => r[5] === "open" && r[4] === "MUST").length}</td></tr>`;
}
document.getElementById("summary").innerHTML = `<div class="tables">${sum}<details><summary>Per RFC</summary>${per}</table></details></div>`;
const rfcSelect = document.getElementById("f-rfc");
RFCS.forEach(([n, title, module]) => rfcSelect.insertAdjacentHTML("beforeend", `<option value="${n}">RFC ${n} — ${esc(title)} (${module})</option>`));
document.getElementById("excluded").innerHTML = "Not in the matrix: " +
  EXCLUDED.map(([n, why, reason]) => `RFC ${n} (${why}: ${esc(reason)})`).join("; ") + ".";
function render() {
  const fr = rfcSelect.value, fl = document.getElementById("f-level").value,
        fs = document.getElementById("f-state").value, ft = document.getElementById("f-text").value.toLowerCase();
  const rows = ROWS.filter(r => (!fr || String(r[1]) === fr) && (!fl || r[4] === fl) && (!fs || r[5] === fs) &&
    (!ft || r[0].toLowerCase().includes(ft) || r[6].toLowerCase().includes(ft)));
  document.getElementById("count").textContent = `${rows.length} shown`;
  let html = "", rfc = null, sec = null, shown = 0;
  for (const r of rows) {
    if (shown++ > 3000) { html += `<p class="count">Showing the first 3000; narrow the filters to see the rest.</p>`; break; }
    if (r[1] !== rfc) {
      rfc = r[1]; sec = null;
      const info = RFCS.find(x => x[0] === rfc) || [rfc, "", "", ""];
      html += `<section class="rfc"><h2>RFC ${rfc}: ${esc(info[1])}</h2><div class="role">Module <code>${esc(info[2])}</code> · role: ${esc(info[3])}</div></section>`;
    }
    if (r[2] !== sec) { sec = r[2]; html += `<div class="sec">§${esc(r[2])} ${esc(r[3])}</div>`; }
    const code = r[8].map(([f, l]) => `<a href="${SRC}${esc(f)}#L${l}">${esc(f)}:${l}</a>`).join(", ");
    const tests = r[9].map(([t, f, l, res]) => `<a href="${SRC}${esc(f)}#L${l}">${esc(t)}</a> <span class="${res}">${res}</span>`).join(", ");
    html += `<div class="req ${r[5]}"><div class="meta"><span class="id">${r[0]}</span><span class="lvl ${r[4]}">${r[4]}</span><span class="pill ${r[5]}">${r[5]}</span></div>` +
      `<div class="text">${esc(r[6])}</div>` +
      (r[7] ? `<div class="ev">Not applicable: ${esc(r[7])}</div>` : "") +
      (code ? `<div class="ev">Code: ${code}</div>` : "") + (tests ? `<div class="ev">Tests: ${tests}</div>` : "") + `</div>`;
  }
  document.getElementById("list").innerHTML = html || `<p class="count">No requirement matches.</p>`;
}
document.querySelectorAll("tr[data-rfc]").forEach(tr => tr.addEventListener("click", () => {
  rfcSelect.value = tr.dataset.rfc; render(); document.getElementById("list").scrollIntoView();
}));
["f-rfc","f-level","f-state"].forEach(id => document.getElementById(id).addEventListener("change", render));
document.getElementById("f-text").addEventListener("input", render);
const params = new URLSearchParams(location.hash.slice(1));
if (params.get("rfc")) rfcSelect.value = params.get("rfc");
if (params.get("state")) document.getElementById("f-state").value = params.get("state");
render();
</script>
</body>
</html>
"""#
}
