"use strict";
// Sportello web display for TVs that only have a browser: /display/{site}?key=DISPLAY_KEY
// Same view and staleness behaviour as the slint `display` app. Self-contained: no outside network.
// Options: ?services=a,b  ?desks=d1,d2  ?previous=5  ?voice=0 (chime only)  ?sound=0 (silent)
//          ?tz=Europe/Rome  ?highlight=8 (seconds)  ?announce_max_age_s=60
// Announcements follow the app's rules (display/src/announce.rs, controller.rs): a call is spoken
// only while current (not finished, not called again, younger than the limit on the server's
// clock); at most 6 wait, the newest first; one chime a run; the big panel shows the call spoken.
// Texts: texts/locales/<lang>/{display,common}.ftl, put in the page by the server (texts.js).
// SPDX-License-Identifier: GPL-3.0-only
const TX = window.SportelloTexts;
const RTL = new Set((document.getElementById("app").dataset.rtl || "").split(" ").filter(Boolean));
const EVENT_NAMES = ["ticket.issued", "ticket.called", "ticket.recalled", "ticket.serving", "ticket.done", "ticket.no_show",
  "ticket.cancelled", "ticket.on_hold", "ticket.returned", "ticket.transferred", "desk.updated", "queue.updated",
  "heartbeat", "resync", "message"];
const WITHDRAWN = new Set(["ticket.returned", "ticket.transferred", "ticket.on_hold", "ticket.cancelled", "ticket.no_show"]);

const params = new URLSearchParams(location.search);
const list = (name) => (params.get(name) || "").split(",").map((s) => s.trim()).filter(Boolean);
const SITE = decodeURIComponent((location.pathname.match(/\/display\/([^/?#]+)/) || [])[1] || params.get("site") || "");
const OPT = {
  services: list("services"), desks: list("desks"),
  previous: Math.max(0, parseInt(params.get("previous") || "5", 10) || 0),
  highlightMs: 1000 * (parseFloat(params.get("highlight") || "8") || 8),
  voice: params.get("voice") !== "0", sound: params.get("sound") !== "0",
  tz: params.get("tz") || "Europe/Rome", graceMs: 3000, keep: 20,
  maxAgeMs: 1000 * Math.max(1, parseInt(params.get("announce_max_age_s") || "60", 10) || 60), capacity: 6,
};
let KEY = params.get("key") || localStorage.getItem("sportello-display-key:" + SITE) || "";

// ---- state (the same rules as display/src/controller.rs) ----
const S = {
  loaded: false, everLoaded: false, name: "", languages: ["it"], notice: {}, calls: [], queues: [], desks: new Map(), labels: new Map(),
  lastId: null, heartbeatS: 10, lastHeard: null, downSince: Date.now(), highlight: null, buffer: [],
  // The server's clock minus ours (from heartbeats and events): calls age on the server's clock.
  offsetMs: 0, speaking: null,
};
const serverNow = () => Date.now() + S.offsetMs;
function clockFrom(at) { const t = parseAt(at); if (t !== null) S.offsetMs = t - Date.now(); }
const staleAfterMs = () => (Math.max(1, S.heartbeatS) * 2 + 3) * 1000;
const parseAt = (s) => { const t = Date.parse(s); return Number.isNaN(t) ? null : t; };
function deskLabel(desk, given) { if (given) return given; if (!desk) return ""; const d = S.desks.get(desk); return d ? d.label : desk; }
function callVisible(desk, label) {
  if (OPT.desks.length && !(desk && OPT.desks.includes(desk))) return false;
  if (!OPT.services.length) return true;
  const labels = OPT.services.map((s) => S.labels.get(s)).filter(Boolean);
  if (labels.length) return labels.includes(label);
  const d = desk && S.desks.get(desk);
  return !!d && d.services.some((s) => OPT.services.includes(s));
}
function queueVisible(q) {
  if (OPT.services.length) return OPT.services.includes(q.service);
  if (OPT.desks.length) return OPT.desks.some((id) => { const d = S.desks.get(id); return d && d.services.includes(q.service); });
  return true;
}
function setQueues(qs) { for (const q of qs) S.labels.set(q.service, q.service_label); S.queues = qs; }
function spokenNumber(n) {
  const m = /^(\D*)(\d*)(.*)$/.exec(n); const letters = m[1].split("").join(" ");
  const digits = m[2] ? String(parseInt(m[2], 10)) : ""; return [letters, digits].filter(Boolean).join(" ") + m[3];
}
// A letter alone ("A 23", "Area D") by its name in `lang` (texts' spoken-letters), so the voice does
// not switch to English to spell it (texts::speakable).
function speakable(lang, text) {
  const names = TX.has(lang, "spoken-letters") ? TX.t(lang, "spoken-letters").split(/\s+/) : [];
  if (names.length !== 26) return text;
  return text.split(" ").map((w) => /^[A-Z][.,;:!?]*$/.test(w) ? names[w.charCodeAt(0) - 65] + w.slice(1) : w).join(" ");
}
// Which voice reads which stretch (display/src/texts.rs announcement_parts): the visitor's sentence
// in the visitor's language, the desk's words in the site's, its figures back in the visitor's.
function announcementParts(lang, siteLang, number, desk, recall) {
  const key = recall ? "display-recall" : "display-call"; const spoken = speakable(lang, spokenNumber(number));
  if (lang === siteLang) return [{ lang, text: TX.t(lang, key, { number: spoken, desk }) }];
  const MARK = "\uE000"; const parts = [];
  const push = (l, text) => { const last = parts[parts.length - 1]; if (last && last.lang === l) last.text += text; else if (text) parts.push({ lang: l, text }); };
  const pieces = TX.t(lang, key, { number: spoken, desk: MARK }).split(MARK);
  push(lang, pieces[0]);
  for (const rest of pieces.slice(1)) {
    desk.split(" ").forEach((w, i) => { if (i > 0) push(parts.length ? parts[parts.length - 1].lang : lang, " "); push(/^\d+$/.test(w) ? lang : siteLang, w); });
    push(lang, rest);
  }
  return parts;
}
function announce(number, desk, visitorLang, recall, calledAt) {
  const siteLang = S.languages[0] || "it";
  const langs = [siteLang]; if (visitorLang && !langs.includes(visitorLang)) langs.push(visitorLang);
  const utterances = langs.filter((l) => TX.has(l, "display-call")).map((l) => ({ lang: l,
    text: TX.t(l, recall ? "display-recall" : "display-call", { number: spokenNumber(number), desk }),
    parts: announcementParts(l, siteLang, number, desk, recall) }));
  Audio_.enqueue({ number, desk, recall, utterances, calledAt: calledAt || serverNow() });
}
function heard() { S.lastHeard = Date.now(); S.downSince = null; }
// A call is no longer current: not spoken (and its reading stops after the current sentence).
function withdraw(number) { Audio_.withdraw(number); }
function applySnapshot(s) {
  const first = !S.everLoaded; const known = S.calls.map((c) => c.number + "@" + c.at);
  S.name = s.name; if (s.languages && s.languages.length) S.languages = s.languages;
  S.notice = s.notice || {}; S.desks = new Map((s.desks || []).map((d) => [d.id, d]));
  setQueues(s.queues || []); S.heartbeatS = Math.max(1, s.heartbeat_s || 10); S.lastId = s.last_event_id;
  const fresh = (s.calls || []).filter((c) => callVisible(c.desk, c.ticket.service_label));
  S.calls = fresh.map((c) => ({ number: c.ticket.number, desk: c.desk, deskLabel: deskLabel(c.desk, c.ticket.desk_label),
    service: c.ticket.service_label, at: parseAt(c.at) })).slice(0, OPT.previous + 1 + OPT.keep);
  // Calls of the snapshot that are no longer called (the person reached the desk) are not spoken.
  for (const c of fresh) if (c.ticket.status !== "called") withdraw(c.ticket.number);
  if (!first) {
    const now = Date.now();
    for (const c of fresh.slice().reverse()) {
      const at = parseAt(c.at);
      if (c.ticket.status === "called" && at && serverNow() - at <= OPT.maxAgeMs && !known.includes(c.ticket.number + "@" + at)) {
        announce(c.ticket.number, deskLabel(c.desk, c.ticket.desk_label), c.language, c.recalls > 0, at);
        S.highlight = { number: c.ticket.number, until: now + OPT.highlightMs };
      }
    }
  }
  S.loaded = true; S.everLoaded = true; heard();
}
// Returns "resync" when the snapshot must be re-read.
function applyMessage(name, id, data) {
  if (name === "resync") return "resync";
  // EventSource's lastEventId is sticky: a message without an id line repeats the last one.
  if (id !== null && id !== S.lastId) { if (S.lastId !== null && id < S.lastId) return "resync"; S.lastId = id; }
  heard();
  let ev; try { ev = JSON.parse(data); } catch (e) { console.warn("bad event data", name, e); return "ok"; }
  if (ev && ev.at && (name === "heartbeat" || name.startsWith("ticket."))) clockFrom(ev.at);
  if (name === "heartbeat") return "ok";
  if (ev.queues) setQueues(ev.queues);
  const t = ev.ticket; if (!t) return "ok";
  if (name === "ticket.called" || name === "ticket.recalled") {
    const i = S.calls.findIndex((c) => c.number === t.number); const old = i >= 0 ? S.calls.splice(i, 1)[0] : null;
    const desk = ev.desk || (old && old.desk) || null;
    if (!callVisible(desk, t.service_label)) return "ok";
    const label = deskLabel(desk, t.desk_label);
    S.calls.unshift({ number: t.number, desk, deskLabel: label, service: t.service_label, at: parseAt(ev.at) || Date.now() });
    S.calls.length = Math.min(S.calls.length, OPT.previous + 1 + OPT.keep);
    S.highlight = { number: t.number, until: Date.now() + OPT.highlightMs };
    announce(t.number, label, ev.language, name === "ticket.recalled", parseAt(ev.at) || serverNow());
  } else if (WITHDRAWN.has(name)) {
    S.calls = S.calls.filter((c) => c.number !== t.number);
    withdraw(t.number);
  } else if (name === "ticket.serving" || name === "ticket.done") {
    withdraw(t.number); // the person reached the desk: shown, no longer spoken
  }
  return "ok";
}
function staleSince(now) {
  const silent = S.lastHeard !== null && now - S.lastHeard > staleAfterMs();
  const down = S.downSince !== null && now - S.downSince >= OPT.graceMs;
  return silent || down ? { since: S.lastHeard } : null;
}

// ---- view ----
const $ = (id) => document.getElementById(id);
const hhmm = (t) => new Intl.DateTimeFormat("it-IT", { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: OPT.tz }).format(t);
function both(key) {
  const l = S.languages[0] || "it"; const a = TX.t(l, key);
  return l === "en" ? a : a + " · " + TX.t("en", key);
}
function el(tag, cls, text) { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) { e.textContent = text; e.dir = "auto"; } return e; }
let lastRender = "";
function render() {
  const now = Date.now();
  const lang = S.languages[0] || "it";
  // The call being spoken is the big one; otherwise the newest.
  const spokenAt = S.speaking ? S.calls.findIndex((c) => c.number === S.speaking) : -1;
  const big = spokenAt >= 0 ? spokenAt : 0;
  const latest = S.calls[big]; const prev = S.calls.filter((_, i) => i !== big).slice(0, OPT.previous);
  const queues = S.queues.filter(queueVisible);
  // More than four services: a band of tiles (display.css), as in the app.
  $("app").classList.toggle("many", queues.length > 4);
  const st = staleSince(now);
  const notice = S.languages.map((l) => [l, S.notice[l]]).filter(([, n]) => n && n.trim());
  const lit = spokenAt >= 0 || !!(S.highlight && latest && latest.number === S.highlight.number && now < S.highlight.until);
  const soundText = Audio_.problem();
  const model = JSON.stringify([S.name, hhmm(now), latest, prev, queues, notice, st, lit, lang, soundText]);
  if (model === lastRender) return;
  lastRender = model;
  $("site").textContent = S.name || SITE; $("clock").textContent = hhmm(now);
  document.documentElement.lang = lang; document.documentElement.dir = RTL.has(lang) ? "rtl" : "ltr";
  $("t-latest").textContent = both("display-latest"); $("t-previous").textContent = both("display-previous");
  $("t-waiting").textContent = both("display-waiting"); $("t-wait").textContent = both("estimated-wait");
  $("no-calls").textContent = both("display-no-calls");
  $("latest-number").textContent = latest ? latest.number : ""; $("latest-desk").textContent = latest ? "→ " + latest.deskLabel : "";
  $("no-calls").hidden = !!latest;
  $("latest").setAttribute("aria-label", latest ? latest.number + " → " + latest.deskLabel : both("display-no-calls"));
  $("latest").classList.toggle("highlight", lit);
  $("sound-state").hidden = !soundText; $("sound-state").textContent = soundText ? "🔇 " + soundText : "";
  $("previous-list").replaceChildren(...prev.map((c) => { const li = el("li"); li.setAttribute("aria-label", c.number + " → " + c.deskLabel);
    li.append(el("span", "num", c.number), el("span", "desk", "→ " + c.deskLabel)); return li; }));
  $("queue-list").replaceChildren(...queues.map((q) => { const li = el("li");
    // Same rule as the slint display (display/src/controller.rs): no desk open → say so; a range
    // where uncertain, rounded out to five minutes; else whole minutes.
    const r = q.estimated_wait_range_s;
    const eta = q.estimated_wait_s === null || q.estimated_wait_s === undefined ? TX.t(lang, "no-desk-open")
      : q.waiting === 0 ? "–"
      : r ? TX.t(lang, "wait-range-minutes", { lo: Math.floor(r[0] / 300) * 5, hi: Math.max(Math.ceil(r[1] / 300) * 5, Math.floor(r[0] / 300) * 5 + 5) })
      : TX.t(lang, "wait-minutes", { n: Math.ceil(q.estimated_wait_s / 60) });
    li.setAttribute("aria-label", q.service_label + ": " + q.waiting + ", " + eta);
    li.append(el("span", "label", q.service_label), el("span", "count", String(q.waiting)), el("span", "eta", eta)); return li; }));
  const tickerText = notice.map(([l, n]) => l + n).join("|");
  if ($("ticker-inner").dataset.text !== tickerText) {
    $("ticker-inner").dataset.text = tickerText;
    const copy = (hidden) => notice.flatMap(([l, n], i) => { const s = el("span", "", n); s.lang = l; s.dir = RTL.has(l) ? "rtl" : "ltr";
      const sep = el("span", "sep"); sep.textContent = "•"; sep.setAttribute("aria-hidden", "true");
      if (hidden) s.setAttribute("aria-hidden", "true"); return i === 0 && !hidden ? [s] : [sep, s]; });
    $("ticker-inner").replaceChildren(...copy(false), ...copy(true));
    requestAnimationFrame(() => { const w = $("ticker-inner").scrollWidth / 2; $("ticker-inner").style.animationDuration = Math.max(8, w / 120) + "s"; });
  }
  const text = st ? [lang, "en"].filter((l, i, a) => TX.has(l, "display-reconnecting") && a.indexOf(l) === i)
    .map((l) => TX.t(l, "display-reconnecting", { time: st.since ? hhmm(st.since) : "--:--" })).join(" · ") : "";
  $("stale").hidden = !st; $("stale-text").textContent = text; document.body.classList.toggle("stale", !!st);
}

// ---- sound: chime (Web Audio, synthesized) then speechSynthesis, one announcement at a time ----
const Audio_ = {
  queue: [], busy: false, ctx: null, played: [],
  context() {
    if (!this.ctx) { const C = window.AudioContext || window.webkitAudioContext; if (C) this.ctx = new C(); }
    if (this.ctx && this.ctx.state === "suspended") { this.ctx.resume().catch(() => {}); $("sound").hidden = false; }
    return this.ctx;
  },
  chime() {
    return new Promise((done) => {
      const ctx = OPT.sound && this.context();
      if (!ctx || ctx.state !== "running") { done(); return; }
      const t0 = ctx.currentTime + 0.05;
      for (const [freq, start, len] of [[659.25, 0, 1.6], [523.25, 0.45, 1.8]]) {
        for (const [mult, amp] of [[1, 0.3], [2, 0.1], [3.01, 0.035]]) {
          const o = ctx.createOscillator(); const g = ctx.createGain();
          o.frequency.value = freq * mult; o.connect(g); g.connect(ctx.destination);
          g.gain.setValueAtTime(0.0001, t0 + start); g.gain.exponentialRampToValueAtTime(amp, t0 + start + 0.01);
          g.gain.exponentialRampToValueAtTime(0.0001, t0 + start + len);
          o.start(t0 + start); o.stop(t0 + start + len + 0.05);
        }
      }
      setTimeout(done, 2300);
    });
  },
  say(u) {
    return new Promise((done) => {
      const synth = window.speechSynthesis;
      if (!OPT.sound || !OPT.voice || !synth) { done(); return; }
      const voices = synth.getVoices();
      const voice = voices.find((v) => v.lang && v.lang.toLowerCase().split(/[-_]/)[0] === u.lang);
      if (voices.length && !voice) { done(); return; } // no voice for this language: do not mispronounce it
      const ut = new SpeechSynthesisUtterance(u.text); ut.lang = u.lang; if (voice) ut.voice = voice; ut.rate = 0.9;
      const guard = setTimeout(done, 15000); // some engines never fire onend
      ut.onend = ut.onerror = () => { clearTimeout(guard); done(); };
      synth.speak(ut);
    });
  },
  current: null, chimed: false, state: "ok", detail: "",
  // A newer call of the same number replaces the older; beyond the capacity the oldest goes.
  enqueue(a) {
    this.queue = this.queue.filter((q) => q.number !== a.number);
    if (this.current && this.current.number === a.number) this.current.withdrawn = true;
    this.queue.push(a);
    while (this.queue.length > OPT.capacity) {
      this.queue.sort((x, y) => x.calledAt - y.calledAt); const gone = this.queue.shift();
      console.info("not announcing " + gone.number + ": too many newer calls wait for the voice");
    }
    if (!this.busy) this.next();
  },
  withdraw(number) {
    this.queue = this.queue.filter((q) => q.number !== number);
    if (this.current && this.current.number === number) this.current.withdrawn = true;
  },
  // The newest call still current, or nothing (then the run ends: the next call chimes again).
  take() {
    const now = serverNow();
    this.queue = this.queue.filter((q) => {
      const ok = now - q.calledAt <= OPT.maxAgeMs;
      if (!ok) console.info("not announcing " + q.number + ": older than the limit when its turn came");
      return ok;
    });
    if (!this.queue.length) return null;
    let best = 0; this.queue.forEach((q, i) => { if (q.calledAt > this.queue[best].calledAt) best = i; });
    return this.queue.splice(best, 1)[0];
  },
  async next() {
    const a = this.take();
    if (!a) { this.busy = false; this.current = null; this.chimed = false; S.speaking = null; render(); return; }
    this.busy = true; this.current = a; this.played.push(a);
    S.speaking = a.number; render();
    const speech = OPT.voice && !!window.speechSynthesis;
    // One chime a run; without speech the chime is the whole announcement.
    if (!this.chimed || !speech) { await this.chime(); this.chimed = true; }
    for (const u of a.utterances) {
      if (a.withdrawn) { console.info(a.number + " reached the desk: the rest is not spoken"); break; }
      for (const p of u.parts) await this.say(p);
    }
    this.next();
  },
  // What to say on screen about the sound ("" when it works or is off by choice).
  problem() {
    const lang = S.languages[0] || "it";
    if (!OPT.sound) return "";
    if (!this.ctx || this.ctx.state !== "running") return TX.t(lang, "display-sound-not-enabled");
    if (OPT.voice && !window.speechSynthesis) return TX.t(lang, "display-sound-chime-only", { detail: "speechSynthesis" });
    return "";
  },
};
// Browsers refuse sound without a touch: "Enable sound" once, for the person setting up the TV; the
// page remembers it and tries again on every load (a browser that allows it then needs no touch).
const SOUND_KEY = "sportello-display-sound:" + SITE;
$("sound").addEventListener("click", () => {
  Audio_.context();
  if (Audio_.ctx) Audio_.ctx.resume().then(() => {
    $("sound").hidden = true; try { localStorage.setItem(SOUND_KEY, "1"); } catch (e) { /* private mode */ }
    render(); reportHealth();
  });
});
// The TV's sound to the staff pages (POST /api/v1/devices/health), like the app.
function reportHealth() {
  if (!KEY) return;
  const running = Audio_.ctx && Audio_.ctx.state === "running";
  const sound = !OPT.sound ? "off" : !running ? "failing" : OPT.voice && !window.speechSynthesis ? "chime_only" : "ok";
  const detail = sound === "failing" ? "sound not enabled in the browser (touch Enable sound on the TV)" : sound === "chime_only" ? "no speechSynthesis" : null;
  fetch("/api/v1/devices/health", { method: "POST", headers: { Authorization: "Bearer " + KEY, "Content-Type": "application/json" },
    body: JSON.stringify({ sound, printer: "none", detail, version: "web" }) }).catch(() => {});
}
setInterval(reportHealth, 60000);

// ---- connection: EventSource with ?key=, snapshot after the stream is open, watchdog, backoff ----
let es = null, gen = 0, backoff = 1000, restartTimer = null, snapshotting = false;
const base = "/api/v1/sites/" + encodeURIComponent(SITE);
function markDown() { if (S.downSince === null) S.downSince = Date.now(); }
function restartSoon() {
  if (restartTimer) return;
  const d = backoff * (0.8 + 0.4 * Math.random()); backoff = Math.min(backoff * 2, 30000);
  restartTimer = setTimeout(() => { restartTimer = null; connect(); }, d);
}
// A fresh stream (no Last-Event-ID: EventSource cannot set it) and a re-read snapshot.
function connect() {
  const my = ++gen; if (es) es.close();
  S.loaded = false; S.buffer = []; snapshotting = false;
  es = new EventSource(base + "/events?key=" + encodeURIComponent(KEY));
  es.onopen = () => { if (my !== gen) return; if (S.loaded) { heard(); refreshQueues(my); } else readSnapshot(my); };
  es.onerror = () => {
    if (my !== gen) return; markDown();
    // CONNECTING: the browser retries by itself and resumes with Last-Event-ID. CLOSED: it gave up (401, 5xx…).
    if (es.readyState === EventSource.CLOSED) restartSoon();
  };
  for (const name of EVENT_NAMES) es.addEventListener(name, (e) => onMessage(my, name, e));
}
async function readSnapshot(my) {
  if (snapshotting) return; snapshotting = true;
  try {
    const r = await fetch(base + "/display", { headers: { Authorization: "Bearer " + KEY }, cache: "no-store" });
    if (!r.ok) throw new Error("snapshot: HTTP " + r.status);
    const snap = await r.json();
    if (my !== gen) return;
    applySnapshot(snap);
    const buffered = S.buffer; S.buffer = [];
    for (const m of buffered) if (m.id === null || m.id > snap.last_event_id) { if (applyMessage(m.name, m.id, m.data) === "resync") { resync(); return; } }
    render();
  } catch (e) {
    console.warn(e); if (my !== gen) return; markDown(); es.close(); restartSoon();
  } finally { snapshotting = false; }
}
let lastResync = 0;
// Re-read everything; a server that asks again right away gets the backoff instead.
function resync() {
  const now = Date.now(); const again = now - lastResync < 5000; lastResync = now;
  if (again) { if (es) es.close(); markDown(); restartSoon(); } else connect();
}
// The browser resumed the stream by itself (Last-Event-ID): missed ticket events will come, but
// queue figures are not events, so take them from a fresh snapshot.
async function refreshQueues(my) {
  try {
    const r = await fetch(base + "/display", { headers: { Authorization: "Bearer " + KEY }, cache: "no-store" });
    if (r.ok && my === gen) { setQueues((await r.json()).queues || []); render(); }
  } catch (e) { console.warn(e); }
}
function onMessage(my, name, e) {
  if (my !== gen) return;
  const id = e.lastEventId !== "" && name !== "heartbeat" && name !== "resync" && /^\d+$/.test(e.lastEventId) ? Number(e.lastEventId) : null;
  if (!S.loaded) { if (name === "resync") return; S.buffer.push({ name, id, data: e.data }); return; }
  if (applyMessage(name, id, e.data) === "resync") { resync(); return; }
  backoff = 1000;
  render();
}
// Every second: clock, highlight end, staleness; a stream silent for too long is dropped and reopened.
setInterval(() => {
  if (S.loaded && es && S.lastHeard !== null && Date.now() - S.lastHeard > staleAfterMs()) { markDown(); es.close(); restartSoon(); }
  render();
}, 1000);

// A test hook for the browser test: the state and what was announced.
window.sportelloDisplay = { state: S, announced: Audio_.played, options: OPT, audio: Audio_ };

function start() {
  if (!SITE) { document.body.textContent = "Use /display/{site}?key=DISPLAY_KEY"; return; }
  if (!KEY) {
    $("setup").hidden = false;
    $("setup-form").addEventListener("submit", (e) => {
      e.preventDefault(); KEY = $("setup-key").value.trim();
      localStorage.setItem("sportello-display-key:" + SITE, KEY); $("setup").hidden = true; connect();
    });
    render(); return;
  }
  if (params.get("key")) { try { localStorage.setItem("sportello-display-key:" + SITE, KEY); } catch (e) { /* private mode */ } }
  if (OPT.sound) {
    Audio_.context();
    // Not allowed without a touch: show the button at once, not at the first call.
    if (Audio_.ctx && Audio_.ctx.state !== "running") $("sound").hidden = false;
    if (Audio_.ctx) Audio_.ctx.onstatechange = () => { $("sound").hidden = Audio_.ctx.state === "running"; render(); reportHealth(); };
  }
  render(); connect(); reportHealth();
}
start();
