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
    retry: 1000, refreshing: false, again: false, connected: true,
    // Open alerts of the site (GET /api/v1/sites/{site}/alerts); ids already sounded on this page.
    alerts: [], sounded: {},
    // When the stream last said anything (events or heartbeats, every 3 s at most).
    lastBeat: 0,
    // The last Finish or No-show, while Undo is offered: {id, number, until}.
    undo: null
  };
  // Silence on the staff stream longer than this means "not connected".
  var SILENCE_MS = 7000;
  // Finish and No-show act at once; Undo is offered this long (the server allows 15 s).
  var UNDO_MS = 10000;

  function pickLang(l) { return TX.languages().indexOf(l) >= 0 ? l : "it"; }
  function t(key, vars) { return TX.t(S.lang, key, vars, ""); }
  // A text named after a value from the API (a status, a priority), or the value itself.
  function tOr(key, fallback) { return TX.t(S.lang, key, {}, fallback); }
  function translate() {
    document.documentElement.lang = S.lang;
    $("lang").value = S.lang;
    statsLink();
    document.querySelectorAll("[data-i18n]").forEach(function (el) { el.textContent = t(el.getAttribute("data-i18n")); });
    if (S.me) { fillReception(); fillAppointments(); render(); renderDevices(); fillPrintAt(); }
  }
  // The statistics open in the desk page's language, for the desk's site.
  function statsLink() {
    $("stats-link").href = "/stats?lang=" + encodeURIComponent(S.lang) + (S.site ? "&site=" + encodeURIComponent(S.site) : "");
  }
  function show(id) {
    ["login", "choose", "work"].forEach(function (s) { $(s).hidden = s !== id; });
    $("logout").hidden = !S.me;
    $("change-desk").hidden = id !== "work";
  }
  function setConnected(ok) {
    var was = S.connected;
    S.connected = ok;
    $("conn").hidden = ok;
    if (was !== ok && S.me) render();
  }
  // Every action button, disabled while not connected, saying why.
  var ACTIONS = ["open", "pause", "close", "call-next", "undo", "recall", "start", "finish", "no-show", "hold", "return", "transfer-toggle", "xfer-go", "rx-go"];
  function offlineGuard() {
    var why = S.connected ? "" : t("desk-disabled-offline");
    ACTIONS.concat(Array.prototype.slice.call(document.querySelectorAll(".call-this, .call-back, .going, .lift-cap, .ap-act")).map(function (b) { return b; }))
      .forEach(function (b) {
        var el = typeof b === "string" ? $(b) : b;
        if (!el) return;
        if (!S.connected) { el.disabled = true; el.title = why; } else if (el.title === t("desk-disabled-offline")) { el.title = ""; }
      });
  }
  function errText(e) {
    if (e && e.code) { var m = tOr("desk-err-" + e.code, ""); if (m) return m; }
    if (e && !e.status) return t("desk-err-offline");
    return t("desk-error", { message: e ? e.message : "" });
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
          err.code = b && b.error && b.error.code;
          throw err;
        }
        return { status: r.status, body: b };
      });
    }, function (e) { setConnected(false); throw e; });
  }
  function act(method, path, body, extra) {
    if (!S.connected) { message(t("desk-err-offline"), true); return Promise.reject(new Error("offline")); }
    return api(method, path, body, extra).then(function (r) { refresh(); return r; }, function (e) {
      message(errText(e), true);
      refresh();
      throw e;
    });
  }

  // --- session ---------------------------------------------------------------------------------
  function loggedOut() {
    S.me = null; S.csrf = null;
    hideSlip();
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
    // Sent here to log in by a statistics page: back to it.
    var then = new URLSearchParams(location.search).get("then");
    if (then && /^\/stats(\/live)?([?].*)?$/.test(then)) { location.href = then; return; }
    $("who").textContent = me.display_name;
    $("stats-link").hidden = !(me.role === "manager" || me.role === "admin");
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
    var sameSite = S.site === site;
    S.site = site; S.desk = desk;
    statsLink();
    fillReception();
    if (!sameSite || !$("ap-day").value) { $("ap-day").value = siteNow().date; $("ap-date").value = ""; AP.slot = {}; hideSlip(); }
    fillAppointments();
    loadColleagues();
    loadAppts();
    store.set("desk", JSON.stringify({ site: site, desk: desk }));
    show("work");
    connect();
    refresh();
    loadDevices();
  }

  // --- live state ------------------------------------------------------------------------------
  function connect() {
    if (S.es) S.es.close();
    var es = new EventSource("/api/v1/sites/" + S.site + "/events");
    S.es = es;
    S.lastBeat = Date.now();
    es.onopen = function () { S.retry = 1000; S.lastBeat = Date.now(); setConnected(true); refresh(); };
    es.addEventListener("heartbeat", function () { S.lastBeat = Date.now(); setConnected(true); });
    es.onerror = function () {
      setConnected(false);
      if (es.readyState === EventSource.CLOSED && S.es === es) {
        // The browser gave up (e.g. the server answered with an error while restarting): start again.
        setTimeout(function () { if (S.es === es) { start(); } }, S.retry);
        S.retry = Math.min(S.retry * 2, 15000);
      }
    };
    ["ticket.issued", "ticket.called", "ticket.recalled", "ticket.serving", "ticket.done", "ticket.no_show",
      "ticket.cancelled", "ticket.on_hold", "ticket.returned", "ticket.transferred", "ticket.expired", "desk.updated",
      "queue.updated", "resync", "alert.acknowledged", "day.closed", "service.cap_lifted"].forEach(function (name) {
      es.addEventListener(name, function (ev) { S.lastBeat = Date.now(); setConnected(true); onEvent(name, ev.data); });
    });
    es.addEventListener("alert.raised", function (ev) {
      S.lastBeat = Date.now(); setConnected(true);
      var e = JSON.parse(ev.data);
      var a = e.alert || {};
      addAlert(a.kind, alertText(a), e.at);
      refresh();
      loadAppts();
    });
  }
  function alertText(a) {
    var text = tOr("staff-alert-" + a.kind, t("staff-alert-other"));
    if (a.ticket_number) text += " – " + a.ticket_number;
    if (a.message) text += ": " + a.message;
    return text;
  }
  // The open alerts at the top of the page, flashing until someone says "I'm going"; a new one sounds.
  function renderAlerts() {
    $("open-alerts").hidden = S.alerts.length === 0;
    $("open-alerts").classList.toggle("flash", S.alerts.length > 0);
    if (!changed("alerts", S.alerts.map(function (a) { return a.id; }).join(",") + S.lang)) return;
    var list = $("open-alerts-list");
    list.textContent = "";
    var fresh = false;
    S.alerts.forEach(function (a) {
      if (!S.sounded[a.id]) { S.sounded[a.id] = true; fresh = true; }
      var li = document.createElement("li");
      li.className = "alert-" + a.kind;
      li.setAttribute("data-alert", a.id);
      var span = document.createElement("span");
      var time = new Date(a.raised_at);
      span.textContent = t("desk-alert-line", { time: time.toLocaleTimeString(S.lang, { hour: "2-digit", minute: "2-digit" }), what: alertText(a) });
      var b = document.createElement("button");
      b.type = "button"; b.className = "going"; b.textContent = t("desk-im-going");
      b.addEventListener("click", function () {
        b.disabled = true;
        act("POST", "/api/v1/alerts/" + encodeURIComponent(a.id) + "/ack").then(function () { message(t("desk-msg-going")); }, function () { });
      });
      li.appendChild(span); li.appendChild(b);
      list.appendChild(li);
    });
    if (fresh) { beep(); setTimeout(beep, 450); setTimeout(beep, 900); }
  }
  // The site's kiosks and displays that need looking at, from their health reports.
  var DEVICE_TEXT = {
    silent: "desk-device-silent", never_reported: "desk-device-never-reported",
    sound_failing: "desk-device-sound-failing", sound_missing: "desk-device-sound-missing",
    chime_only: "desk-device-chime-only", printer_failing: "desk-device-printer-failing", paper_low: "desk-device-paper-low"
  };
  function loadDevices() {
    if (!S.site) return;
    api("GET", "/api/v1/sites/" + encodeURIComponent(S.site) + "/devices").then(function (r) {
      S.devices = (r.body || []).filter(function (d) { return d.problem_code; });
      // Reception may print at any kiosk of the site that has a printer (one that never said is offered too).
      S.kiosks = (r.body || []).filter(function (d) { return d.kind === "kiosk" && d.printer !== "none"; });
      renderDevices();
      fillPrintAt();
      $("devices").setAttribute("data-loaded", String(Date.now()));
    }, function () { });
  }
  function renderDevices() {
    var list = $("devices-list");
    var devices = S.devices || [];
    $("devices").hidden = devices.length === 0;
    list.textContent = "";
    devices.forEach(function (d) {
      var li = document.createElement("li");
      li.setAttribute("data-device", d.id);
      var key = DEVICE_TEXT[d.problem_code];
      li.textContent = key ? t(key, { name: d.name, detail: d.detail || "", min: d.silent_min || 0 }) : d.name + ": " + d.problem;
      list.appendChild(li);
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
    // A check-in at the kiosk issues a ticket: the day's appointments say so.
    if (name === "ticket.issued") loadAppts();
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
    var base = "/api/v1/sites/" + S.site;
    Promise.all([api("GET", base + "/desks"), api("GET", base + "/waiting?desk=" + encodeURIComponent(S.desk)), api("GET", base + "/alerts"),
      api("GET", base + "/kiosk")])
      .then(function (rs) { S.desks = rs[0].body; S.waiting = rs[1].body; S.alerts = rs[2].body || []; S.kiosk = rs[3].body; render(); },
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
  // The staff-facing name in the page's language (the site list carries every language), with the
  // waiting room's public label beside it: "Legale (Area H)".
  function serviceText(x) {
    var site = S.sites.filter(function (s) { return s.id === S.site; })[0];
    var svc = site && site.services.filter(function (s) { return s.id === x.service; })[0];
    var name = (svc && svc.names && (svc.names[S.lang] || svc.names.it)) || x.service_name || x.service;
    return x.service_label && x.service_label !== name ? name + " (" + x.service_label + ")" : name;
  }
  // Whether the content of a list changed since it was last drawn (then it is drawn again).
  var drawn = {};
  function changed(name, key) {
    if (drawn[name] === key) return false;
    drawn[name] = key;
    return true;
  }
  function mineAtDesk(d) { return !!(d && d.staff && S.me && d.staff === S.me.username); }
  function render() {
    var d = desk();
    renderAlerts();
    if (!d || !S.waiting) { offlineGuard(); return; }
    $("desk-title").textContent = "· " + d.label;
    $("desk-status").textContent = tOr("staff-desk-" + d.status, d.status);
    var mine = mineAtDesk(d);
    $("open").disabled = d.status === "open" && mine;
    $("pause").disabled = !mine || d.status !== "open";
    $("close").disabled = d.status === "closed";
    var cur = d.current;
    $("call-next").disabled = !(mine && d.status === "open" && !cur);
    $("current-ticket").hidden = !cur;
    $("current-none").hidden = !!cur;
    if (cur) {
      $("current-number").textContent = cur.number;
      var bits = [serviceText(cur), tOr("staff-status-" + cur.status, cur.status), prio(cur.priority), cur.language.toUpperCase(), t("desk-people", { n: cur.party_size })];
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
      $("xfer-go").disabled = false;
      if (S.currentId !== cur.id) { $("transfer-form").hidden = true; S.currentId = cur.id; fillTransfer(); }
    } else {
      S.currentId = null;
      $("transfer-form").hidden = true;
    }
    renderUndo();
    renderClosing();
    renderParked(d);
    renderWaiting(d);
    renderCaps();
    renderAppts();
    $("rx-go").disabled = false;
    offlineGuard();
  }
  // "Undo" for a few seconds after a Finish or No-show, with the seconds left.
  function renderUndo() {
    var u = S.undo;
    var left = u ? Math.ceil((u.until - Date.now()) / 1000) : 0;
    if (u && left <= 0) S.undo = u = null;
    $("undo-bar").hidden = !u;
    if (u) $("undo-text").textContent = t("desk-undo-offer", { number: u.number, s: left });
  }
  function offerUndo(id, number) {
    S.undo = { id: id, number: number, until: Date.now() + UNDO_MS };
    if (S.undoTimer) clearInterval(S.undoTimer);
    S.undoTimer = setInterval(function () { renderUndo(); if (!S.undo) { clearInterval(S.undoTimer); S.undoTimer = null; } }, 500);
    renderUndo();
  }
  function undo() {
    var u = S.undo;
    if (!u || $("undo").disabled) return;
    S.undo = null;
    renderUndo();
    act("POST", "/api/v1/tickets/" + encodeURIComponent(u.id) + "/undo")
      .then(function () { message(t("desk-msg-undo", { number: u.number })); }, function () { });
  }
  function renderClosing() {
    var at = S.waiting.closes_at ? new Date(S.waiting.closes_at) : null;
    var soon = at && at.getTime() - Date.now() < 3600 * 1000;
    var n = S.waiting.tickets.filter(function (x) { return x.status === "waiting"; }).length;
    $("closing").hidden = !soon;
    if (soon) $("closing").textContent = t("desk-closing", { time: at.toLocaleTimeString(S.lang, { hour: "2-digit", minute: "2-digit" }), n: n });
  }
  function fillTransfer() {
    var site = S.sites.filter(function (s) { return s.id === S.site; })[0];
    var services = site ? site.services.map(function (s) { return [s.id, serviceText({ service: s.id, service_label: s.public_label[S.lang] || s.public_label.it })]; }) : [];
    fillSelect($("xfer-service"), [["", t("desk-none")]].concat(services), "");
    fillSelect($("xfer-desk"), [["", t("desk-none")]].concat(S.desks.filter(function (d) { return d.id !== S.desk; })
      .map(function (d) { return [d.id, d.label]; })), "");
    // Every colleague of the site by name, where they sit and whether they are free.
    var others = (S.colleagues || []).filter(function (c) { return !S.me || c.username !== S.me.username; });
    fillSelect($("xfer-staff"), [["", t("desk-none")]].concat(others.map(function (c) {
      var where = c.desk ? (c.desk_label || c.desk) + " · " + (c.free ? t("desk-free") : tOr("staff-desk-" + c.desk_status, c.desk_status)) : t("desk-not-seated");
      return [c.username, c.display_name + " (" + where + ")"];
    })), "");
  }
  // Parked (on hold) tickets of the site: this desk's first, longest parked first, with Call back.
  function renderParked(d) {
    var canCall = d.status === "open" && !d.current && mineAtDesk(d);
    var list = S.waiting.tickets.filter(function (x) { return x.status === "on_hold"; });
    list.sort(function (a, b) { return ((b.desk === S.desk) - (a.desk === S.desk)) || ((b.held_s || 0) - (a.held_s || 0)); });
    $("parked-count").textContent = "(" + list.length + ")";
    $("parked-empty").hidden = list.length > 0;
    var key = JSON.stringify(list.map(function (x) { return [x.id, Math.floor((x.held_s || 0) / 60), x.desk]; })) + canCall + S.connected + S.lang;
    if (!changed("parked", key)) return;
    var ul = $("parked-list");
    ul.textContent = "";
    list.forEach(function (x) {
      var li = document.createElement("li");
      li.setAttribute("data-number", x.number);
      if (x.desk === S.desk) li.className = "mine";
      var num = document.createElement("strong");
      num.className = "num"; num.textContent = x.number;
      var info = document.createElement("span");
      info.textContent = [serviceText(x), t("desk-parked-for", { n: Math.floor((x.held_s || 0) / 60), desk: deskLabel(x.desk) })].join(" · ");
      var b = document.createElement("button");
      b.type = "button"; b.className = "call-back"; b.textContent = t("desk-call-back", { number: x.number });
      b.disabled = !canCall || d.services.indexOf(x.service) < 0;
      b.addEventListener("click", function () { resume(x); });
      li.appendChild(num); li.appendChild(info); li.appendChild(b);
      ul.appendChild(li);
    });
  }
  function renderWaiting(d) {
    var list = S.waiting.tickets.filter(function (x) {
      return x.status === "waiting" && (d.services.indexOf(x.service) >= 0 || x.target_desk === S.desk || (S.me && x.target_staff === S.me.username));
    });
    var ooo = S.waiting.out_of_order_calls;
    var canCall = d.status === "open" && !d.current && mineAtDesk(d);
    $("call-col").hidden = !ooo;
    $("waiting-count").textContent = "(" + list.length + ")";
    $("waiting-empty").hidden = list.length > 0;
    $("waiting").hidden = list.length === 0;
    var body = $("waiting").tBodies[0];
    body.textContent = "";
    list.forEach(function (x) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-number", x.number);
      var mine = x.target_desk === S.desk || (S.me && x.target_staff === S.me.username);
      var cls = [];
      if (mine) cls.push("mine");
      if (x.callable === false) cls.push("later");
      tr.className = cls.join(" ");
      var forWho = x.target_desk ? t("desk-for") + " " + (x.target_desk === S.desk ? t("desk-this-desk") : deskLabel(x.target_desk))
        : x.target_staff ? t("desk-for") + " " + (S.me && x.target_staff === S.me.username ? t("desk-you") : x.target_staff) : "";
      var why = (x.reasons || []).map(function (r) { return tOr("desk-reason-" + r, r); });
      if (x.callable === false && why.length === 0) why.push(t("desk-not-callable"));
      if (forWho && !mine) why.push(forWho);
      var details = [x.language.toUpperCase(), t("desk-people", { n: x.party_size })];
      if (x.needs.length) details.push(needsText(x.needs));
      var cells = [x.number, serviceText(x), fmtMin(x.waited_s), prio(x.priority), details.join(" · "), why.join(", ")];
      cells.forEach(function (c, i) {
        var td = document.createElement(i === 0 ? "th" : "td");
        if (i === 0) { td.scope = "row"; td.className = "num"; }
        if (i === 3 && x.priority !== "standard") td.className = "prio";
        if (i === 5) td.className = "why";
        td.textContent = c;
        tr.appendChild(td);
      });
      if (ooo) {
        var td = document.createElement("td");
        var b = document.createElement("button");
        b.type = "button"; b.textContent = t("desk-call-this-button", { number: x.number }); b.disabled = !canCall || x.callable === false;
        b.className = "call-this";
        b.addEventListener("click", function () { callNext(x.id); });
        td.appendChild(b);
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
    // Calling someone else ends the chance to undo the last close.
    S.undo = null;
    renderUndo();
    act("POST", "/api/v1/desks/" + S.desk + "/call-next", ticket ? { ticket: ticket } : undefined, { "Idempotency-Key": key() })
      .then(function (r) { message(r.status === 204 ? t("desk-nobody") : t("desk-called-message", { number: r.body.number })); }, function () { });
  }
  function resume(x) {
    act("POST", "/api/v1/tickets/" + x.id + "/resume", { desk: S.desk })
      .then(function () { message(t("desk-msg-resume", { number: x.number })); }, function () { });
  }
  // Finish and No-show close the ticket for good: the first press asks, a second within a few
  // seconds does it.
  var UNDOABLE = { "finish": true, "no-show": true };
  function ticketAction(name, body) {
    var d = desk();
    if (!d || !d.current) return;
    var btn = $(name);
    if (btn && btn.disabled) return;
    var number = d.current.number, id = d.current.id;
    return act("POST", "/api/v1/tickets/" + id + "/" + name, body)
      .then(function () {
        message(t("desk-msg-" + name, { number: number }));
        if (UNDOABLE[name]) offerUndo(id, number);
      }, function () { });
  }
  function deskAction(name) {
    if ($(name).disabled) return;
    return act("POST", "/api/v1/desks/" + S.desk + "/" + name).then(function () { message(t("desk-msg-" + name)); }, function () { });
  }
  // Logging out with the desk open: pause or close it first; a ticket at the desk goes back to the
  // queue keeping its place (never left called).
  // --- reception: a ticket for someone who cannot use the kiosk; find a ticket by number ---------
  function fillReception() {
    var site = S.sites.filter(function (s) { return s.id === S.site; })[0];
    if (!site) return;
    fillSelect($("rx-service"), site.services.map(function (s) {
      return [s.id, serviceText({ service: s.id, service_label: s.public_label[S.lang] || s.public_label.it })];
    }), $("rx-service").value || undefined);
    Array.prototype.forEach.call($("rx-language").options, function (o) { o.hidden = site.languages.indexOf(o.value) < 0; });
    if (site.languages.indexOf($("rx-language").value) < 0) $("rx-language").value = site.languages[0];
  }
  // "Print at": show the QR here, or one of the site's kiosks with a printer (a kiosk with a
  // problem says so, in the devices' own words).
  function fillPrintAt() {
    var sel = $("rx-print");
    var value = sel.value;
    var items = [["", t("desk-print-here")]].concat((S.kiosks || []).map(function (d) {
      var key = DEVICE_TEXT[d.problem_code];
      return [d.id, key ? t(key, { name: d.name, detail: d.detail || "", min: d.silent_min || 0 }) : d.name];
    }));
    fillSelect(sel, items, items.some(function (it) { return it[0] === value; }) ? value : "");
  }
  function kioskName(id) {
    var k = (S.kiosks || []).filter(function (d) { return d.id === id; })[0];
    return k ? k.name : id;
  }
  // Follow a print job until the kiosk says printed or not, or it expires; the QR appears on screen
  // whenever the ticket did not (or may not have) come out: nobody is left without their ticket.
  var PRINT_GIVE_UP_MS = 75000;
  function followPrint(job, kiosk) {
    var mine = S.printing = {};
    var status = $("rx-print-status");
    var started = Date.now();
    var say = function (text, failed) {
      status.hidden = false;
      status.textContent = text;
      status.className = failed ? "error" : "";
      if (failed) { $("rx-qr").hidden = false; $("rx-result").setAttribute("data-print", "failed"); }
      $("rx-result").scrollIntoView({ block: "nearest" });
    };
    say(t("desk-printing-at", { kiosk: kiosk }), false);
    $("rx-result").setAttribute("data-print", "printing");
    var poll = function () {
      if (S.printing !== mine) return;
      api("GET", "/api/v1/print-jobs/" + encodeURIComponent(job)).then(function (r) {
        if (S.printing !== mine) return;
        var j = r.body;
        if (j.status === "printed") {
          say(t("desk-printed-at", { kiosk: j.device_name || kiosk }), false);
          $("rx-result").setAttribute("data-print", "printed");
        } else if (j.status === "failed" || j.status === "expired") {
          say(t("desk-not-printed", { reason: tOr("desk-print-error-" + j.error, t("desk-print-error-unknown")) }), true);
        } else if (Date.now() - started > PRINT_GIVE_UP_MS) {
          say(t("desk-not-printed", { reason: t("desk-print-error-no_answer") }), true);
        } else {
          setTimeout(poll, 1000);
        }
      }, function () {
        if (S.printing !== mine) return;
        if (Date.now() - started > PRINT_GIVE_UP_MS) say(t("desk-not-printed", { reason: t("desk-print-error-unknown") }), true);
        else setTimeout(poll, 2000);
      });
    };
    setTimeout(poll, 700);
  }
  function issueAtReception() {
    var lang = $("rx-language").value;
    var body = { service: $("rx-service").value, priority: $("rx-priority").value, language: lang,
      party_size: Math.max(1, Math.min(30, parseInt($("rx-party").value, 10) || 1)) };
    if ($("rx-mediator").checked) body.needs = ["mediator:" + lang];
    var printAt = $("rx-print").value;
    if (printAt) body.print_at = printAt;
    act("POST", "/api/v1/sites/" + S.site + "/tickets", body, { "Idempotency-Key": key() }).then(function (r) {
      var v = r.body;
      S.printing = null;
      $("rx-result").hidden = false;
      $("rx-result").removeAttribute("data-print");
      $("rx-print-status").hidden = true;
      $("rx-number").textContent = v.number;
      $("rx-info").textContent = t("desk-issued", { service: serviceText(v), ahead: v.people_ahead });
      $("rx-qr").src = v.status_url + "/qr.svg";
      $("rx-qr").alt = v.number;
      // Printing at a kiosk: the QR shows only if the ticket does not come out there.
      $("rx-qr").hidden = !!v.print_job;
      $("rx-link").href = v.status_url;
      message(t("desk-msg-issued", { number: v.number }));
      if (v.print_job) followPrint(v.print_job, kioskName(printAt));
      else $("rx-result").scrollIntoView({ block: "nearest" });
    }, function () { });
  }
  // Services whose daily cap is reached: staff may take more people today (POST …/lift-cap).
  function renderCaps() {
    var full = ((S.kiosk && S.kiosk.services) || []).filter(function (s) { return s.closed_reason === "full"; });
    $("caps").hidden = full.length === 0;
    // Re-drawn only when it changes: a button being pressed is not replaced under the pointer.
    if (!changed("caps", full.map(function (s) { return s.id; }).join(",") + S.lang)) return;
    var ul = $("caps-list");
    ul.textContent = "";
    full.forEach(function (s) {
      var li = document.createElement("li");
      li.setAttribute("data-service", s.id);
      var span = document.createElement("span");
      span.textContent = serviceText({ service: s.id, service_label: s.public_label[S.lang] || s.public_label.it });
      var b = document.createElement("button");
      b.type = "button"; b.className = "lift-cap"; b.textContent = t("desk-lift-cap");
      b.addEventListener("click", function () {
        b.disabled = true;
        act("POST", "/api/v1/sites/" + S.site + "/services/" + s.id + "/lift-cap")
          .then(function () { message(t("desk-msg-lifted", { service: span.textContent })); }, function () { });
      });
      li.appendChild(span); li.appendChild(b);
      ul.appendChild(li);
    });
  }
  function findTicket() {
    var n = $("find-number").value.trim().toUpperCase();
    if (!n || !S.waiting) return;
    var x = S.waiting.tickets.filter(function (w) { return w.number === n; })[0], where = "";
    if (x) {
      where = x.status === "waiting" ? t("desk-find-ahead", { n: x.people_ahead }) : t("desk-find-at", { desk: deskLabel(x.desk) });
    } else {
      S.desks.forEach(function (d) { if (d.current && d.current.number === n) { x = d.current; where = t("desk-find-at", { desk: d.label }); } });
    }
    $("find-result").textContent = x
      ? t("desk-find-found", { number: n, service: serviceText(x), status: tOr("staff-status-" + x.status, x.status), where: where })
      : t("desk-find-none", { number: n });
  }

  // --- appointments: book a follow-up (no name: the person keeps the code), the day's list -------
  // AP.slot: each service's slot length, learnt from its free times; AP.seq drops stale answers.
  var AP = { slot: {}, list: [], loading: false, again: false, seq: 0, moveSeq: 0, moving: null, cancelling: null };
  function siteInfo() { return S.sites.filter(function (s) { return s.id === S.site; })[0]; }
  function siteTz() { var s = siteInfo(); return (s && s.time_zone) || undefined; }
  // The date (YYYY-MM-DD) and time (HH:MM) at the site now.
  function siteNow() {
    var p = {};
    new Intl.DateTimeFormat("en-GB", { timeZone: siteTz(), year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(new Date()).forEach(function (x) { p[x.type] = x.value; });
    return { date: p.year + "-" + p.month + "-" + p.day, time: p.hour + ":" + p.minute };
  }
  function addDays(date, n) { var d = new Date(date + "T12:00:00Z"); d.setUTCDate(d.getUTCDate() + n); return d.toISOString().slice(0, 10); }
  // A booking's day and time in words, at the site's time.
  function fmtWhen(b) {
    return new Date(b.start_at).toLocaleString(S.lang, { timeZone: siteTz(), weekday: "long", day: "numeric", month: "long",
      year: "numeric", hour: "2-digit", minute: "2-digit" });
  }
  // `7K3M-QD9P-4` → `7K3M QD9P 4`: easy to read out and to type.
  // `7K3M-QD9P-4` → `7K3M QD9P 4`. Only separators go: the check character may be one of
  // `* ~ $ =` (about one code in eight), and a slip without it cannot be checked in.
  function groupCode(c) { var s = String(c).replace(/[\s-]+/g, "").toUpperCase(); return s.slice(0, 4) + " " + s.slice(4, 8) + " " + s.slice(8); }
  // For the browser test: the grouping of a code it chooses, check symbols included.
  window.SportelloDesk = { groupCode: groupCode };
  function hintText(b) { return b.code_hint + "…"; }
  function apServices() { var s = siteInfo(); return s ? s.services.filter(function (x) { return x.appointments; }) : []; }
  function languageName(code) {
    var o = Array.prototype.filter.call($("ap-mediator").options, function (x) { return x.value === code; })[0];
    return o ? o.textContent : code;
  }
  function colleagueName(u) {
    var c = (S.colleagues || []).filter(function (x) { return x.username === u; })[0];
    return c ? c.display_name : u;
  }
  function loadColleagues() {
    if (!S.site) return;
    api("GET", "/api/v1/sites/" + S.site + "/colleagues").then(function (r) { S.colleagues = r.body; fillAppointments(); drawn.appts = null; renderAppts(); }, function () { });
  }
  function fillAppointments() {
    var site = siteInfo();
    if (!site) return;
    fillSelect($("ap-service"), apServices().map(function (s) {
      return [s.id, serviceText({ service: s.id, service_label: s.public_label[S.lang] || s.public_label.it })];
    }), $("ap-service").value || undefined);
    Array.prototype.forEach.call($("ap-mediator").options, function (o) { o.hidden = !!o.value && site.languages.indexOf(o.value) < 0; });
    var second = $("ap-second").value;
    var others = (S.colleagues || []).filter(function (c) { return !S.me || c.username !== S.me.username; });
    fillSelect($("ap-second"), [["", t("desk-none")]].concat(others.map(function (c) { return [c.username, c.display_name]; })),
      others.some(function (c) { return c.username === second; }) ? second : "");
    fillDurations();
  }
  // One to four slots of the service (one until its slot length is known).
  function fillDurations() {
    var slot = AP.slot[$("ap-service").value], sel = $("ap-duration"), v = sel.value;
    if (!slot) { fillSelect(sel, [["", t("desk-none")]], ""); return; }
    var items = [1, 2, 3, 4].map(function (n) { return [String(n * slot), t("desk-minutes", { n: n * slot })]; });
    fillSelect(sel, items, items.some(function (it) { return it[0] === v; }) ? v : String(slot));
  }
  function slotsPath(service, date, duration) {
    return "/api/v1/sites/" + S.site + "/appointments/slots?service=" + encodeURIComponent(service) + "&date=" + date +
      (duration ? "&duration_min=" + duration : "");
  }
  // The next day (from tomorrow, two weeks at most) on which the service takes bookings.
  function nextOpenDay() {
    var service = $("ap-service").value;
    if (!service) return;
    var seq = ++AP.seq, first = addDays(siteNow().date, 1);
    var probe = function (i) {
      if (i >= 14) { $("ap-date").value = first; loadSlots(); return; }
      var date = addDays(first, i);
      api("GET", slotsPath(service, date)).then(function (r) {
        if (seq !== AP.seq) return;
        AP.slot[service] = r.body.duration_min;
        if (r.body.cap_units > 0) { $("ap-date").value = date; fillDurations(); showSlots(r.body); } else { probe(i + 1); }
      }, function (e) { if (seq === AP.seq) $("ap-error").textContent = errText(e); });
    };
    probe(0);
  }
  function loadSlots() {
    var service = $("ap-service").value, date = $("ap-date").value;
    if (!service || !date || !S.site) return;
    var seq = ++AP.seq, known = !!AP.slot[service];
    api("GET", slotsPath(service, date, known ? $("ap-duration").value : "")).then(function (r) {
      if (seq !== AP.seq) return;
      if (!known) { AP.slot[service] = r.body.duration_min; fillDurations(); }
      showSlots(r.body);
    }, function (e) { if (seq === AP.seq) { $("ap-error").textContent = errText(e); showSlots({ slots: [] }); } });
  }
  // Free times as buttons (today's past ones left out); one press books.
  function slotButtons(box, none, view, date, onPick) {
    var now = siteNow();
    var times = (view.slots || []).filter(function (s) { return date !== now.date || s > now.time; });
    box.textContent = "";
    times.forEach(function (time) {
      var b = document.createElement("button");
      b.type = "button"; b.className = "slot ap-act"; b.textContent = time;
      b.setAttribute("data-start", time);
      b.disabled = !S.connected;
      b.addEventListener("click", function () { onPick(time, b); });
      box.appendChild(b);
    });
    none.hidden = times.length > 0;
    box.setAttribute("data-loaded", date + " " + times.length);
  }
  function showSlots(view) {
    slotButtons($("ap-slots"), $("ap-slots-none"), view, $("ap-date").value, book);
  }
  function book(time, button) {
    if (!S.connected) { $("ap-error").textContent = t("desk-err-offline"); return; }
    var body = { service: $("ap-service").value, start: $("ap-date").value + "T" + time };
    if ($("ap-duration").value) body.duration_min = parseInt($("ap-duration").value, 10);
    if ($("ap-mediator").value) body.mediator_language = $("ap-mediator").value;
    if ($("ap-second").value) body.second_staff = $("ap-second").value;
    $("ap-error").textContent = "";
    button.disabled = true;
    api("POST", "/api/v1/sites/" + S.site + "/appointments", body).then(function (r) {
      showSlip(r.body);
      message(t("desk-msg-booked", { when: fmtWhen(r.body), service: serviceText(r.body) }));
      loadSlots();
      loadAppts();
    }, function (e) { $("ap-error").textContent = errText(e); loadSlots(); });
  }
  // The slip: the code large and grouped, its QR (drawn by the server from the code, kept nowhere),
  // when and what. The code is never shown again.
  function showSlip(b) {
    var grouped = groupCode(b.code);
    $("ap-slip").hidden = false;
    $("ap-when").textContent = fmtWhen(b);
    var what = [serviceText(b), t("desk-minutes", { n: b.duration_min })];
    if (b.mediator_language) what.push(t("desk-col-mediator") + " " + languageName(b.mediator_language));
    $("ap-what").textContent = what.join(" · ");
    $("ap-code").textContent = grouped;
    var qr = $("ap-qr");
    qr.removeAttribute("src");
    qr.alt = t("desk-slip-code") + " " + grouped;
    fetch("/desk/code-qr.svg", { method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": S.csrf || "" }, body: JSON.stringify({ code: b.code }) })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.text(); })
      .then(function (svg) { qr.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg); }, function () { qr.hidden = true; });
    qr.hidden = false;
    $("ap-slip").scrollIntoView({ block: "nearest" });
  }
  function hideSlip() {
    $("ap-slip").hidden = true;
    $("ap-code").textContent = "";
    $("ap-qr").removeAttribute("src");
  }
  // The day's bookings (one request at a time).
  function loadAppts() {
    if (!S.site || !S.me) return;
    if (AP.loading) { AP.again = true; return; }
    var day = $("ap-day").value || siteNow().date;
    AP.loading = true;
    api("GET", "/api/v1/sites/" + S.site + "/appointments?date=" + day).then(function (r) {
      AP.list = r.body || []; AP.day = day;
      renderAppts();
      $("appts").setAttribute("data-loaded", String(Date.now()));
    }, function () { }).then(function () {
      AP.loading = false;
      if (AP.again) { AP.again = false; loadAppts(); }
    });
  }
  function renderAppts() {
    var list = AP.list || [];
    $("ap-day-empty").hidden = list.length > 0;
    $("ap-list").hidden = list.length === 0;
    var key = JSON.stringify(list.map(function (b) { return [b.id, b.start, b.state]; })) + S.lang + S.connected;
    if (!changed("appts", key)) return;
    var body = $("ap-list").tBodies[0];
    body.textContent = "";
    list.forEach(function (b) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-id", b.id);
      tr.setAttribute("data-state", b.state);
      tr.className = "st-" + b.state;
      var time = b.start.slice(11);
      var cells = [time, hintText(b), serviceText(b), t("desk-minutes", { n: b.duration_min }),
        b.second_staff ? colleagueName(b.second_staff) : t("desk-none"),
        b.mediator_language ? languageName(b.mediator_language) : t("desk-none"),
        tOr("desk-appt-state-" + b.state, b.state)];
      cells.forEach(function (c, i) {
        var td = document.createElement(i === 0 ? "th" : "td");
        if (i === 0) td.scope = "row";
        if (i === 6) td.className = "state";
        td.textContent = c;
        tr.appendChild(td);
      });
      var td = document.createElement("td");
      if (b.state === "booked") {
        [["move", "desk-appt-move", openMove], ["cancel", "desk-appt-cancel", openCancel]].forEach(function (a) {
          var btn = document.createElement("button");
          btn.type = "button"; btn.className = "ap-act ap-" + a[0]; btn.textContent = t(a[1]);
          btn.setAttribute("aria-label", t(a[1] + "-label", { time: time, code: hintText(b) }));
          btn.disabled = !S.connected;
          btn.addEventListener("click", function () { a[2](b); });
          td.appendChild(btn);
        });
      }
      tr.appendChild(td);
      body.appendChild(tr);
    });
  }
  function apWhat(b) {
    return t("desk-appt-what", { when: fmtWhen(b), service: serviceText(b), code: hintText(b), min: b.duration_min });
  }
  function openDialog(id) { var d = $(id); if (d.showModal) d.showModal(); else d.setAttribute("open", ""); }
  function closeDialog(id) { var d = $(id); if (d.close) d.close(); else d.removeAttribute("open"); }
  function openCancel(b) {
    AP.cancelling = b;
    $("ap-cancel-what").textContent = apWhat(b);
    openDialog("ap-cancel-dialog");
    $("ap-cancel-no").focus();
  }
  function cancelBooking() {
    var b = AP.cancelling;
    closeDialog("ap-cancel-dialog");
    AP.cancelling = null;
    if (!b) return;
    api("POST", "/api/v1/appointments/" + encodeURIComponent(b.id) + "/cancel", {}).then(function () {
      $("ap-msg").className = "";
      $("ap-msg").textContent = t("desk-msg-appt-cancelled", { time: b.start.slice(11) });
      loadAppts(); loadSlots();
    }, function (e) { $("ap-msg").className = "error"; $("ap-msg").textContent = errText(e); loadAppts(); });
  }
  // Move: the free times of the same service and length, on the booking's day or another.
  function openMove(b) {
    AP.moving = b;
    $("ap-move-what").textContent = apWhat(b);
    $("ap-move-error").textContent = "";
    $("ap-move-date").value = b.start.slice(0, 10);
    openDialog("ap-move-dialog");
    loadMoveSlots();
    $("ap-move-date").focus();
  }
  function loadMoveSlots() {
    var b = AP.moving, date = $("ap-move-date").value;
    if (!b || !date) return;
    var seq = ++AP.moveSeq;
    api("GET", slotsPath(b.service, date, b.duration_min)).then(function (r) {
      if (seq === AP.moveSeq) slotButtons($("ap-move-slots"), $("ap-move-none"), r.body, date, moveTo);
    }, function (e) { if (seq === AP.moveSeq) { $("ap-move-error").textContent = errText(e); slotButtons($("ap-move-slots"), $("ap-move-none"), { slots: [] }, date, moveTo); } });
  }
  function moveTo(time, button) {
    var b = AP.moving;
    if (!b) return;
    button.disabled = true;
    api("POST", "/api/v1/appointments/" + encodeURIComponent(b.id) + "/move", { start: $("ap-move-date").value + "T" + time }).then(function (r) {
      closeDialog("ap-move-dialog");
      AP.moving = null;
      $("ap-msg").className = "";
      $("ap-msg").textContent = t("desk-msg-appt-moved", { when: fmtWhen(r.body) });
      loadAppts(); loadSlots();
    }, function (e) { $("ap-move-error").textContent = errText(e); loadMoveSlots(); loadAppts(); });
  }
  function wireAppointments() {
    $("ap-new").addEventListener("toggle", function () {
      if (!$("ap-new").open) return;
      loadColleagues();
      if ($("ap-date").value) loadSlots(); else nextOpenDay();
    });
    $("ap-form").addEventListener("submit", function (ev) { ev.preventDefault(); });
    $("ap-service").addEventListener("change", function () { fillDurations(); hideSlip(); if ($("ap-date").value) loadSlots(); else nextOpenDay(); });
    ["ap-date", "ap-duration"].forEach(function (id) { $(id).addEventListener("change", function () { hideSlip(); loadSlots(); }); });
    ["ap-mediator", "ap-second"].forEach(function (id) { $(id).addEventListener("change", hideSlip); });
    $("ap-print").addEventListener("click", function () { window.print(); });
    $("ap-day").addEventListener("change", loadAppts);
    $("ap-today").addEventListener("click", function () { $("ap-day").value = siteNow().date; loadAppts(); });
    $("ap-cancel-yes").addEventListener("click", cancelBooking);
    $("ap-cancel-no").addEventListener("click", function () { AP.cancelling = null; closeDialog("ap-cancel-dialog"); });
    $("ap-move-date").addEventListener("change", loadMoveSlots);
    $("ap-move-close").addEventListener("click", function () { AP.moving = null; closeDialog("ap-move-dialog"); });
    // Check-ins, no-shows and colleagues' bookings show within a minute.
    setInterval(loadAppts, 60000);
  }

  function logout() {
    var d = desk();
    if (!$("work").hidden && d && mineAtDesk(d) && d.status !== "closed") {
      var cur = d.current;
      $("logout-called").hidden = !cur;
      if (cur) $("logout-called").textContent = t("desk-logout-called", { number: cur.number });
      var dlg = $("logout-dialog");
      if (dlg.showModal) dlg.showModal(); else dlg.setAttribute("open", "");
      return;
    }
    endSession();
  }
  function endSession() { api("DELETE", "/api/v1/session").then(loggedOut, loggedOut); }
  function leave(how) {
    var dlg = $("logout-dialog");
    if (dlg.close) dlg.close(); else dlg.removeAttribute("open");
    var d = desk();
    var cur = d && d.current;
    var first = cur && (cur.status === "called" || cur.status === "serving")
      ? api("POST", "/api/v1/tickets/" + cur.id + "/return", { keep_position: true }) : Promise.resolve();
    first.then(function () { return api("POST", "/api/v1/desks/" + S.desk + "/" + how); })
      .then(endSession, function (e) { message(errText(e), true); refresh(); });
  }

  function wire() {
    $("lang").addEventListener("change", function () { S.lang = this.value; store.set("lang", S.lang); translate(); });
    $("login-form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      $("login-error").textContent = "";
      api("POST", "/api/v1/session", { username: $("username").value, password: $("password").value })
        .then(function (r) { $("password").value = ""; loggedIn(r.body); },
          function (e) { $("login-error").textContent = e.status === 401 ? t("desk-bad-login") : errText(e); });
    });
    $("logout").addEventListener("click", logout);
    $("logout-pause").addEventListener("click", function () { leave("pause"); });
    $("logout-close").addEventListener("click", function () { leave("close"); });
    $("logout-stay").addEventListener("click", function () { var dlg = $("logout-dialog"); if (dlg.close) dlg.close(); else dlg.removeAttribute("open"); });
    $("site").addEventListener("change", loadDeskChoices);
    $("use-desk").addEventListener("click", function () { useDesk($("site").value, $("desk-select").value); });
    $("change-desk").addEventListener("click", function () { if (S.es) { S.es.close(); S.es = null; } chooseDesk(); });
    ["open", "pause", "close"].forEach(function (n) { $(n).addEventListener("click", function () { deskAction(n); }); });
    $("call-next").addEventListener("click", function () { callNext(); });
    ["recall", "start", "finish", "no-show", "hold"].forEach(function (n) {
      $(n).addEventListener("click", function () { ticketAction(n); });
    });
    $("return").addEventListener("click", function () { ticketAction("return", { keep_position: true }); });
    $("undo").addEventListener("click", undo);
    $("transfer-toggle").addEventListener("click", function () {
      if (this.disabled) return;
      api("GET", "/api/v1/sites/" + S.site + "/colleagues").then(function (r) { S.colleagues = r.body; fillTransfer(); }, function () { });
      fillTransfer();
      $("transfer-form").hidden = !$("transfer-form").hidden;
      if (!$("transfer-form").hidden) $("xfer-service").focus();
    });
    $("transfer-form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (!S.connected) return;
      var body = { keep_position: $("xfer-keep").checked };
      if ($("xfer-service").value) body.service = $("xfer-service").value;
      if ($("xfer-desk").value) body.desk = $("xfer-desk").value;
      if ($("xfer-staff").value) body.staff = $("xfer-staff").value;
      $("transfer-form").hidden = true;
      ticketAction("transfer", body);
    });
    $("rx-form").addEventListener("submit", function (ev) { ev.preventDefault(); issueAtReception(); });
    // The kiosks' printers as they are now, each time the form is opened.
    $("rx-new").addEventListener("toggle", function () { if ($("rx-new").open) loadDevices(); });
    $("find-form").addEventListener("submit", function (ev) { ev.preventDefault(); findTicket(); });
    wireAppointments();
    $("sound").checked = store.get("sound") === "1";
    $("sound").addEventListener("change", function () { store.set("sound", this.checked ? "1" : "0"); });
    document.addEventListener("keydown", function (ev) {
      if (ev.ctrlKey || ev.metaKey || ev.altKey || $("work").hidden) return;
      var tag = (ev.target && ev.target.tagName) || "";
      if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") return;
      var k = ev.key.toLowerCase();
      var map = { n: function () { callNext(); }, r: function () { ticketAction("recall"); }, s: function () { ticketAction("start"); },
        f: function () { ticketAction("finish"); }, x: function () { ticketAction("no-show"); }, h: function () { ticketAction("hold"); },
        b: function () { $("return").click(); }, t: function () { $("transfer-toggle").click(); }, u: function () { undo(); } };
      if (map[k]) { ev.preventDefault(); if (S.connected) map[k](); }
    });
    // Devices report every minute: look at them as often.
    setInterval(loadDevices, 60000);
    // Waiting times move with the clock: re-draw every half minute.
    setInterval(function () { if (S.waiting) refresh(); }, 30000);
    // A stream that went silent (a frozen server sends no heartbeat): not connected, buttons off;
    // start it again so that it comes back by itself.
    setInterval(function () {
      if (!S.es || !S.me) return;
      if (Date.now() - S.lastBeat > SILENCE_MS) {
        setConnected(false);
        if (Date.now() - S.lastBeat > 2 * SILENCE_MS) { S.lastBeat = Date.now(); connect(); }
      }
    }, 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    wire();
    translate();
    start();
  });
})();
