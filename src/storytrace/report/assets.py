"""The report's one stylesheet and one script, inlined into every page (no network).

They are constants so that their SHA-256 hashes can go into the Content-Security-Policy:
the browser then runs this script and nothing else, whatever an article contains.
The script only reads generated attributes (``data-ann`` tokens such as ``a-p3``,
``data-layer`` names) and never builds HTML from strings.
"""

CSS = """
:root{--fg:#1d2330;--muted:#5b6475;--line:#d5dae3;--bg:#f6f7f9;--card:#fff;
--verbatim:#ffb8a6;--edited:#ffe08a;--paraphrase:#bcd6ff;--other:#e0e0e0;--new:#c9efc2;
--fact:#b5179e;--src:#087f73;--rep:rgba(106,60,201,.55);--sig:#e8590c;--flash:#e63946;
--aside:#8a8f98;--claim:#1f5fbf}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
color:var(--fg);background:var(--bg)}
main{max-width:1400px;margin:0 auto;padding:12px 20px 32px}
main{overflow-wrap:break-word}
h1,h2,h3,.card{overflow-wrap:anywhere}
h1{font-size:1.45rem;margin:.4em 0 .5em}
h2{font-size:1.15rem;margin:.2em 0 .5em}
h3{font-size:1rem;margin:.8em 0 .4em}
a{color:#1f5fbf}
code,.id{font:12px/1.3 ui-monospace,SFMono-Regular,Menlo,monospace;word-break:break-all}
.muted{color:var(--muted)}
.topnav{background:#1d2330;color:#fff;padding:8px 20px;display:flex;flex-wrap:wrap;
gap:6px 18px;align-items:center}
.topnav a{color:#fff;text-decoration:none;font-weight:600}
.topnav a.brand{font-size:1.05rem}
.topnav form{margin-left:auto;display:flex;gap:6px}
.topnav input{width:16em}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 14px}
.block{background:var(--card);border:1px solid var(--line);border-radius:8px;
padding:12px 16px;margin:14px 0;overflow-wrap:anywhere}
.heads{display:grid;grid-template-columns:1fr 1fr;gap:14px}
.head .title{display:inline;font-size:1.05rem}
.side{display:inline-block;min-width:1.6em;text-align:center;border-radius:4px;
background:#1d2330;color:#fff;font-weight:700;font-size:.85rem;padding:0 .35em;
margin-right:.3em}
.meta{color:var(--muted);font-size:.88rem;margin-top:3px;overflow-wrap:anywhere}
.cov{font-size:.88rem;margin-top:4px}
meter{width:7em;vertical-align:middle}
.direction p{margin:.3em 0}
.legend{display:flex;flex-wrap:wrap;gap:6px 16px;margin:12px 0 4px;font-size:.88rem}
.layer{cursor:pointer;user-select:none}
.chip{display:inline-block;border-radius:10px;padding:0 .55em;font-size:.8rem;
background:var(--other);white-space:nowrap}
.hint{margin:2px 0;font-size:.85rem;color:var(--muted)}
.status{min-height:1.3em;margin:2px 0 6px;font-size:.88rem;font-weight:600}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:14px;align-items:start}
.pane{background:var(--card);border:1px solid var(--line);border-radius:8px;
max-height:78vh;overflow:auto;position:relative}
.pane-head{position:sticky;top:0;background:#eef1f6;border-bottom:1px solid var(--line);
padding:6px 12px;font-weight:600;font-size:.9rem;z-index:1;white-space:nowrap;
overflow:hidden;text-overflow:ellipsis}
.text{white-space:pre-wrap;overflow-wrap:anywhere;font:16px/1.6 Georgia,"Times New Roman",serif;
padding:10px 14px;margin:0}
details .text{max-height:50vh;overflow:auto;border-top:1px solid var(--line);
background:#fbfbfc;font-size:15px}
.seg{border-radius:2px}
.new{background:var(--new)}
.k-verbatim{background:var(--verbatim)}
.k-edited{background:var(--edited)}
.k-paraphrase{background:var(--paraphrase)}
.k-other{background:var(--other)}
.seg.k-verbatim,.seg.k-edited,.seg.k-paraphrase,.seg.k-other,.seg.rep,.seg.fact,
.seg.claim{cursor:pointer}
.rep{box-shadow:inset 0 -.3em 0 var(--rep)}
.claim{box-shadow:inset 0 -2px 0 var(--claim)}
.aside{color:var(--aside);text-decoration:line-through 1px var(--aside)}
.src{text-decoration:underline 2px var(--src);text-underline-offset:3px}
.cue{text-decoration:underline dotted 1px var(--src);text-underline-offset:3px}
.fact{outline:2px solid var(--fact);outline-offset:0;border-radius:3px}
.sig{border-bottom:3px dashed var(--sig);padding-bottom:1px}
.chip.sig-chip{background:#ffe1cc}
.chip.verdict{background:#eef1f6;font-weight:600}
.scores li{margin:.2em 0 .45em}
.scores .help{color:var(--muted);font-size:.82rem;line-height:1.35}
h4{font-size:.92rem;margin:.6em 0 .2em}
.seg:focus-visible{outline:3px solid #1f5fbf}
.seg.flash{background:#ffe45c;box-shadow:0 3px 0 var(--flash);animation:pulse 1.6s ease-out}
@keyframes pulse{0%{background:#ff9f1c}100%{background:#ffe45c}}
body.hide-passage .l-passage{background:none}
body.hide-new .l-new{background:none}
body.hide-repeat .l-repeat{box-shadow:none}
body.hide-credit .l-credit{text-decoration:none;font-weight:inherit}
body.hide-fact .l-fact{outline:none}
body.hide-framing .l-framing{border-bottom:none}
body.hide-aside .l-aside{color:inherit;text-decoration:none}
body.hide-claim .l-claim{box-shadow:none}
.legend .seg{padding:0 .3em}
table.list{border-collapse:collapse;width:100%;font-size:.9rem}
.list th,.list td{border-top:1px solid var(--line);padding:5px 6px;text-align:left;
vertical-align:top}
.list th{font-weight:600;color:var(--muted);border-top:none;white-space:nowrap}
.list .nw{white-space:nowrap}
.snip{color:#39404d;font-size:.86rem;font-family:Georgia,serif}
.two{display:grid;grid-template-columns:1fr 1fr;gap:16px}
.items{margin:.2em 0;padding-left:1.3em}
.items li{margin:.25em 0;overflow-wrap:anywhere}
.scores{list-style:none;padding:0;margin:.2em 0 .5em;font-size:.9rem}
.kv{margin:.1em 0;padding-left:1.1em;font-size:.86rem}
.key{color:var(--muted)}
.toc ol{margin:0;padding-left:1.4em}
.graph{margin:8px 0;background:#fbfcfe;border:1px solid var(--line);border-radius:8px;
padding:8px}
.graph-scroll{overflow-x:auto}
.graph svg{max-width:100%;height:auto;display:block;margin:0 auto}
.outline{display:none;margin:4px 0;padding-left:1.2em;font-size:.9rem}
.outline ul{padding-left:1.2em;border-left:2px solid var(--line);margin:2px 0 2px .3em}
.outline li{margin:3px 0}
.graph figcaption{font-size:.82rem;color:var(--muted);margin-top:4px}
svg .node rect{fill:#fff;stroke:#4a5a78;stroke-width:1.5}
svg .node.ext rect{fill:#f1f1f1;stroke:#999;stroke-dasharray:5 3}
svg a:hover .node rect,svg a:focus .node rect{stroke:#1f5fbf;stroke-width:3}
svg text{font:12px system-ui,sans-serif;fill:#1d2330}
svg text.n1{font-weight:700;font-size:13px}
svg text.n2,svg text.n3{fill:#4d5566}
svg .edge{fill:none;stroke:#4a5a78;stroke-width:2}
svg .e-same{stroke-dasharray:6 4;stroke:#8a94a6}
svg .e-credit{stroke:#999;stroke-dasharray:2 3}
svg .e-related{stroke:#8a94a6;stroke-dasharray:7 5;stroke-width:1.5}
svg .arrowhead{fill:#4a5a78}
svg.strip{width:100%;max-width:800px;height:auto;display:block}
svg.strip line.axis{stroke:#8a94a6;stroke-width:2}
svg.strip line.tick{stroke:#1f5fbf;stroke-width:1}
svg.strip circle.dot{fill:#1f5fbf}
svg.strip circle.num{fill:#fff;stroke:#1f5fbf;stroke-width:1.5}
svg.strip a:hover circle.num{fill:#e8f0fc}
svg.strip text{font-size:11px;font-weight:700;fill:#1f5fbf}
svg.strip text.axis{fill:#5b6475;font-weight:400}
.tl-n{display:inline-block;min-width:1.6em;text-align:center;border:1.5px solid #1f5fbf;
border-radius:1em;color:#1f5fbf;font-weight:700;font-size:.8rem;margin-right:.3em}
.timeline{list-style:none;padding:0;margin:0}
.tl-item{display:grid;grid-template-columns:11.5em 1fr;gap:10px;border-top:1px solid var(--line);
padding:6px 0}
.tl-item:target{background:#fff8d6}
.tl-when{font-size:.86rem;color:var(--muted);font-variant-numeric:tabular-nums}
.why{font-size:.88rem;margin:2px 0}
details summary{cursor:pointer;color:#1f5fbf;font-size:.88rem}
.foot{max-width:1400px;margin:0 auto;padding:8px 20px 24px;font-size:.8rem;color:var(--muted)}
form.stack{display:grid;gap:8px;max-width:900px}
input[type=text],input[type=search],input[type=date],textarea{font:inherit;padding:6px 8px;
border:1px solid #aab2c0;border-radius:6px;width:100%}
textarea{min-height:14em;font-family:Georgia,serif}
button{font:inherit;font-weight:600;padding:6px 14px;border-radius:6px;border:1px solid #1d2330;
background:#1d2330;color:#fff;cursor:pointer}
.row{display:flex;flex-wrap:wrap;gap:8px;align-items:center}
.row > input{flex:1 1 12em;width:auto}
.error{border-color:#d62828;color:#8a1010}
.ledger-scroll{overflow-x:auto;max-width:100%}
table.ledger{min-width:34em}
.ledger td.st{min-width:14em}
.ledger td.marks{min-width:6em}
.lm{display:inline-block;min-width:1.6em;text-align:center;border-radius:1em;font-size:.78rem;
font-weight:700;margin:1px;border:1.5px solid #c3c9d4;color:#9aa2b1}
.lm-first{background:#1f5fbf;border-color:#1f5fbf;color:#fff}
.lm-same{border-color:#1f5fbf;color:#1f5fbf}
.lm-changed{background:var(--edited);border-color:#b58900;color:#1d2330}
.lm-dropped{color:#a33;border-color:#a33;text-decoration:line-through}
@media (max-width:760px){
main{padding:8px 10px 24px}
.heads,.cols,.two{grid-template-columns:1fr}
.pane{max-height:none}
.topnav form{margin-left:0;width:100%}
.topnav input{flex:1;width:auto}
.graph.wide .graph-scroll{display:none}
.graph.wide .outline{display:block}
.tl-item{grid-template-columns:1fr;gap:0}
.list .opt{display:none}
table.list{font-size:.84rem}
}
@media (prefers-reduced-motion:reduce){.seg.flash{animation:none}}
"""

JS = """
(function () {
  "use strict";
  var flashed = [];
  var status = document.getElementById("status");
  function segs(tok) {
    return document.querySelectorAll('[data-ann~="' + tok + '"]');
  }
  function clear() {
    flashed.forEach(function (el) { el.classList.remove("flash"); });
    flashed = [];
  }
  function flash(tok) {
    segs(tok).forEach(function (el) { el.classList.add("flash"); flashed.push(el); });
  }
  function reveal(tok) {
    var first = segs(tok)[0] || document.getElementById(tok);
    if (!first) { return false; }
    for (var d = first.closest("details"); d; d = d.parentElement.closest("details")) {
      d.open = true;
    }
    first.scrollIntoView({block: "center", inline: "nearest"});
    flash(tok);
    return true;
  }
  // a-p3 <-> b-p3 (passages), a-c1 <-> b-c1 (statements), a-f2 <-> b-f2 (facts);
  // a-r1-0 -> a-r1-1 -> ... (repeats)
  function partner(tok) {
    var m = /^([ab])-([pcf])(\\d+)$/.exec(tok);
    if (m) { return (m[1] === "a" ? "b" : "a") + "-" + m[2] + m[3]; }
    m = /^([ab])-r(\\d+)-(\\d+)$/.exec(tok);
    if (m) {
      var next = m[1] + "-r" + m[2] + "-" + (Number(m[3]) + 1);
      return document.getElementById(next) ? next : m[1] + "-r" + m[2] + "-0";
    }
    return null;
  }
  function pick(el) {
    var toks = (el.getAttribute("data-ann") || "").split(" ");
    var order = [/^[ab]-p\\d+$/, /^[ab]-c\\d+$/, /^[ab]-f\\d+$/, /^[ab]-r\\d+-\\d+$/];
    for (var i = 0; i < order.length; i++) {
      for (var j = 0; j < toks.length; j++) {
        if (order[i].test(toks[j])) { return toks[j]; }
      }
    }
    return null;
  }
  function follow(el) {
    var tok = pick(el);
    var other = tok && partner(tok);
    if (!other) { return; }
    clear();
    flash(tok);
    reveal(other);
    if (status) {
      status.textContent = (el.getAttribute("title") || tok) + " → shown in " +
        other.charAt(0).toUpperCase();
    }
  }
  document.addEventListener("click", function (ev) {
    var link = ev.target.closest("a.jump");
    if (link) {
      var tok = (link.getAttribute("href") || "").slice(1);
      clear();
      if (reveal(tok)) {
        ev.preventDefault();
        history.replaceState(null, "", "#" + tok);
      }
      return;
    }
    var seg = ev.target.closest(".seg[data-ann]");
    if (seg && !ev.target.closest(".legend")) { follow(seg); }
  });
  document.addEventListener("keydown", function (ev) {
    if ((ev.key === "Enter" || ev.key === " ") && ev.target.matches(".seg[tabindex]")) {
      ev.preventDefault();
      follow(ev.target);
    }
  });
  document.querySelectorAll("input[data-layer]").forEach(function (box) {
    box.addEventListener("change", function () {
      document.body.classList.toggle("hide-" + box.getAttribute("data-layer"), !box.checked);
    });
  });
})();
"""
