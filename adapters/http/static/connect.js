// sellerlink hosted connect: small progressive enhancement over server-rendered forms.
// - tells the server whether the flow runs in a pop-up (so it can post to the opener);
// - keeps keyboard focus where the person was across a step change, or on the error;
// - live progress over server-sent events: text updated in place and announced through an
//   aria-live region; the page is rebuilt only when the step or what can be done changes.
(function () {
  "use strict";
  var FOCUS_KEY = "sellerlink-focus";
  var popup = !!(window.opener && !window.opener.closed);

  function finish(el) {
    var data = el.dataset;
    if (popup && data.origin) {
      var message = data.type === "sellerlink:connected"
        ? {type: data.type, connection_id: data.connection}
        : {type: data.type, code: data.code};
      window.opener.postMessage(message, data.origin);
      window.close();
      return;
    }
    if (data.href) window.location.replace(data.href);
  }

  function restoreFocus() {
    var error = document.getElementById("error");
    var wanted = sessionStorage.getItem(FOCUS_KEY);
    sessionStorage.removeItem(FOCUS_KEY);
    if (error) { error.focus(); return; }
    if (wanted === null) return;
    var target = (wanted && document.getElementById(wanted)) || document.getElementById("heading");
    if (target) target.focus();
  }

  function rememberFocus() {
    var active = document.activeElement;
    sessionStorage.setItem(FOCUS_KEY, active && active.id ? active.id : "");
  }

  function announce(text) {
    var region = document.getElementById("announce");
    if (region) region.textContent = text;
  }

  function listen(live) {
    if (!window.EventSource || !live.dataset.events) return;
    var source = new EventSource(live.dataset.events);
    var key = live.dataset.key;
    source.onmessage = function (event) {
      var state = JSON.parse(event.data);
      if (state.key !== key) {
        source.close();
        rememberFocus();
        announce(state.summary || "");
        window.location.reload();
        return;
      }
      var changed = [];
      (state.marketplaces || []).forEach(function (m) {
        var row = document.querySelector('tr[data-mp="' + m.marketplace_id + '"]');
        if (!row) return;
        var cell = row.querySelector(".state");
        if (cell && cell.textContent !== m.label) {
          cell.textContent = m.label;
          cell.className = "state state-" + m.state;
          row.dataset.state = m.state;
          changed.push(m.name + ": " + m.label);
        }
      });
      if (changed.length) announce(changed.join(". "));
    };
    window.addEventListener("pagehide", function () { source.close(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll('input[name="popup"]').forEach(function (input) {
      input.value = popup ? "1" : "0";
    });
    document.querySelectorAll("form").forEach(function (form) {
      form.addEventListener("submit", rememberFocus);
    });
    var end = document.getElementById("finish");
    if (end) { finish(end); return; }
    restoreFocus();
    var live = document.getElementById("live");
    if (live && live.dataset.listen === "1") listen(live);
  });
})();
