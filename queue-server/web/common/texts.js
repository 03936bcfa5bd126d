// Sportello pages' texts: the server puts this page's messages (from texts/locales/<lang>/*.ftl,
// exported by the `texts` crate) in <script type="application/json" id="sportello-texts">; this
// formats them. A message is a string with {name} placeholders, or a plural:
// {"on": "n", "exact": {"0": …}, "forms": {"one": …, "other": …}, "default": …}, chosen with the
// browser's Intl.PluralRules (CLDR categories, as Fluent chooses them on the server).
// SPDX-License-Identifier: GPL-3.0-only
(function () {
  "use strict";
  var el = document.getElementById("sportello-texts");
  var all = {};
  try { all = el ? JSON.parse(el.textContent) : {}; } catch (e) { all = {}; }
  var rules = {};
  function category(lang, n) {
    try {
      if (!rules[lang]) rules[lang] = new Intl.PluralRules(lang);
      return rules[lang].select(n);
    } catch (e) { return "other"; }
  }
  function lookup(lang, id) {
    var langs = [lang, "it", "en"];
    for (var i = 0; i < langs.length; i++) {
      var m = all[langs[i]] && all[langs[i]][id];
      if (m !== undefined) return { lang: langs[i], message: m };
    }
    return null;
  }
  // The text `id` in `lang` with `vars` put in; `fallback` (or "") when there is no such text.
  function t(lang, id, vars, fallback) {
    var found = lookup(lang, id);
    if (!found) return fallback === undefined ? "" : fallback;
    var m = found.message;
    vars = vars || {};
    if (typeof m === "object" && m !== null) {
      var n = Number(vars[m.on]);
      var exact = m.exact && m.exact[String(n)];
      var form = m.forms && m.forms[category(found.lang, n)];
      m = exact !== undefined ? exact : form !== undefined ? form : m["default"];
    }
    return String(m).replace(/\{([A-Za-z][A-Za-z0-9_-]*)\}/g, function (whole, k) {
      return Object.prototype.hasOwnProperty.call(vars, k) ? String(vars[k]) : whole;
    });
  }
  window.SportelloTexts = {
    t: t,
    has: function (lang, id) { return !!(all[lang] && all[lang][id] !== undefined); },
    languages: function () { return Object.keys(all); }
  };
})();
