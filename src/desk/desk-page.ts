/** The desk's HTML shell: styles inline (one request fewer), the app in /desk/desk.js. */
const CSS = `
:root{--fg:#16181d;--muted:#5d6470;--bg:#f6f7f9;--card:#fff;--line:#dde1e7;--accent:#0b57d0;--danger:#b3261e;--ok:#146c2e;--warn:#8a5300;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
@media (prefers-color-scheme:dark){:root{--fg:#e7e9ee;--muted:#9aa3b2;--bg:#111318;--card:#1b1e25;--line:#2e333d;--accent:#8ab4f8;--danger:#f2b8b5;--ok:#7fd98f;--warn:#f5c26b}}
*{box-sizing:border-box}body{margin:0}a{color:var(--accent)}
header.top{display:flex;gap:1rem;align-items:center;padding:.6rem 1rem;border-bottom:1px solid var(--line);background:var(--card);position:sticky;top:0;z-index:2}
header.top h1{font-size:1.05rem;margin:0}header.top nav{display:flex;gap:.8rem;flex:1}header.top .who{color:var(--muted);font-size:.9rem}
main{max-width:1200px;margin:0 auto;padding:1rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:1rem;margin-bottom:1rem}
label{display:block;font-size:.85rem;color:var(--muted);margin:.4rem 0 .15rem}
input[type=text],input[type=email],input[type=password],textarea,select{width:100%;font:inherit;color:inherit;background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:.45rem .6rem}
textarea{min-height:8rem;resize:vertical;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.92rem}
button{font:inherit;border:1px solid var(--line);background:var(--card);color:inherit;border-radius:6px;padding:.35rem .8rem;cursor:pointer}
button.primary{background:var(--accent);border-color:var(--accent);color:#fff}button.danger{color:var(--danger)}
button:disabled{opacity:.5;cursor:default}
.row{display:flex;gap:.6rem;align-items:center;flex-wrap:wrap}.grow{flex:1}
.cols{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:1rem}@media (max-width:800px){.cols{grid-template-columns:1fr}}
.preview{border:1px dashed var(--line);border-radius:6px;padding:.5rem .8rem;min-height:8rem;overflow:auto}
.muted{color:var(--muted)}.err{color:var(--danger)}.ok{color:var(--ok)}
.banner{padding:.5rem 1rem;background:var(--warn);color:#000}
.pill{display:inline-block;font-size:.75rem;padding:0 .45rem;border-radius:99px;border:1px solid var(--line);margin-left:.3rem}
.pill.queued{border-color:var(--warn);color:var(--warn)}.pill.sending{border-color:var(--accent);color:var(--accent)}.pill.sent{border-color:var(--ok);color:var(--ok)}.pill.failed{border-color:var(--danger);color:var(--danger)}
.pill.retracted{text-decoration:line-through}
ul.plain{list-style:none;margin:0;padding:0}ul.plain>li{border-top:1px solid var(--line);padding:.6rem 0}
.entry h3{margin:.1rem 0;font-size:1rem}.entry .body p{margin:.3rem 0}
.conflict{border:2px solid var(--danger);border-radius:6px;padding:.6rem}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.3rem;border-top:1px solid var(--line)}
code.secret{display:block;padding:.5rem;background:var(--bg);word-break:break-all}
`;

export function deskPage(hash: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>Unfold desk</title><style>${CSS}</style></head>
<body><div id="desk"><p style="padding:1rem">Loading the desk…</p></div>
<script src="/desk/desk.js?v=${hash}" defer></script></body></html>`;
}
