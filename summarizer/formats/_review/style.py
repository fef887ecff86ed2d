"""The review page's style and script, each allowed by its SHA-256 in the page's
Content-Security-Policy (nothing else is: no network, no inline handlers), and its legend."""

from __future__ import annotations

import base64
import hashlib

__all__ = ["CSP", "CSS", "LEGEND", "SCRIPT"]

CSS = """*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{font:16px/1.55 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f1f1f;margin:0;
overflow-wrap:anywhere}
a{color:#1a4fa0}a:focus-visible{outline:3px solid #1a4fa0;outline-offset:1px}
.skip{position:absolute;left:-999px}.skip:focus{left:.5rem;top:.5rem;background:#fff;
padding:.3rem .6rem;z-index:2}
.wrap{display:grid;grid-template-columns:minmax(0,1fr);gap:0 2rem;max-width:84rem;
margin:0 auto;padding:0 1rem}
@media (min-width:900px){.wrap{grid-template-columns:minmax(20rem,27rem) minmax(0,1fr)}
aside{position:sticky;top:0;max-height:100vh;overflow-y:auto;padding-right:.6rem}}
header{grid-column:1/-1;border-bottom:1px solid #ddd;padding:.8rem 0 .6rem}
h1{font-size:1.45rem;line-height:1.25;margin:.2rem 0 .3rem}
h2{font-size:1.05rem;margin:1rem 0 .3rem}h3{font-size:.95rem;margin:1rem 0 .3rem;color:#444}
.meta,.muted{color:#595959;font-size:.9rem}
.legend{display:flex;flex-wrap:wrap;gap:.3rem .9rem;font-size:.85rem;margin:.4rem 0 0;
padding:0;list-style:none}
.warn{background:#fff4e5;border-left:4px solid #b06000;padding:.4rem .7rem;margin:.5rem 0}
ol.items{list-style:none;padding:0;margin:0}
li.item{padding:.35rem .5rem;margin:.25rem 0;border-left:4px solid transparent;
border-radius:4px}
li.item.not_established,li.item.flagged{border-left-color:#b06000;background:#fffaf0}
li.item.unsupported,li.item.dropped{border-left-color:#b3261e;background:#fdf3f2}
li.item:target,li.item.on{outline:2px solid #1a4fa0;background:#eef4ff}
.lab{display:inline-block;min-width:2.1em;font:600 .75rem/1.5 ui-monospace,monospace;
background:#e8e8e8;border-radius:3px;padding:0 .3em;margin-right:.35em;text-align:center}
.badge{font-size:.75rem;font-weight:600;border-radius:3px;padding:0 .35em;margin-left:.3em;
white-space:nowrap}
.b-not_established,.b-flagged{background:#ffe2b8;color:#6b3a00}
.b-unsupported,.b-dropped{background:#f9d3cf;color:#8c1d18}
.why{margin:.15rem 0 0 1rem;padding:0;font-size:.88rem;color:#444}
.why li.miss{color:#8c1d18}
.sides{margin:.1rem 0;padding-left:1.1rem}
.cites{white-space:nowrap;font-size:.85rem}
.cites a{text-decoration:none;padding:0 .1em}
nav.toc ol{display:flex;flex-wrap:wrap;gap:.3rem;list-style:none;padding:0;margin:.2rem 0 1rem}
nav.toc li{border:1px solid #ccc;border-radius:4px;font-size:.85rem;background:#fff0a0}
nav.toc li.none{background:#f4f4f4}nav.toc a{display:inline-block;padding:.05rem .4rem;
min-width:2.2em;text-align:center}nav.toc small{color:#595959;padding-right:.35rem}
nav.jump{font-size:.88rem;margin:.3rem 0}
main{min-width:0}
.text{white-space:pre-wrap;max-width:44rem;font-size:1.02rem;line-height:1.7}
section.part{content-visibility:auto;contain-intrinsic-size:auto 3000px}
mark{color:inherit;border-radius:2px;padding:0}
mark.k{background:#fff0a0}
mark.w{background:#ffe2b8;border-bottom:2px dotted #b06000}
mark.x{background:#fde4e1;border-bottom:2px dashed #b3261e}
mark.on{outline:2px solid #1a4fa0;background:#d7e6ff}
.u{color:#6b6b6b}
sup.cm{font:600 .7rem/1 ui-monospace,monospace;white-space:nowrap;margin:0 .15em;
user-select:none;-webkit-user-select:none}
sup.cm .n{background:#1f1f1f;color:#fff;border-radius:3px;padding:0 .25em}
sup.cm a{text-decoration:none;padding:0 .1em}sup.cm a.x{color:#8c1d18}
sup.cm:target .n{background:#1a4fa0}
.key{display:inline-block;padding:0 .3em;border-radius:2px}
footer{grid-column:1/-1;border-top:1px solid #ddd;margin:1.5rem 0 1rem;padding-top:.5rem}
@media print{aside{position:static;max-height:none;overflow:visible}
section.part{content-visibility:visible}}"""

SCRIPT = """(function(){var lit=[];
function clear(){lit.forEach(function(e){e.classList.remove('on')});lit=[]}
function light(n){document.querySelectorAll('[data-c~="'+n+'"]').forEach(function(e){
e.classList.add('on');lit.push(e)})}
function show(id){clear();var m=/^c(\\d+)$/.exec(id),el=document.getElementById(id);
if(m){light(m[1])}else if(el&&el.dataset.c){el.dataset.c.split(' ').forEach(light);
el.classList.add('on');lit.push(el)}}
function here(){show(decodeURIComponent(location.hash.slice(1)))}
window.addEventListener('hashchange',here);here();
document.addEventListener('mouseover',function(e){var t=e.target.closest&&
e.target.closest('li.item[data-c],sup.cm');if(t)show(t.id)});
document.addEventListener('focusin',function(e){var t=e.target.closest&&
e.target.closest('li.item[data-c],sup.cm');if(t)show(t.id)})})();"""


def _sha(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


CSP = (
    f"default-src 'none'; style-src '{_sha(CSS)}'; script-src '{_sha(SCRIPT)}'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)
"""No network, no plugins; the page's own style and script only, each by its hash."""


LEGEND = (
    '<ul class="legend" aria-label="Legend"><li><mark class="k key">cited</mark> by an item</li>'
    '<li><mark class="w key">cited</mark> by an item not established, flagged or not '
    "supported</li>"
    '<li><mark class="x key">cited</mark> only by a dropped item</li>'
    '<li><span class="u">grey</span>: no item cites this sentence</li>'
    '<li><sup class="cm demo"><span class="n">1</span> S1</sup> a citation\'s number and the items '
    "that cite it</li></ul>"
)
