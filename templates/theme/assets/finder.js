/* The situation finder (finder/ pages): answers in the URL fragment → services in three groups.
   classify() mirrors generator/data/eligibility.py's classify(); tests/web/test_finder.py runs the personas through both.
   Nothing is stored or sent: the answers live only in the address (#age=70&status=dibao), so Back, bookmarks and
   printing work, and the host never sees them. The data comes from finder/data.<lang>.js, a script (fetch() is
   refused from file://). */
(function () {
  "use strict";

  /* ---- the evaluator: a service's eligibility and the answers → "likely" | "maybe" | "everyone" | null ---- */
  function within(range, n) {
    return (range.min === undefined || n >= range.min) && (range.max === undefined || n <= range.max);
  }
  function overlaps(wanted, given) {
    return given.some(function (x) { return wanted.indexOf(x) >= 0; });
  }
  var TESTS = {  /* criterion value, the answer (never missing here) → whether the answer meets it */
    age: function (v, a) { return within(v, a); },
    sex: function (v, a) { return v === a; },
    residence: function (v, a) { return v === a; },
    status: overlaps,
    disability: function (v, a) { return v.indexOf(a) >= 0; },
    pregnant: function (v, a) { return a === true; },
    child: function (v, a) { return a.some(function (age) { return within(v, age); }); },
    school: overlaps,
    work: function (v, a) { return v.indexOf(a) >= 0; },
    veteran: function (v, a) { return a === true; },
    "family-planning": function (v, a) { return v.indexOf(a) >= 0; }
  };

  /* one criterion → "met" | "unknown" | "failed" */
  function criterion(key, value, answers) {
    if (key === "other" || value === "ask" || !Object.prototype.hasOwnProperty.call(answers, key) ||
        !TESTS[key]) return "unknown";
    return TESTS[key](value, answers[key]) ? "met" : "failed";
  }

  /* one rule set (all must hold) → "likely" | "maybe" | null */
  function ruleSet(rules, answers) {
    var result = "likely";
    for (var key in rules) {
      if (!Object.prototype.hasOwnProperty.call(rules, key)) continue;
      var state = criterion(key, rules[key], answers);
      if (state === "failed") return null;
      if (state === "unknown") result = "maybe";
    }
    return result;
  }

  function classify(eligibility, answers) {
    if (eligibility.everyone) return "everyone";
    var best = null;
    (eligibility.any || []).forEach(function (rules) {
      var r = ruleSet(rules, answers);
      if (r === "likely" || (r === "maybe" && best === null)) best = r;
    });
    return best;
  }

  /* ---- answers ⇄ the URL fragment (keys documented in README) ---- */
  var LISTS = { status: true, child: true, school: true };  /* comma lists; "none" = answered, none of them */
  var YES_NO = { pregnant: true, veteran: true };  /* yes | no */
  var ORDER = ["age", "sex", "residence", "status", "disability", "pregnant", "child", "school", "work", "veteran",
               "family-planning"];

  function parseAnswers(fragment) {
    var answers = {};
    fragment.replace(/^#/, "").split("&").forEach(function (pair) {
      var at = pair.indexOf("="), key = decodeURIComponent(at < 0 ? pair : pair.slice(0, at));
      var raw = at < 0 ? "" : decodeURIComponent(pair.slice(at + 1));
      if (ORDER.indexOf(key) < 0 || raw === "") return;
      if (key === "age") { if (/^\d{1,3}$/.test(raw)) answers.age = parseInt(raw, 10); }
      else if (key === "disability") {
        if (raw === "none") answers.disability = 0; else if (/^[1-4]$/.test(raw)) answers.disability = parseInt(raw, 10);
      }
      else if (YES_NO[key]) { if (raw === "yes" || raw === "no") answers[key] = raw === "yes"; }
      else if (LISTS[key]) {
        var items = raw === "none" ? [] : raw.split(",").filter(function (x) { return x !== ""; });
        answers[key] = key === "child" ? items.filter(function (x) { return /^\d{1,2}$/.test(x); })
          .map(function (x) { return parseInt(x, 10); }) : items;
      }
      else answers[key] = raw;
    });
    return answers;
  }

  function formatAnswers(answers) {
    return ORDER.filter(function (k) { return answers[k] !== undefined; }).map(function (k) {
      var v = answers[k];
      if (k === "disability") v = v === 0 ? "none" : String(v);
      else if (YES_NO[k]) v = v ? "yes" : "no";
      else if (LISTS[k]) v = v.length ? v.join(",") : "none";
      return k + "=" + encodeURIComponent(String(v)).replace(/%2C/g, ",");
    }).join("&");
  }

  window.handbookFinder = window.handbookFinder || {};
  window.handbookFinder.classify = classify;
  window.handbookFinder.parseAnswers = parseAnswers;
  window.handbookFinder.formatAnswers = formatAnswers;

  /* ---- the page ---- */
  var finder = document.querySelector("[data-hb-finder]");
  if (!finder) return;
  var data = window.handbookFinder[finder.dataset.lang];
  var form = finder.querySelector("form");
  if (!data || !form) return;  /* without the data the audience links stay */
  var strings = JSON.parse(finder.dataset.strings);
  var plurals = new Intl.PluralRules(document.documentElement.lang);

  function counted(key, n) {  /* "1 service", "3 services", "3项" */
    var form = plurals.select(n);
    return (strings[key + "_" + form] || strings[key]).replace("{count}", n);
  }

  /* the form's state → answers */
  function readForm() {
    var answers = {};
    var age = form.elements.age.value.trim();
    if (/^\d{1,3}$/.test(age)) answers.age = parseInt(age, 10);
    form.querySelectorAll("fieldset[data-key]").forEach(function (set) {
      var key = set.dataset.key;
      if (key === "age") return;
      var checked = Array.prototype.slice.call(set.querySelectorAll("input:checked")).map(function (i) { return i.value; });
      if (LISTS[key]) {
        if (checked.length) answers[key] = checked.indexOf("none") >= 0 ? [] : checked.map(function (v) {
          return key === "child" ? parseInt(v, 10) : v;
        });
      } else if (checked.length && checked[0] !== "") {
        var v = checked[0];
        answers[key] = key === "disability" ? (v === "none" ? 0 : parseInt(v, 10)) : YES_NO[key] ? v === "yes" : v;
      }
    });
    return answers;
  }

  /* answers → the form's state */
  function fillForm(answers) {
    form.elements.age.value = answers.age === undefined ? "" : String(answers.age);
    form.querySelectorAll("fieldset[data-key]").forEach(function (set) {
      var key = set.dataset.key, v = answers[key];
      if (key === "age") return;
      var wanted = v === undefined ? [""] : LISTS[key] ? (v.length ? v.map(String) : ["none"])
        : key === "disability" ? [v === 0 ? "none" : String(v)] : YES_NO[key] ? [v ? "yes" : "no"] : [String(v)];
      set.querySelectorAll("input").forEach(function (i) { i.checked = wanted.indexOf(i.value) >= 0; });
    });
  }

  function href(url) {
    return location.protocol === "file:" && /\/$/.test(url) ? url + "index.html" : url;
  }

  function showResults(answers) {
    var groups = { likely: [], maybe: [], everyone: [] };
    var answered = Object.keys(answers).length > 0;
    data.services.forEach(function (s) {
      var g = classify(s, answers);
      if (g === "everyone" || (g && answered)) groups[g].push(s);
    });
    Object.keys(groups).forEach(function (g) {
      var section = finder.querySelector('[data-results="' + g + '"]');
      var list = section.querySelector("ol");
      list.textContent = "";
      groups[g].forEach(function (s) {
        var li = document.createElement("li"), a = document.createElement("a");
        li.dataset.number = s.number; li.dataset.group = g;
        a.href = href(s.href);
        var title = document.createElement("strong");
        title.textContent = strings.service_label.replace("{number}", s.number) + " " + s.name;
        var summary = document.createElement("span");
        summary.textContent = s.summary;
        a.appendChild(title); li.appendChild(a); li.appendChild(summary); list.appendChild(li);
      });
      section.querySelector("[data-count]").textContent = counted("count", groups[g].length);
      section.hidden = g !== "everyone" && !answered;
    });
    finder.querySelector("[data-finder-hint]").hidden = answered;
    if (qrLoading) qrLoading.then(addQR);
    finder.querySelector("[role=status]").textContent = answered
      ? strings.summary.replace("{likely}", counted("count", groups.likely.length))
        .replace("{maybe}", counted("count", groups.maybe.length)) : strings.unanswered;
    showAnswersInWords();
  }

  /* for printing: each answered question and its answer, in words */
  function showAnswersInWords() {
    var list = finder.querySelector("[data-answers]");
    list.textContent = "";
    form.querySelectorAll("fieldset[data-key]").forEach(function (set) {
      var words = set.dataset.key === "age" ? (form.elements.age.value.trim() ? form.elements.age.value.trim() : "")
        : Array.prototype.slice.call(set.querySelectorAll("input:checked")).filter(function (i) { return i.value !== ""; })
          .map(function (i) { return i.parentNode.textContent.trim(); }).join(strings.list_separator);
      if (!words) return;
      var dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = set.querySelector("legend").textContent.trim();
      dd.textContent = words;
      list.appendChild(dt); list.appendChild(dd);
    });
    list.hidden = !list.children.length;
  }

  var typingAge = false;  /* while the age is typed, one history entry for the whole number ("7", "70") */
  function update(fromForm, typing) {
    var answers = fromForm ? readForm() : parseAnswers(location.hash);
    if (!fromForm) fillForm(answers);
    var fragment = formatAnswers(answers);
    if (fromForm && fragment !== location.hash.replace(/^#/, "")) {
      /* a new history entry per answer, so Back undoes it */
      var url = fragment ? "#" + fragment : location.pathname + location.search;
      if (typing && typingAge) history.replaceState(null, "", url); else history.pushState(null, "", url);
    }
    typingAge = !!typing;
    showResults(answers);
  }

  /* "none of these" and the other choices of a list exclude each other */
  form.addEventListener("change", function (e) {
    var input = e.target, set = input.closest("fieldset[data-key]");
    if (input.type === "checkbox" && input.checked && set) {
      set.querySelectorAll("input[type=checkbox]").forEach(function (other) {
        if (other !== input && (input.value === "none" || other.value === "none")) other.checked = false;
      });
    }
    update(true);
  });
  form.elements.age.addEventListener("input", function (e) { e.stopPropagation(); update(true, true); });
  form.elements.age.addEventListener("change", function (e) { e.stopPropagation(); typingAge = false; });
  form.addEventListener("submit", function (e) { e.preventDefault(); update(true); });
  form.addEventListener("reset", function () { setTimeout(function () { update(true); }, 0); });
  window.addEventListener("hashchange", function () { update(false); });
  window.addEventListener("popstate", function () { update(false); });

  /* printed results: a QR code beside each service likely for you, opening its page (when the site has an address);
     the codes are a script of their own, loaded for printing only (and ahead of time on wide screens, for Ctrl+P) */
  var qrLoading = null;
  function loadQR() {
    if (!finder.dataset.qr) return Promise.resolve(null);
    if (!qrLoading) {
      qrLoading = new Promise(function (resolve) {
        var s = document.createElement("script");
        s.src = finder.dataset.qr;
        s.onload = function () { resolve((window.handbookFinderQR || {})[finder.dataset.lang] || null); };
        s.onerror = function () { qrLoading = null; resolve(null); };
        document.head.appendChild(s);
      });
    }
    return qrLoading;
  }
  function addQR(codes) {
    if (!codes) return;
    finder.querySelectorAll('li[data-group="likely"]').forEach(function (li) {
      if (li.querySelector(".hb-qr") || !codes[li.dataset.number]) return;
      var img = document.createElement("img");
      img.className = "hb-qr";
      img.alt = strings.qr_alt.replace("{number}", li.dataset.number);
      img.src = "data:image/svg+xml," + encodeURIComponent(codes[li.dataset.number]);
      li.insertBefore(img, li.firstChild);
    });
  }
  finder.querySelector("[data-finder-print]").addEventListener("click", function () {
    loadQR().then(function (codes) { addQR(codes); window.print(); });
  });
  window.addEventListener("beforeprint", function () { if (qrLoading) qrLoading.then(addQR); });
  if (matchMedia("(min-width: 60em)").matches) loadQR();

  finder.querySelector("[data-finder-nojs]").hidden = true;
  form.hidden = false;
  finder.querySelector("[data-finder-results]").hidden = false;
  update(false);
})();
