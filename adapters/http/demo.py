# ruff: noqa: E501  (an embedded page: its lines are HTML and JavaScript)
"""The demo page of the embedded default (`make run` → http://127.0.0.1:8000/demo): a tiny
product UI over the public API, so a newcomer can connect a sandbox account in a browser
without writing a client. It only calls `/api/v1` with a dev token, like any product would;
it is registered by `sellerlink serve` in dev mode only, never in production."""

from __future__ import annotations

import json
from collections.abc import Mapping
from html import escape

from litestar import MediaType, Response, get
from litestar.handlers import HTTPRouteHandler

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sellerlink demo</title>
<meta name="referrer" content="no-referrer">
<style>
body{font:15px system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#222}
h1{font-size:1.4rem} h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;width:100%} td,th{border-bottom:1px solid #ddd;padding:.3rem;
text-align:left} .ok{color:#176117} .warn{color:#8a5a00} .bad{color:#a11}
button{margin:.1rem} .box{border:1px solid #ccc;border-radius:6px;padding:1rem;margin:1rem 0}
#msg{padding:.6rem;border-radius:6px;background:#f3f3f3;white-space:pre-wrap}
</style></head><body>
<h1>sellerlink demo &mdash; __TEAM__</h1>
<p>Acting as <select id="role"></select>. Amazon is the sandbox: on its consent page pick a
scenario account (for example <b>us-seller</b>) and click Approve.
API reference: <a href="/schema">/schema</a>. Webhooks your product would receive:
<a href="/demo/webhooks">/demo/webhooks</a>.</p>
<div id="msg">Ready.</div>
<div class="box"><b>Connect an Amazon account</b><br>
<select id="channel"><option value="ads">Amazon Ads</option>
<option value="sp_api">Selling Partner API</option></select>
<select id="region"><option>NA</option><option>EU</option><option>FE</option></select>
<select id="atype"><option>seller</option><option>vendor</option></select>
<button onclick="connect()">Connect</button></div>
<h2>Connections</h2><div id="connections">Loading&hellip;</div>
<script>
const TOKENS = __TOKENS__;
const role = document.getElementById('role');
for (const r of Object.keys(TOKENS)) role.add(new Option(r, r));
role.value = localStorage.getItem('sellerlink-role') || 'owner';
role.onchange = () => { localStorage.setItem('sellerlink-role', role.value); load(); };
const esc = s => String(s ?? '').replace(/[&<>"']/g, c => '&#' + c.charCodeAt(0) + ';');
function say(text, cls) { const m = document.getElementById('msg');
  m.textContent = text; m.className = cls || ''; }
async function api(method, path, body) {
  const r = await fetch('/api/v1' + path, {method, headers: {
    'Authorization': 'Bearer ' + TOKENS[role.value], 'Content-Type': 'application/json'},
    body: body ? JSON.stringify(body) : undefined});
  if (r.status === 204) return null;
  const data = await r.json();
  if (!r.ok) { say(data.code + ': ' + data.detail + '\\n- ' + (data.remediation || []).join('\\n- '),
    'bad'); throw data; }
  return data;
}
async function authorize(body) {
  body.return_to = '/demo';
  const started = await api('POST', '/connections/authorizations', body);
  say('Scopes to approve: ' + started.scopes.map(s => s.name).join(', ') + '. Going to Amazon...');
  window.location = started.authorization_url;
}
function connect() { authorize({channel: val('channel'), region: val('region'),
  account_type: val('atype')}); }
const val = id => document.getElementById(id).value;
async function act(fn) { try { await fn(); await load(); } catch (e) {} }
async function load() {
  const box = document.getElementById('connections');
  let list; try { list = await api('GET', '/connections'); } catch (e) { return; }
  if (!list.items.length) { box.innerHTML = '<p>No Amazon account connected yet.</p>'; return; }
  let html = '';
  for (const c of list.items) {
    const cls = {connected: 'ok', expiring: 'warn'}[c.health] || 'bad';
    html += `<div class="box"><b>${esc(c.display_name || c.id)}</b> (${esc(c.account_type)},
      ${esc(c.region)}, seller id ${esc(c.selling_partner_id || '-')})
      <span class="${cls}">${esc(c.health)}</span><br>` +
      c.grants.map(g => `${esc(g.channel)}: ${esc(g.status_text)}`).join(' &middot; ') +
      `<br><button onclick="act(()=>authorize({channel:'ads',region:'${c.region}',` +
      `account_type:'${c.account_type}',connection_id:'${c.id}'}))">Authorize / reconnect Ads</button>` +
      `<button onclick="act(()=>authorize({channel:'sp_api',region:'${c.region}',` +
      `account_type:'${c.account_type}',connection_id:'${c.id}'}))">Authorize / reconnect SP-API</button>` +
      `<button onclick="act(()=>api('POST','/connections/${c.id}/refresh'))">Refresh</button>` +
      `<button onclick="act(()=>api('DELETE','/connections/${c.id}'))">Disconnect</button>`;
    const profiles = await api('GET', `/connections/${c.id}/profiles`);
    if (profiles.items.length) {
      html += '<h3>Advertising profile</h3><table>' + profiles.items.map(p =>
        `<tr><td>${esc(p.country_code)}</td><td>${esc(p.account_name)}</td><td>` +
        (p.profile_id === profiles.selected_profile_id ? '<b>selected</b>' +
          (profiles.auto_selected ? ' (automatically)' : '') :
          p.selectable ? `<button onclick="act(()=>api('PUT','/connections/${c.id}/profile',` +
          `{profile_id:'${p.profile_id}'}))">Choose</button>` : esc(p.reason || 'Coming Soon')) +
        '</td></tr>').join('') + '</table>';
    }
    const mps = await api('GET', `/connections/${c.id}/marketplaces`);
    if (mps.items.length) {
      html += '<h3>Marketplaces</h3><table><tr><th>Marketplace</th><th>State</th>' +
        '<th>Retries</th><th></th></tr>' + mps.items.map(m =>
        `<tr><td>${esc(m.name)} (${esc(m.country_code)})</td><td>${esc(m.label || m.state)}` +
        `${m.reason ? ' &ndash; ' + esc(m.reason) : ''}</td>` +
        `<td>${m.retries_used}/${m.retry_limit}</td><td>` +
        (m.state === 'failed' ? `<button onclick="act(()=>api('POST',` +
          `'/connections/${c.id}/marketplaces/${m.marketplace_id}/retry'))">Retry</button>` :
         m.selectable && !m.selected ? `<button onclick="act(()=>api('PUT',` +
          `'/connections/${c.id}/marketplaces/${m.marketplace_id}',{selected:true}))">Select</button>` :
         m.selected ? 'selected' : '') + '</td></tr>').join('') + '</table>';
    }
    html += '</div>';
  }
  box.innerHTML = html;
}
const q = new URLSearchParams(location.search);
if (q.get('result') === 'connected') say('Connected. Next: ' + (q.get('next') || 'see below'), 'ok');
if (q.get('result') === 'error') say('Amazon step failed: ' + q.get('code') +
  ' (see /errors/' + q.get('code') + ')', 'bad');
if (q.has('result')) history.replaceState(null, '', '/demo');
load(); setInterval(load, 3000);
</script></body></html>"""


def demo_page(team_name: str, tokens: Mapping[str, str]) -> HTTPRouteHandler:
    """The page, bound to the demo team's dev tokens (dev mode only)."""
    page = _PAGE.replace("__TEAM__", escape(team_name)).replace(
        "__TOKENS__", json.dumps(dict(tokens)).replace("<", "\\u003c")
    )

    @get("/demo", include_in_schema=False, media_type=MediaType.HTML, sync_to_thread=False)
    def demo() -> Response[str]:
        return Response(
            page,
            media_type=MediaType.HTML,
            headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
        )

    return demo
