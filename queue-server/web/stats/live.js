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
})();
