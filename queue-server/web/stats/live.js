// Sportello live view: reload every 10 seconds while the box is ticked (people who need more
// time to read can untick it). SPDX-License-Identifier: GPL-3.0-only
(function () {
  "use strict";
  var box = document.getElementById("auto");
  if (!box) return;
  box.checked = localStorage.getItem("sportello.live.auto") !== "off";
  box.addEventListener("change", function () {
    localStorage.setItem("sportello.live.auto", box.checked ? "on" : "off");
  });
  setInterval(function () {
    if (box.checked) location.reload();
  }, 10000);

  // Open alerts (at the top of the page): a sound for one not seen before, and "I'm going".
  var seen = {};
  try { seen = JSON.parse(sessionStorage.getItem("sportello.live.alerts") || "{}"); } catch (e) { seen = {}; }
  var fresh = false;
  document.querySelectorAll("#open-alerts li[data-alert]").forEach(function (li) {
    var id = li.getAttribute("data-alert");
    if (!seen[id]) { seen[id] = true; fresh = true; }
  });
  try { sessionStorage.setItem("sportello.live.alerts", JSON.stringify(seen)); } catch (e) { /* private mode */ }
  if (fresh) {
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      var ctx = new Ctx();
      var o = ctx.createOscillator(), g = ctx.createGain();
      o.frequency.value = 880; g.gain.value = 0.15;
      o.connect(g); g.connect(ctx.destination);
      o.start(); o.stop(ctx.currentTime + 0.35);
    } catch (e) { /* no audio */ }
  }
  document.querySelectorAll("#open-alerts button.going").forEach(function (b) {
    b.addEventListener("click", function () {
      b.disabled = true;
      fetch("/api/v1/session", { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { return r.json(); })
        .then(function (me) {
          return fetch("/api/v1/alerts/" + encodeURIComponent(b.getAttribute("data-alert")) + "/ack", {
            method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": me.csrf_token }
          });
        })
        .then(function () { location.reload(); }, function () { b.disabled = false; });
    });
  });
})();
