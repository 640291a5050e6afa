/* Handbook client: larger-text control and search (index built by generator/search.py; the
   tokenising and ranking here mirror search.py's query_terms() and search(), kept in step by tests). */
(function () {
  "use strict";
  var root = document.documentElement;

  /* ---- larger text, remembered across pages (localStorage works from file:// too) ---- */
  function setLarge(on) {
    root.classList.toggle("hb-large", on);
    try { localStorage.setItem("hb-text", on ? "large" : "normal"); } catch (e) { /* private mode */ }
    document.querySelectorAll(".hb-textsize").forEach(function (b) {
      b.setAttribute("aria-pressed", on ? "true" : "false");
      b.textContent = on ? b.dataset.labelNormal : b.dataset.labelLarge;
    });
  }
  document.querySelectorAll(".hb-textsize").forEach(function (b) {
    b.addEventListener("click", function () { setLarge(!root.classList.contains("hb-large")); });
  });
  setLarge(root.classList.contains("hb-large"));

  /* ---- colour scheme (light / dark), remembered across pages ---- */
  function setScheme(dark, save) {
    document.body.setAttribute("data-md-color-scheme", dark ? "slate" : "default");
    if (save) { try { localStorage.setItem("hb-scheme", dark ? "slate" : "default"); } catch (e) { /* private mode */ } }
    document.querySelectorAll(".hb-scheme").forEach(function (b) { b.setAttribute("aria-pressed", dark ? "true" : "false"); });
  }
  document.querySelectorAll(".hb-scheme").forEach(function (b) {
    b.addEventListener("click", function () {
      setScheme(document.body.getAttribute("data-md-color-scheme") !== "slate", true);
    });
  });
  setScheme(document.body.getAttribute("data-md-color-scheme") === "slate", false);

  /* ---- the navigation drawer (narrower screens): the header's menu button opens it, Escape closes it ---- */
  var drawer = document.getElementById("__drawer"), sidebar = document.querySelector(".md-sidebar--primary");
  var menus = document.querySelectorAll(".hb-menu");
  function focusFirstLink(container) {  /* at the top of a panel still sliding in: scrolling to it would push it aside */
    var first = container && container.querySelector("a[href]");
    if (first) first.focus({ preventScroll: true });
  }
  function setDrawer(open, focus) {
    drawer.checked = open;
    menus.forEach(function (b) { b.setAttribute("aria-expanded", open ? "true" : "false"); });
    if (open && focus) focusFirstLink(sidebar);
  }
  if (drawer && sidebar) {
    sidebar.id = sidebar.id || "hb-drawer";
    menus.forEach(function (b) {
      b.setAttribute("aria-controls", sidebar.id);
      b.addEventListener("click", function () { setDrawer(!drawer.checked, true); });
    });
    drawer.addEventListener("change", function () { setDrawer(drawer.checked, false); });  /* the overlay closes it */
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && drawer.checked) { setDrawer(false, false); if (menus[0]) menus[0].focus(); }
    });

    /* The drawer's sections open and close from labels (Material's drill-down): there, they take focus and work with
       Enter or Space like buttons. On wide screens the sections are always open, and the labels are headings. */
    var narrow = matchMedia("(max-width: 76.234375em)");
    var labels = sidebar.querySelectorAll('label[for^="__nav_"]');
    var syncLabels = function () {
      labels.forEach(function (label) {
        var toggle = document.getElementById(label.htmlFor);
        if (narrow.matches && toggle) {
          label.tabIndex = 0;
          label.setAttribute("role", "button");
          if (label.id) label.setAttribute("aria-expanded", toggle.checked ? "true" : "false");
        } else {
          label.removeAttribute("tabindex"); label.removeAttribute("role"); label.removeAttribute("aria-expanded");
        }
      });
    };
    labels.forEach(function (label) {
      var toggle = document.getElementById(label.htmlFor);
      if (!toggle) return;
      toggle.addEventListener("change", syncLabels);
      label.addEventListener("keydown", function (e) {
        if (!narrow.matches || (e.key !== "Enter" && e.key !== " ")) return;
        e.preventDefault();
        toggle.checked = !toggle.checked;
        syncLabels();
        if (toggle.checked) focusFirstLink(toggle.parentNode.querySelector(".md-nav"));
        else { var opener = document.getElementById(toggle.id + "_label"); if (opener) opener.focus(); }
      });
    });
    syncLabels();
    narrow.addEventListener("change", syncLabels);
  } else {
    menus.forEach(function (b) { b.hidden = true; });
  }

  /* ---- search: the same rules as generator/search.py ---- */
  var CJK_RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;
  var LATIN_RUN = /[a-z0-9]+/g;
  var QUESTION_WORDS = /怎么|怎样|如何|哪里|哪儿|什么|请问|我想|我要|可以|能不能|吗|呢|的|了/g;
  var SUFFIXES = [["ations", ""], ["ation", ""], ["ings", ""], ["ing", ""], ["ies", "y"], ["ied", "y"], ["sses", "ss"],
                  ["es", ""], ["ed", ""], ["ly", ""], ["s", ""], ["e", ""]];
  var STOP = Object.create(null);
  "a an and are at be by can do for from get how i in is it me my of on or the to want what where who with need"
    .split(" ").forEach(function (w) { STOP[w] = true; });

  function stem(word) {
    if (/^[0-9]+$/.test(word) || (/ss$/.test(word) && !/sses$/.test(word))) return word;
    for (var i = 0; i < SUFFIXES.length; i++) {
      var suf = SUFFIXES[i][0], rep = SUFFIXES[i][1];
      if (word.slice(-suf.length) === suf && word.length - suf.length + rep.length >= 3) {
        return word.slice(0, word.length - suf.length) + rep;
      }
    }
    return word;
  }

  function unique(list) {
    var seen = Object.create(null), out = [];
    list.forEach(function (x) { if (!seen[x]) { seen[x] = true; out.push(x); } });
    return out;
  }

  function queryTerms(text) {
    text = text.normalize("NFKC").toLowerCase().replace(QUESTION_WORDS, " ");
    var terms = [], chars = [];
    (text.match(CJK_RUN) || []).forEach(function (run) {
      var c = Array.from(run);
      if (c.length === 1) { terms.push(run); return; }
      for (var i = 0; i < c.length - 1; i++) terms.push(c[i] + c[i + 1]);
      chars = chars.concat(c);
    });
    (text.match(LATIN_RUN) || []).forEach(function (w) { if (!STOP[w]) terms.push(stem(w)); });
    return [unique(terms), unique(chars)];
  }

  function lowerBound(keys, term) {
    var lo = 0, hi = keys.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (keys[mid] < term) lo = mid + 1; else hi = mid; }
    return lo;
  }

  function termMatches(index, term) {
    var found = {}, postings = index.terms;
    (postings[term] || []).forEach(function (p) { found[p[0]] = p[1]; });
    if (!/^[\x00-\x7f]*$/.test(term) || term.length < 2) return found;
    var i = lowerBound(index.keys, term), expansions = 0;
    while (i < index.keys.length && index.keys[i].indexOf(term) === 0 && expansions < 40) {
      if (index.keys[i] !== term) {
        postings[index.keys[i]].forEach(function (p) { found[p[0]] = Math.max(found[p[0]] || 0, 0.6 * p[1]); });
        expansions++;
      }
      i++;
    }
    return found;
  }

  function search(index, text, limit) {
    var q = queryTerms(text), terms = q[0], chars = q[1], score = {}, hits = {};
    terms.forEach(function (term) {
      var m = termMatches(index, term);
      Object.keys(m).forEach(function (d) { score[d] = (score[d] || 0) + m[d]; hits[d] = (hits[d] || 0) + 1; });
    });
    chars.forEach(function (c) {
      (index.terms[c] || []).forEach(function (p) {
        score[p[0]] = (score[p[0]] || 0) + 0.2 * p[1];
        hits[p[0]] = (hits[p[0]] || 0) + 0.25 / Math.max(chars.length, 1);
      });
    });
    var wanted = terms.length || 1;
    function rank(d) { var h = Math.min(hits[d], wanted) / wanted; return score[d] * h * h; }
    return Object.keys(score).map(Number)
      .sort(function (a, b) { return (rank(b) - rank(a)) || (a - b); })
      .slice(0, limit).map(function (d) { return index.docs[d]; });
  }

  /* ---- loading the index on first use, as a script (fetch() is refused from file://) ---- */
  var loading = {};
  function loadIndex(form) {
    var url = form.dataset.base + form.dataset.index, lang = form.dataset.lang;
    if (!loading[url]) {
      loading[url] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = url;
        s.onload = function () {
          var index = window.handbookSearch[lang];
          index.keys = Object.keys(index.terms).sort();
          resolve(index);
        };
        s.onerror = function (e) { delete loading[url]; reject(e); };  /* try again on the next keystroke */
        document.head.appendChild(s);
      });
    }
    return loading[url];
  }

  function href(base, url) {
    var target = base + url;
    return location.protocol === "file:" && /\/$/.test(target) ? target + "index.html" : target;
  }

  /* "1 result", "5 results", "找到5项结果": the page language's plural rules pick count_one where the language has it */
  var plurals = new Intl.PluralRules(root.lang || "en");
  function counted(strings, n) {
    var text = plurals.select(n) === "one" && strings.count_one ? strings.count_one : strings.count;
    return text.replace("{count}", n);
  }

  var counter = 0;
  function wire(form, source) {
    var input = form.querySelector("input"), strings = JSON.parse(source.dataset.strings);
    var id = "hb-results-" + (++counter);
    var panel = document.createElement("div");
    panel.className = "hb-results"; panel.id = id; panel.hidden = true;
    var status = document.createElement("p");
    status.className = "hb-results__status"; status.setAttribute("role", "status"); status.setAttribute("aria-live", "polite");
    var list = document.createElement("ol");
    panel.appendChild(status); panel.appendChild(list);
    form.appendChild(panel);
    /* a combobox: the input shows and hides a panel of results (aria-expanded is not allowed on a plain searchbox) */
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id);
    var timer = null;

    function show(results, query) {
      list.textContent = "";
      results.forEach(function (doc) {
        var li = document.createElement("li"), a = document.createElement("a");
        a.href = href(source.dataset.base, doc[0]);
        var title = document.createElement("strong"); title.textContent = doc[1];
        var summary = document.createElement("span"); summary.textContent = doc[2];
        a.appendChild(title); a.appendChild(summary); li.appendChild(a); list.appendChild(li);
      });
      status.textContent = results.length ? counted(strings, results.length) : strings.none;
      panel.hidden = !query;
      input.setAttribute("aria-expanded", query ? "true" : "false");
    }

    function run() {
      var query = input.value.trim();
      if (!query) { show([], ""); return; }
      status.textContent = strings.loading;
      loadIndex(source).then(function (index) {
        if (input.value.trim() === query) show(search(index, query, 10), query);
      });
    }

    input.addEventListener("focus", function () { loadIndex(source); });
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 60); });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var first = list.querySelector("a");
      if (first) location.href = first.href; else run();
    });
    form.addEventListener("keydown", function (e) {
      var links = Array.prototype.slice.call(list.querySelectorAll("a"));
      var at = links.indexOf(document.activeElement);
      if (e.key === "ArrowDown" && links.length) { e.preventDefault(); links[Math.min(at + 1, links.length - 1)].focus(); }
      else if (e.key === "ArrowUp" && at >= 0) { e.preventDefault(); (at === 0 ? input : links[at - 1]).focus(); }
      else if (e.key === "Escape") { panel.hidden = true; input.setAttribute("aria-expanded", "false"); input.focus(); }
    });
  }

  var header = document.querySelector("form.hb-search[data-hb-search]");
  document.querySelectorAll("form[data-hb-search]").forEach(function (form) { if (header) wire(form, header); });
  /* ---- read aloud (service pages): the name and fields, in the page's language, with a stop control; the buttons
     stay hidden unless the browser has a voice for that language ---- */
  var speech = window.speechSynthesis, reader = document.querySelector("[data-read-aloud]");
  var stopper = document.querySelector("[data-read-aloud-stop]");
  function pageVoice() {
    var lang = (root.lang || "").toLowerCase().split("-")[0];
    return (speech.getVoices() || []).filter(function (v) {
      return (v.lang || "").toLowerCase().replace("_", "-").split("-")[0] === lang;
    })[0] || null;
  }
  function readableParts() {  /* the heading, then the page down to the related services, without the official text */
    var h1 = document.querySelector(".md-content h1"), parts = [];
    if (!h1) return parts;
    parts.push(h1.textContent);
    for (var el = h1.nextElementSibling; el && !el.classList.contains("hb-read-end"); el = el.nextElementSibling) {
      if (el.matches(".hb-meta, .hb-read, details, script") || !el.textContent.trim()) continue;
      parts.push(el.textContent.replace(/\s+/g, " ").trim());
    }
    return parts;
  }
  function setSpeaking(on) {
    var focused = document.activeElement === reader || document.activeElement === stopper;
    reader.hidden = on; stopper.hidden = !on;
    if (focused) (on ? stopper : reader).focus();  /* the hidden button had focus: keep it on the controls */
  }
  function readAloud() {
    var voice = pageVoice(), parts = readableParts();
    if (!voice || !parts.length) return;
    speech.cancel();
    parts.forEach(function (text, i) {  /* one utterance per paragraph: long ones are cut short by some browsers */
      var u = new SpeechSynthesisUtterance(text);
      u.lang = voice.lang; u.voice = voice;
      if (i === parts.length - 1) { u.onend = function () { setSpeaking(false); }; }
      speech.speak(u);
    });
    setSpeaking(true);
  }
  function offerReading() { if (reader && stopper.hidden) reader.hidden = !pageVoice(); }
  if (reader && stopper && speech && window.SpeechSynthesisUtterance) {
    reader.addEventListener("click", readAloud);
    stopper.addEventListener("click", function () { speech.cancel(); setSpeaking(false); });
    window.addEventListener("pagehide", function () { speech.cancel(); });
    offerReading();
    if (speech.addEventListener) speech.addEventListener("voiceschanged", offerReading);
  }

  window.handbookQuery = function (index, text, limit) { return search(index, text, limit || 10); };
  window.handbookTerms = queryTerms;
})();
