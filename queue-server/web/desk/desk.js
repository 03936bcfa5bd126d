// Sportello desk page: log in, choose a desk (remembered in this browser), open/pause/close,
// call next, serve the current ticket, see the live waiting list and alerts. Everything goes
// through HTTP API v1 with the session cookie and the X-CSRF-Token header; live updates come
// from the site's event stream (EventSource), which reconnects by itself.
// SPDX-License-Identifier: GPL-3.0-only
(function () {
  "use strict";

  // Texts: texts/locales/{it,en}/{desk,staff}.ftl, put in the page by the server (texts.js).
  var TX = window.SportelloTexts;

  var $ = function (id) { return document.getElementById(id); };
  var store = {
    get: function (k) { try { return localStorage.getItem("sportello." + k); } catch (e) { return null; } },
    set: function (k, v) { try { localStorage.setItem("sportello." + k, v); } catch (e) { /* private mode */ } }
  };
  var S = {
    lang: pickLang(store.get("lang") || (navigator.language || "it").slice(0, 2)),
    me: null, csrf: null, sites: [], site: null, desk: null, desks: [], waiting: null, es: null,
    retry: 1000, refreshing: false, again: false, connected: false
  };

  function pickLang(l) { return TX.languages().indexOf(l) >= 0 ? l : "it"; }
  function t(key, vars) { return TX.t(S.lang, key, vars, ""); }
  // A text named after a value from the API (a status, a priority), or the value itself.
  function tOr(key, fallback) { return TX.t(S.lang, key, {}, fallback); }
  function translate() {
    document.documentElement.lang = S.lang;
    $("lang").value = S.lang;
    document.querySelectorAll("[data-i18n]").forEach(function (el) { el.textContent = t(el.getAttribute("data-i18n")); });
    if (S.me) render();
  }
  function show(id) {
    ["login", "choose", "work"].forEach(function (s) { $(s).hidden = s !== id; });
    $("logout").hidden = !S.me;
    $("change-desk").hidden = id !== "work";
  }
  function setConnected(ok) {
    S.connected = ok;
    $("conn").hidden = ok;
  }
  function message(text, isError) {
    var m = $("message");
    m.textContent = text;
    m.className = isError ? "error" : "";
  }

  // --- API -------------------------------------------------------------------------------------
  function api(method, path, body, extra) {
    var headers = { "Accept": "application/json" };
    if (method !== "GET" && S.csrf) headers["X-CSRF-Token"] = S.csrf;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (extra) Object.keys(extra).forEach(function (k) { headers[k] = extra[k]; });
    return fetch(path, {
      method: method, headers: headers, credentials: "same-origin", cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (r) {
      if (r.status === 401 && path !== "/api/v1/session") { loggedOut(); }
      if (r.status === 204) return { status: 204, body: null };
      return r.json().catch(function () { return null; }).then(function (b) {
        if (!r.ok) {
          var err = new Error((b && b.error && b.error.message) || ("HTTP " + r.status));
          err.status = r.status;
          throw err;
        }
        return { status: r.status, body: b };
      });
    }, function (e) { setConnected(false); throw e; });
  }
  function act(method, path, body, extra) {
    return api(method, path, body, extra).then(function (r) { refresh(); return r; }, function (e) {
      message(t("desk-error", { message: e.message }), true);
      refresh();
      throw e;
    });
  }

  // --- session ---------------------------------------------------------------------------------
  function loggedOut() {
    S.me = null; S.csrf = null;
    if (S.es) { S.es.close(); S.es = null; }
    show("login");
  }
  function start() {
    api("GET", "/api/v1/session").then(function (r) { loggedIn(r.body); }, function (e) {
      if (e.status === 401 || e.status === 403) { loggedOut(); setConnected(true); } else { setConnected(false); setTimeout(start, S.retry); }
    });
  }
  function loggedIn(me) {
    S.me = me; S.csrf = me.csrf_token;
    setConnected(true);
    $("who").textContent = me.display_name;
    api("GET", "/api/v1/sites").then(function (r) {
      S.sites = r.body || [];
      var saved = null;
      try { saved = JSON.parse(store.get("desk") || "null"); } catch (e) { saved = null; }
      if (saved && S.sites.some(function (s) { return s.id === saved.site; })) {
        useDesk(saved.site, saved.desk);
      } else {
        chooseDesk();
      }
    });
  }

  // --- desk choice -----------------------------------------------------------------------------
  function fillSelect(sel, items, value) {
    sel.textContent = "";
    items.forEach(function (it) {
      var o = document.createElement("option");
      o.value = it[0]; o.textContent = it[1];
      sel.appendChild(o);
    });
    if (value !== undefined && value !== null) sel.value = value;
  }
  function chooseDesk() {
    show("choose");
    fillSelect($("site"), S.sites.map(function (s) { return [s.id, s.name]; }), S.site);
    loadDeskChoices();
  }
  function loadDeskChoices() {
    var site = $("site").value;
    if (!site) return;
    api("GET", "/api/v1/sites/" + site + "/desks").then(function (r) {
      fillSelect($("desk-select"), r.body.map(function (d) { return [d.id, d.label]; }), S.desk);
    });
  }
  function useDesk(site, desk) {
    S.site = site; S.desk = desk;
    store.set("desk", JSON.stringify({ site: site, desk: desk }));
    show("work");
    connect();
    refresh();
  }

  // --- live state ------------------------------------------------------------------------------
  function connect() {
    if (S.es) S.es.close();
    var es = new EventSource("/api/v1/sites/" + S.site + "/events");
    S.es = es;
    es.onopen = function () { S.retry = 1000; setConnected(true); refresh(); };
    es.onerror = function () {
      setConnected(false);
      if (es.readyState === EventSource.CLOSED && S.es === es) {
        // The browser gave up (e.g. the server answered with an error while restarting): start again.
        setTimeout(function () { if (S.es === es) { start(); } }, S.retry);
        S.retry = Math.min(S.retry * 2, 15000);
      }
    };
    ["ticket.issued", "ticket.called", "ticket.recalled", "ticket.serving", "ticket.done", "ticket.no_show",
      "ticket.cancelled", "ticket.on_hold", "ticket.returned", "ticket.transferred", "desk.updated",
      "queue.updated", "resync"].forEach(function (name) {
      es.addEventListener(name, function (ev) { onEvent(name, ev.data); });
    });
    es.addEventListener("alert.raised", function (ev) {
      var e = JSON.parse(ev.data);
      var a = e.alert || {};
      var text = tOr("staff-alert-" + a.kind, t("staff-alert-other"));
      if (a.ticket_number) text += " – " + a.ticket_number;
      if (a.message) text += ": " + a.message;
      addAlert(a.kind, text, e.at);
    });
  }
  function myServices() {
    var d = S.desks.filter(function (x) { return x.id === S.desk; })[0];
    return d ? d.services : [];
  }
  function onEvent(name, data) {
    var e = null;
    try { e = JSON.parse(data); } catch (err) { e = null; }
    if (e && e.staff && name === "ticket.transferred") {
      var n = e.ticket ? e.ticket.number : "";
      if (e.staff.target_desk === S.desk) addAlert("transfer", t("desk-ticket-for-desk", { number: n }), e.at);
      else if (S.me && e.staff.target_staff === S.me.username) addAlert("transfer", t("desk-ticket-for-me", { number: n }), e.at);
    }
    if (e && e.staff && name === "ticket.issued" && S.waiting) {
      var mine = myServices();
      var before = S.waiting.tickets.filter(function (x) { return mine.indexOf(x.service) >= 0 && x.status === "waiting"; }).length;
      if (before === 0 && mine.indexOf(e.staff.service) >= 0) {
        addAlert("arrival", t("desk-arrival", { number: e.ticket ? e.ticket.number : "" }), e.at);
        if ($("sound").checked) beep();
      }
    }
    refresh();
  }
  function addAlert(kind, text, at) {
    var li = document.createElement("li");
    li.className = kind || "";
    var time = at ? new Date(at) : new Date();
    li.textContent = time.toLocaleTimeString(S.lang, { hour: "2-digit", minute: "2-digit" }) + " · " + text;
    var list = $("alerts");
    list.insertBefore(li, list.firstChild);
    while (list.children.length > 20) list.removeChild(list.lastChild);
  }
  function beep() {
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      var ctx = new Ctx();
      var o = ctx.createOscillator(), g = ctx.createGain();
      o.frequency.value = 880; g.gain.value = 0.15;
      o.connect(g); g.connect(ctx.destination);
      o.start(); o.stop(ctx.currentTime + 0.35);
    } catch (e) { /* no audio */ }
  }

  // One refresh at a time; a request during a refresh runs once more after it.
  function refresh() {
    if (!S.site || !S.me) return;
    if (S.refreshing) { S.again = true; return; }
    S.refreshing = true;
    Promise.all([api("GET", "/api/v1/sites/" + S.site + "/desks"), api("GET", "/api/v1/sites/" + S.site + "/waiting")])
      .then(function (rs) { S.desks = rs[0].body; S.waiting = rs[1].body; if (S.es && S.es.readyState === 1) setConnected(true); render(); },
        function () { /* shown by the banner */ })
      .then(function () {
        S.refreshing = false;
        if (S.again) { S.again = false; refresh(); }
      });
  }

  // --- rendering -------------------------------------------------------------------------------
  function desk() { return S.desks.filter(function (d) { return d.id === S.desk; })[0]; }
  function fmtMin(s) { return t("desk-minutes", { n: Math.floor(s / 60) }); }
  function prio(p) { return tOr("staff-priority-" + p, p); }
  function needsText(needs) {
    return (needs || []).map(function (n) { return n.indexOf("mediator:") === 0 ? t("desk-mediator") + " " + n.slice(9) : n; }).join(", ");
  }
  function render() {
    var d = desk();
    if (!d || !S.waiting) return;
    $("desk-title").textContent = "· " + d.label;
    $("desk-status").textContent = tOr("staff-desk-" + d.status, d.status);
    var mineAtDesk = d.staff && S.me && d.staff === S.me.username;
    $("open").disabled = d.status === "open" && mineAtDesk;
    $("pause").disabled = !mineAtDesk || d.status !== "open";
    $("close").disabled = d.status === "closed";
    var cur = d.current;
    $("call-next").disabled = !(mineAtDesk && d.status === "open" && !cur);
    $("current-ticket").hidden = !cur;
    $("current-none").hidden = !!cur;
    if (cur) {
      $("current-number").textContent = cur.number;
      var bits = [cur.service_label, tOr("staff-status-" + cur.status, cur.status), prio(cur.priority), cur.language.toUpperCase(), t("desk-people", { n: cur.party_size })];
      if (cur.needs.length) bits.push(needsText(cur.needs));
      $("current-info").textContent = bits.join(" · ");
      var called = cur.status === "called", serving = cur.status === "serving";
      $("recall").disabled = !called;
      $("start").disabled = !called;
      $("finish").disabled = !serving;
      $("no-show").disabled = !called;
      $("hold").disabled = !(called || serving);
      $("return").disabled = !(called || serving);
      $("transfer-toggle").disabled = !(called || serving);
      if (S.currentId !== cur.id) { $("transfer-form").hidden = true; S.currentId = cur.id; fillTransfer(); }
    } else {
      S.currentId = null;
      $("transfer-form").hidden = true;
    }
    renderWaiting(d);
  }
  function fillTransfer() {
    var site = S.sites.filter(function (s) { return s.id === S.site; })[0];
    var services = site ? site.services.map(function (s) { return [s.id, s.public_label[S.lang] || s.public_label.it || s.id]; }) : [];
    fillSelect($("xfer-service"), [["", t("desk-none")]].concat(services), "");
    fillSelect($("xfer-desk"), [["", t("desk-none")]].concat(S.desks.filter(function (d) { return d.id !== S.desk; })
      .map(function (d) { return [d.id, d.label]; })), "");
    var staff = [];
    S.desks.forEach(function (d) { if (d.staff && (!S.me || d.staff !== S.me.username) && staff.indexOf(d.staff) < 0) staff.push(d.staff); });
    fillSelect($("xfer-staff"), [["", t("desk-none")]].concat(staff.map(function (s) { return [s, s]; })), "");
  }
  function renderWaiting(d) {
    var list = S.waiting.tickets.filter(function (x) { return d.services.indexOf(x.service) >= 0 || x.target_desk === S.desk || (S.me && x.target_staff === S.me.username); });
    var ooo = S.waiting.out_of_order_calls;
    var canCall = d.status === "open" && !d.current && S.me && d.staff === S.me.username;
    $("call-col").hidden = !ooo;
    $("waiting-count").textContent = "(" + list.filter(function (x) { return x.status === "waiting"; }).length + ")";
    $("waiting-empty").hidden = list.length > 0;
    $("waiting").hidden = list.length === 0;
    var body = $("waiting").tBodies[0];
    body.textContent = "";
    list.forEach(function (x) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-number", x.number);
      var mine = x.target_desk === S.desk || (S.me && x.target_staff === S.me.username);
      if (mine) tr.className = "mine";
      var forWho = x.target_desk ? (x.target_desk === S.desk ? t("desk-this-desk") : deskLabel(x.target_desk))
        : x.target_staff ? (S.me && x.target_staff === S.me.username ? t("desk-you") : x.target_staff)
          : x.status === "on_hold" ? t("staff-status-on_hold") + " · " + deskLabel(x.desk) : "";
      var cells = [x.number, x.service_label, fmtMin(x.waited_s), prio(x.priority), x.language.toUpperCase(), needsText(x.needs), String(x.party_size), forWho];
      cells.forEach(function (c, i) {
        var td = document.createElement(i === 0 ? "th" : "td");
        if (i === 0) { td.scope = "row"; td.className = "num"; }
        if (i === 3 && x.priority !== "standard") td.className = "prio";
        td.textContent = c;
        tr.appendChild(td);
      });
      if (ooo) {
        var td = document.createElement("td");
        if (x.status === "waiting") {
          var b = document.createElement("button");
          b.type = "button"; b.textContent = t("desk-call-this-button", { number: x.number }); b.disabled = !canCall;
          b.className = "call-this";
          b.addEventListener("click", function () { callNext(x.id); });
          td.appendChild(b);
        }
        tr.appendChild(td);
      }
      body.appendChild(tr);
    });
  }
  function deskLabel(id) {
    var d = S.desks.filter(function (x) { return x.id === id; })[0];
    return d ? d.label : (id || "");
  }

  // --- actions ---------------------------------------------------------------------------------
  function key() { return "web-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2); }
  function callNext(ticket) {
    var b = $("call-next");
    if (b.disabled && !ticket) return;
    b.disabled = true;
    act("POST", "/api/v1/desks/" + S.desk + "/call-next", ticket ? { ticket: ticket } : undefined, { "Idempotency-Key": key() })
      .then(function (r) { message(r.status === 204 ? t("desk-nobody") : t("desk-called-message", { number: r.body.number })); }, function () { });
  }
  function ticketAction(name, body) {
    var d = desk();
    if (!d || !d.current) return;
    var btn = $(name === "no-show" ? "no-show" : name);
    if (btn && btn.disabled) return;
    act("POST", "/api/v1/tickets/" + d.current.id + "/" + name, body).then(function () { message(t("desk-done-message")); }, function () { });
  }
  function deskAction(name) {
    if ($(name).disabled) return;
    act("POST", "/api/v1/desks/" + S.desk + "/" + name).then(function () { message(t("desk-done-message")); }, function () { });
  }

  function wire() {
    $("lang").addEventListener("change", function () { S.lang = this.value; store.set("lang", S.lang); translate(); });
    $("login-form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      $("login-error").textContent = "";
      api("POST", "/api/v1/session", { username: $("username").value, password: $("password").value })
        .then(function (r) { $("password").value = ""; loggedIn(r.body); },
          function (e) { $("login-error").textContent = e.status === 401 ? t("desk-bad-login") : t("desk-error", { message: e.message }); });
    });
    $("logout").addEventListener("click", function () {
      api("DELETE", "/api/v1/session").then(loggedOut, loggedOut);
    });
    $("site").addEventListener("change", loadDeskChoices);
    $("use-desk").addEventListener("click", function () { useDesk($("site").value, $("desk-select").value); });
    $("change-desk").addEventListener("click", function () { if (S.es) { S.es.close(); S.es = null; } chooseDesk(); });
    ["open", "pause", "close"].forEach(function (n) { $(n).addEventListener("click", function () { deskAction(n); }); });
    $("call-next").addEventListener("click", function () { callNext(); });
    ["recall", "start", "finish", "no-show", "hold"].forEach(function (n) {
      $(n).addEventListener("click", function () { ticketAction(n); });
    });
    $("return").addEventListener("click", function () { ticketAction("return", { keep_position: true }); });
    $("transfer-toggle").addEventListener("click", function () {
      if (this.disabled) return;
      fillTransfer();
      $("transfer-form").hidden = !$("transfer-form").hidden;
      if (!$("transfer-form").hidden) $("xfer-service").focus();
    });
    $("transfer-form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      var body = { keep_position: $("xfer-keep").checked };
      if ($("xfer-service").value) body.service = $("xfer-service").value;
      if ($("xfer-desk").value) body.desk = $("xfer-desk").value;
      if ($("xfer-staff").value) body.staff = $("xfer-staff").value;
      $("transfer-form").hidden = true;
      ticketAction("transfer", body);
    });
    $("sound").checked = store.get("sound") === "1";
    $("sound").addEventListener("change", function () { store.set("sound", this.checked ? "1" : "0"); });
    document.addEventListener("keydown", function (ev) {
      if (ev.ctrlKey || ev.metaKey || ev.altKey || $("work").hidden) return;
      var tag = (ev.target && ev.target.tagName) || "";
      if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") return;
      var k = ev.key.toLowerCase();
      var map = { n: function () { callNext(); }, r: function () { ticketAction("recall"); }, s: function () { ticketAction("start"); },
        f: function () { ticketAction("finish"); }, x: function () { ticketAction("no-show"); }, h: function () { ticketAction("hold"); },
        b: function () { $("return").click(); }, t: function () { $("transfer-toggle").click(); } };
      if (map[k]) { ev.preventDefault(); map[k](); }
    });
    // Waiting times move with the clock: re-draw every half minute.
    setInterval(function () { if (S.waiting) refresh(); }, 30000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    wire();
    translate();
    start();
  });
})();
