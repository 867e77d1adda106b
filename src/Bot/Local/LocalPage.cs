namespace Bot.Local;

/// <summary>The local chat page: one HTML file, no build step. Replies are rendered with textContent only.</summary>
internal static class LocalPage
{
    public const string Html = """
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>ROI bot</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 15px/1.45 system-ui, sans-serif; max-width: 980px; margin: 0 auto; padding: 1rem; color: #1d1d1f; }
  h1 { font-size: 1.2rem; }
  #log { display: flex; flex-direction: column; gap: .8rem; margin-bottom: 5rem; }
  .me { align-self: flex-end; background: #e8f0fe; padding: .4rem .7rem; border-radius: 8px; font-family: ui-monospace, monospace; }
  .bot { border: 1px solid #ddd; border-radius: 8px; padding: .6rem .8rem; }
  .bot.error { border-color: #d93025; }
  .bot.digest { border-color: #1a73e8; }
  .title { font-weight: 600; margin-bottom: .3rem; }
  table { border-collapse: collapse; margin: .4rem 0; font-variant-numeric: tabular-nums; }
  th, td { padding: .2rem .6rem; border-bottom: 1px solid #eee; text-align: left; }
  td.num, th.num { text-align: right; }
  tr.totals td { font-weight: 600; border-top: 2px solid #999; }
  caption { text-align: left; font-weight: 600; padding: .3rem 0; }
  .hl { margin: .1rem 0; } .hl.Negative { color: #b3261e; } .hl.Warning { color: #8a5300; }
  .foot { color: #666; font-size: .85rem; margin-top: .4rem; }
  img.chart { max-width: 100%; margin-top: .4rem; }
  form { position: fixed; bottom: 0; left: 0; right: 0; background: #fff; padding: .8rem; border-top: 1px solid #ddd; display: flex; justify-content: center; gap: .5rem; }
  input { width: min(760px, 70vw); font: inherit; padding: .4rem; }
</style>
</head>
<body>
<h1>ROI bot <small style="font-weight:normal;color:#666">— try <code>roi</code>, <code>roi help</code>, <code>roi baseline meeting-summary 20m @ $50/h</code></small></h1>
<div id="log"></div>
<form id="ask"><input id="text" autocomplete="off" placeholder="roi help" autofocus><button>Send</button></form>
<script>
const log = document.getElementById('log');
function el(tag, cls, text) { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; }
// `commands` in reply text show as code; every piece still goes in as text, never as HTML.
function prose(tag, cls, text) {
  const e = el(tag, cls);
  String(text).split('`').forEach((part, i) => e.appendChild(i % 2 ? el('code', null, part) : document.createTextNode(part)));
  return e;
}
function renderReply(reply, extraClass) {
  const box = el('div', 'bot' + (reply.isError ? ' error' : '') + (extraClass ? ' ' + extraClass : ''));
  box.appendChild(el('div', 'title', reply.title));
  for (const p of reply.body || []) box.appendChild(prose('p', null, p));
  for (const t of reply.tables || []) {
    const table = el('table');
    if (t.caption) table.appendChild(el('caption', null, t.caption));
    const head = el('tr');
    t.columns.forEach(c => head.appendChild(el('th', c.alignRight ? 'num' : null, c.header)));
    table.appendChild(head);
    const addRow = (cells, cls) => { const tr = el('tr', cls); cells.forEach((v, i) => tr.appendChild(el('td', t.columns[i] && t.columns[i].alignRight ? 'num' : null, v))); table.appendChild(tr); };
    t.rows.forEach(r => addRow(r));
    if (t.totals) addRow(t.totals, 'totals');
    box.appendChild(table);
  }
  for (const h of reply.highlights || []) box.appendChild(prose('div', 'hl ' + h.kind, '• ' + h.text));
  for (const c of reply.charts || []) { const img = el('img', 'chart'); img.alt = c.altText; img.src = 'data:image/png;base64,' + c.png; box.appendChild(img); }
  if (reply.footnote) box.appendChild(prose('div', 'foot', reply.footnote));
  log.appendChild(box);
  box.scrollIntoView({ block: 'end' });
}
// Digests and other posts nobody asked for arrive through a small feed, polled with the last id shown.
let lastPost = 0;
async function pollPosts() {
  try {
    const res = await fetch('/api/chat/posts?after=' + lastPost);
    if (!res.ok) return;
    const data = await res.json();
    for (const post of data.posts) { renderReply(post.reply, 'digest'); lastPost = post.id; }
  } catch (err) { /* the bot is restarting; try again on the next tick */ }
}
pollPosts();
setInterval(pollPosts, 10000);
document.getElementById('ask').addEventListener('submit', async e => {
  e.preventDefault();
  const input = document.getElementById('text');
  const text = input.value.trim();
  if (!text) return;
  log.appendChild(el('div', 'me', text));
  input.value = '';
  try {
    const res = await fetch('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
    const data = await res.json();
    if (!res.ok) { renderReply({ title: data.title || 'Error', body: [data.detail || ''], isError: true }); return; }
    renderReply(data.reply);
  } catch (err) { renderReply({ title: 'The bot did not answer', body: [String(err)], isError: true }); }
});
</script>
</body>
</html>
""";
}
