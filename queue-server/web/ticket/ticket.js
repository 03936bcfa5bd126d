// Sportello ticket page: re-read this page every few seconds while the ticket is live and swap
// in its content (the page itself works without this: <noscript> refresh).
// SPDX-License-Identifier: GPL-3.0-only
(function () {
  "use strict";
  var PERIOD_MS = 4000;
  function live() {
    var m = document.getElementById("ticket");
    return m && m.getAttribute("data-live") === "true";
  }
  function tick() {
    if (!live()) return;
    fetch(location.href, { cache: "no-store", credentials: "omit" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (text) {
        var doc = new DOMParser().parseFromString(text, "text/html");
        var fresh = doc.getElementById("ticket");
        var old = document.getElementById("ticket");
        if (fresh && old) {
          var wasCalled = old.getAttribute("data-status") === "called";
          old.replaceWith(document.importNode(fresh, true));
          document.title = doc.title;
          var nowCalled = fresh.getAttribute("data-status") === "called";
          if (nowCalled && !wasCalled && navigator.vibrate) navigator.vibrate([300, 150, 300]);
        }
      })
      .catch(function () { /* keep the last state; try again */ })
      .then(function () { if (live()) setTimeout(tick, PERIOD_MS); });
  }
  setTimeout(tick, PERIOD_MS);
})();
