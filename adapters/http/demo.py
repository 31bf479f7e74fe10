# ruff: noqa: E501  (an embedded page: its lines are HTML and JavaScript)
"""The demo product of the embedded default (`make run` → http://127.0.0.1:8000/demo): a
tiny product that embeds sellerlink's hosted connect flow the way a real one would. Its
"back end" (here the page itself, with a dev token) creates a connect session; the page
opens the session's `url` in a pop-up and listens for the flow's `postMessage`
(`sellerlink:connected`), or, when pop-ups are blocked, sends the person there and reads
`?result=connected&connection_id=...` when they come back. Registered by `sellerlink serve`
in dev mode only, never in production: a real product keeps its key on its server."""

from __future__ import annotations

import json
from collections.abc import Mapping
from html import escape
from typing import Any

from litestar import MediaType, Request, Response, get
from litestar.handlers import HTTPRouteHandler
from litestar.response import Redirect

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Acme Analytics (sellerlink demo)</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<style>
body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#f6f7f9}
header{background:#3b1f5e;color:#fff;padding:.75rem 1.25rem}
main{max-width:52rem;margin:1.5rem auto;padding:1.5rem;background:#fff;border-radius:8px}
h1{font-size:1.4rem;margin:0} h2{font-size:1.1rem}
button{font:inherit;border-radius:6px;padding:.5rem 1rem;border:2px solid #5b2ca0;background:#fff;color:#3b1f5e;cursor:pointer}
button.primary{background:#5b2ca0;color:#fff}
button:focus-visible,select:focus-visible{outline:3px solid #e8710a;outline-offset:2px}
table{border-collapse:collapse;width:100%} td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left}
#msg{padding:.6rem;border-radius:6px;background:#f1ecf8;margin:1rem 0} #msg:empty{display:none}
.ok{color:#176117;font-weight:600} .warn{color:#7a4a00;font-weight:600} .bad{color:#8c1d18;font-weight:600}
</style></head><body>
<header><h1>Acme Analytics</h1><span>a demo product that connects Amazon through sellerlink</span></header>
<main>
<p>This page plays a product with its own UI. <strong>Connect Amazon</strong> opens sellerlink's
hosted flow in a pop-up; Amazon is the sandbox, so sign in as a scenario account (for example
<strong>us-seller</strong>) and approve. Team: __TEAM__.
<label>Acting as <select id="role"></select></label>.
API reference: <a href="/schema">/schema</a>; every error: <a href="/errors">/errors</a>;
webhooks your product would receive: <a href="/demo/webhooks">/demo/webhooks</a>.</p>
<h2>Connect an Amazon account</h2>
<p><button class="primary" id="connect" type="button">Connect Amazon</button></p>
<div id="msg" role="status" aria-live="polite"></div>
<h2>Your Amazon accounts</h2><div id="connections">Loading&hellip;</div>
</main>
<script>
const TOKENS = __TOKENS__;
const role = document.getElementById('role');
for (const r of Object.keys(TOKENS)) role.add(new Option(r, r));
role.value = localStorage.getItem('sellerlink-role') || 'owner';
role.onchange = () => { localStorage.setItem('sellerlink-role', role.value); load(); };
const esc = s => String(s ?? '').replace(/[&<>"']/g, c => '&#' + c.charCodeAt(0) + ';');
const say = (text, cls) => { const m = document.getElementById('msg'); m.textContent = text; m.className = cls || ''; };
const HEALTH = {connected: ['Connected', 'ok'], expiring: ['Token expiring', 'warn'],
  reconnect_required: ['Reconnect Required', 'bad'], incomplete: ['Not finished', 'warn'],
  disconnected: ['Disconnected', 'bad']};
async function api(method, path, body) {
  const r = await fetch('/api/v1' + path, {method, headers: {
    'Authorization': 'Bearer ' + TOKENS[role.value], 'Content-Type': 'application/json'},
    body: body ? JSON.stringify(body) : undefined});
  if (r.status === 204) return null;
  const data = await r.json();
  if (!r.ok) { say(data.title + ': ' + data.detail + ' ' + (data.remediation || []).join(' '), 'bad'); throw data; }
  return data;
}
// What a product's back end does: create a connect session, hand its url to the browser.
async function openFlow(connectionId) {
  const body = {return_to: '/demo', end_user: {id: 'demo-user'}};
  if (connectionId) body.connection_id = connectionId;
  let session; try { session = await api('POST', '/connect-sessions', body); } catch (e) { return; }
  const popup = window.open(session.url, 'sellerlink-connect', 'popup,width=760,height=900');
  if (!popup) { window.location = session.url; return; }  // pop-ups blocked: redirect instead
  say('Finish connecting in the sellerlink window.');
  flowWindow = popup; answered = false;
  // Closed before the flow said how it ended: tell the person rather than wait forever.
  const watch = setInterval(() => {
    if (!popup.closed) return;
    clearInterval(watch);
    setTimeout(() => {  // the flow's last message may still be on its way
      if (flowWindow !== popup || answered) return;
      say('The sellerlink window was closed before the connection was finished. ' +
        'Click Connect Amazon, or Continue on an unfinished account, to go on.', 'warn');
      load();
    }, 300);
  }, 500);
}
let flowWindow = null, answered = false;
window.addEventListener('message', event => {
  if (event.origin !== window.location.origin || !event.data) return;
  if (event.source === flowWindow) answered = true;
  if (event.data.type === 'sellerlink:connected') {
    say('Amazon account connected (connection ' + event.data.connection_id + ').', 'ok'); load();
  } else if (event.data.type === 'sellerlink:error') {
    say('The connection was not finished: ' + event.data.code + ' (see /errors/' + event.data.code + ').', 'bad');
  }
});
document.getElementById('connect').onclick = () => openFlow(null);
async function load() {
  const box = document.getElementById('connections');
  let list; try { list = await api('GET', '/connections'); } catch (e) { return; }
  if (!list.items.length) { box.innerHTML = '<p>No Amazon account connected yet.</p>'; return; }
  box.innerHTML = '<table><thead><tr><th scope="col">Account</th><th scope="col">Type</th>' +
    '<th scope="col">Status</th><th scope="col"><span hidden>Action</span></th></tr></thead><tbody>' +
    list.items.map(c => { const [word, cls] = HEALTH[c.health] || [c.health, ''];
      return `<tr><td>${esc(c.display_name || c.id)}</td><td>${esc(c.account_type)}, ${esc(c.region)}</td>` +
        `<td class="${cls}">${esc(word)}</td><td><button type="button" data-id="${esc(c.id)}">` +
        ({reconnect_required: 'Reconnect', incomplete: 'Continue'}[c.health] || 'Manage') + '</button></td></tr>'; }).join('') +
    '</tbody></table>';
  box.querySelectorAll('button[data-id]').forEach(b => b.onclick = () => openFlow(b.dataset.id));
}
const q = new URLSearchParams(location.search);
if (q.get('result') === 'connected') say('Amazon account connected (connection ' + q.get('connection_id') + ').', 'ok');
if (q.get('result') === 'error') say('The connection was not finished: ' + q.get('code') + ' (see /errors/' + q.get('code') + ').', 'bad');
if (q.has('result')) history.replaceState(null, '', '/demo');
load();
</script></body></html>"""


def demo_page(team_name: str, tokens: Mapping[str, str], base_url: str) -> HTTPRouteHandler:
    """The page, bound to the demo team's dev tokens (dev mode only). Opened on another name
    for the server (localhost for the banner's 127.0.0.1), it sends the browser to the
    banner's address first: the flow's pop-up lives there (sellerlink's links and Amazon's
    callbacks use it) and posts its result only to a page of the same origin."""
    page = _PAGE.replace("__TEAM__", escape(team_name)).replace(
        "__TOKENS__", json.dumps(dict(tokens)).replace("<", "\\u003c")
    )
    home = base_url.rstrip("/")

    @get("/demo", include_in_schema=False, media_type=MediaType.HTML, sync_to_thread=False)
    def demo(request: Request[Any, Any, Any]) -> Response[str] | Redirect:
        if str(request.base_url).rstrip("/") != home:
            query = request.url.query
            return Redirect(f"{home}/demo" + (f"?{query}" if query else ""), status_code=307)
        return Response(
            page,
            media_type=MediaType.HTML,
            headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
        )

    return demo
