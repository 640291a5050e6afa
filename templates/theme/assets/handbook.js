/* Handbook client: larger-text control and search (index built by generator/web/search.py, in the manifest and chunks
   of searchchunks.py; the query units, ranking and loading here mirror search.py's query_units() and rank() and
   searchchunks.py's plan(), kept in step by tests/whole/test_browser.py). */
(function () {
  "use strict";
  var root = document.documentElement;

  /* ---- larger text, remembered across pages (localStorage works from file:// too) ---- */
  function setLarge(on) {
    root.classList.toggle("hb-large", on);
    try { localStorage.setItem("hb-text", on ? "large" : "normal"); } catch (e) { /* private mode */ }
    document.querySelectorAll(".hb-textsize").forEach(function (b) {
      b.setAttribute("aria-pressed", on ? "true" : "false");  /* its label follows html.hb-large (handbook.css) */
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

  /* ---- search: the same rules as generator/web/search.py (query_units, rank); the tables come with the index ---- */
  var CJK_RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;
  var LATIN_RUN = /[a-z0-9]+/g;
  var COMBINING = /[\u0300-\u036f]/g;
  var TONE_NUMBER = /([a-z])[1-5](?![0-9])/g;
  var FILLERS = new RegExp("第(?=[0-9])|(?<=[0-9])项|怎么办|怎么样|怎么|怎样|如何|哪里|哪儿|哪些|什么|请问|我想|我要|我家|我们|我的|能不能|有没有|" +
                           "可不可以|可以|是不是|吗|呢|吧|啊|的|了|我", "g");
  var SUFFIXES = [["bilities", "bl"], ["bility", "bl"], ["ations", ""], ["ation", ""], ["ancies", "ant"], ["ancy", "ant"],
                  ["encies", "ent"], ["ency", "ent"], ["ated", ""], ["ates", ""], ["ate", ""], ["ings", ""], ["ing", ""],
                  ["ies", "y"], ["ied", "y"], ["sses", "ss"], ["es", ""], ["ed", ""], ["ly", ""], ["s", ""], ["e", ""]];
  var STOP = Object.create(null);
  ("a about am an and any are at be by can could do does for from get got have how i if in is it me my no of on or our please " +
   "s should the there to want we what when where which who will with would you your need was were been t cannot them " +
   "they their he she his her him").split(" ")
    .forEach(function (w) { STOP[w] = true; });
  var PREFIX = 0.6, TYPO = {1: 0.6, 2: 0.45}, HOMOPHONE = 0.5, CHAR_FACTOR = 0.2, EXPANSIONS = 40, MAX_SYLLABLE = 6;

  function normalize(text) {
    return text.normalize("NFKC").toLowerCase().normalize("NFD").replace(COMBINING, "").normalize("NFC");
  }

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

  function has(map, key) { return Object.prototype.hasOwnProperty.call(map, key); }

  /* a list without repeats; units compare by their JSON text, as Python's dict.fromkeys compares tuples */
  function unique(list) {
    var seen = Object.create(null), out = [];
    list.forEach(function (x) { var k = JSON.stringify(x); if (!seen[k]) { seen[k] = true; out.push(x); } });
    return out;
  }

  function segment(word, syllables) {
    var best = [[]];
    for (var i = 1; i <= word.length; i++) {
      best.push(null);
      for (var j = Math.max(0, i - MAX_SYLLABLE); j < i; j++) {
        var before = best[j], piece = word.slice(j, i);
        if (before !== null && syllables[piece] && (best[i] === null || before.length + 1 < best[i].length)) {
          best[i] = before.concat([piece]);
        }
      }
    }
    return best[word.length];
  }

  function pinyinOf(word, syllables) {
    var plain = word.replace(TONE_NUMBER, "$1").replace(/v/g, "u");
    return /^[a-z]+$/.test(plain) ? segment(plain, syllables) : null;
  }

  function pinyinUnits(s) {
    if (s.length === 1) return [[1, [[s[0], 1, true]]]];
    var pairs = [];
    for (var i = 0; i < s.length - 1; i++) pairs.push([1, [[s[i] + s[i + 1], 1, false]]]);
    return unique(pairs).concat([[0, [[s.join(""), 1, true]]]]);
  }

  function edits(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    var previous2 = [], previous = [], i, j;
    for (j = 0; j <= b.length; j++) previous.push(j);
    for (i = 1; i <= a.length; i++) {
      var row = [i], low = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j], previous2[j - 2] + 1);
        low = Math.min(low, row[j]);
      }
      if (low > limit) return limit + 1;
      previous2 = previous; previous = row;
    }
    return previous[b.length];
  }

  function lowerBound(keys, term) {
    var lo = 0, hi = keys.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (keys[mid] < term) lo = mid + 1; else hi = mid; }
    return lo;
  }

  function beginsAKey(keys, term) {
    var i = lowerBound(keys, term);
    return i < keys.length && keys[i].indexOf(term) === 0;
  }

  /* how many letters of a word may be wrong for a typo match (search.py's typo_limit) */
  function typoLimit(word) { return word.length < 5 ? 0 : word.length < 8 ? 1 : 2; }

  function wordUnit(word, index) {
    var term = stem(word), alts = [[term, 1, term.length >= 2]];
    if (word !== term) alts.push([word, 1, false]);
    var limit = typoLimit(word), stemLimit = Math.min(limit, typoLimit(term));
    if (limit && !beginsAKey(index.keys, term)) {
      index.rules.words.forEach(function (candidate, i) {
        var found = index.wordStems[i], inStem = edits(term, found, stemLimit);
        var distance = Math.min(edits(word, candidate, limit), inStem <= stemLimit ? inStem : limit + 1);
        if (distance <= limit) alts.push([found, TYPO[distance], false]);
      });
    }
    return [1, unique(alts)];
  }

  function pairUnit(pair, index) {
    var c = Array.from(pair), reading = index.reading;
    if (c.length === 2 && !has(index.terms, pair) && has(reading, c[0]) && has(reading, c[1])) {
      return [1, [[pair, 1, false], [reading[c[0]] + reading[c[1]], HOMOPHONE, false]]];
    }
    return [1, [[pair, 1, false]]];
  }

  function latinUnits(index, text) {
    var rules = index.rules, units = [], group = [], previous = "";
    var words = (text.match(LATIN_RUN) || []).filter(function (w) { return !STOP[w]; })
      .map(function (w) { return has(rules.spelling, w) ? rules.spelling[w] : w; });
    unique(words).forEach(function (word) {
      var pinyin = rules.pinyin ? pinyinOf(word, index.syllables) : null;
      if (pinyin) { group = group.concat(pinyin); previous = ""; return; }
      if (group.length) { units = units.concat(pinyinUnits(group)); group = []; }
      var unit = wordUnit(word, index), joined = stem(previous + word);
      if (previous && has(index.terms, joined)) {
        units[units.length - 1] = withAlternative(units[units.length - 1], joined);
        unit = withAlternative(unit, joined);
      }
      units.push(unit);
      previous = word;
    });
    return group.length ? units.concat(pinyinUnits(group)) : units;
  }

  function withAlternative(unit, term) { return [unit[0], unit[1].concat([[term, 1, false]])]; }

  function numberUnit(units) {
    var main = units.filter(function (u) { return u[0] === 1; });
    if (main.length === 1 && units.length === 1 && /^[0-9]+$/.test(main[0][1][0][0])) {
      return [withAlternative(units[0], "#" + main[0][1][0][0])];
    }
    return units;
  }

  function queryUnits(index, text) {
    var table = index.rules.traditional;
    text = Array.from(normalize(text)).map(function (c) { return has(table, c) ? table[c] : c; }).join("");
    text = text.replace(FILLERS, " ");
    var runs = (text.match(CJK_RUN) || []).map(function (run) { return Array.from(run); });
    var pairs = [], chars = [];
    runs.forEach(function (c) { for (var i = 0; i < c.length - 1; i++) pairs.push(c[i] + c[i + 1]); });
    runs.forEach(function (c) { if (c.length === 1) pairs.push(c[0]); else chars = chars.concat(c); });
    chars = unique(chars);
    var units = unique(pairs).map(function (p) { return pairUnit(p, index); });
    units = units.concat(latinUnits(index, text));
    return numberUnit(units.concat(chars.map(function (c) { return [0.25 / chars.length, [[c, CHAR_FACTOR, false]]]; })));
  }

  function unitMatches(index, alts) {
    var found = {}, postings = index.terms, keys = index.keys;
    function keep(p, factor) { var v = factor * p[1]; if (!has(found, p[0]) || v > found[p[0]]) found[p[0]] = v; }
    alts.forEach(function (alt) {
      var term = alt[0], factor = alt[1];
      if (has(postings, term)) postings[term].forEach(function (p) { keep(p, factor); });
      var i = lowerBound(keys, term), expansions = 0;
      while (alt[2] && i < keys.length && keys[i].indexOf(term) === 0 && expansions < EXPANSIONS) {
        if (keys[i] !== term) { postings[keys[i]].forEach(function (p) { keep(p, PREFIX * factor); }); expansions++; }
        i++;
      }
    });
    return found;
  }

  function rank(index, text, limit) {
    var units = queryUnits(index, text), score = {}, hits = {}, wanted = 0, order = [];
    units.forEach(function (unit) {
      if (unit[0] === 1) wanted++;
      var m = unitMatches(index, unit[1]);
      Object.keys(m).forEach(function (d) {
        if (!has(score, d)) { score[d] = 0; hits[d] = 0; order.push(d); }
        score[d] += m[d]; hits[d] += unit[0];
      });
    });
    wanted = wanted || 1;
    var ranked = [];
    order.forEach(function (d) {
      if (hits[d] > 0) { var share = Math.min(hits[d], wanted) / wanted; ranked.push([Number(d), score[d] * share * share]); }
    });
    ranked.sort(function (a, b) { return (b[1] - a[1]) || (a[0] - b[0]); });
    return ranked.slice(0, limit);
  }

  /* search.py's strength(): a document's score counting only the query parts it matches firmly (at least rules.firm;
     in a query of several English words, a short word the handbook never uses is not found) */
  function strength(index, text, doc) {
    var units = queryUnits(index, text), wanted = 0, total = 0, hits = 0;
    units.forEach(function (unit) { if (unit[0] === 1) wanted++; });
    wanted = wanted || 1;
    units.forEach(function (unit) {
      var word = unit[1].reduce(function (a, alt) { return alt[0].length > a.length ? alt[0] : a; }, "");
      var unknown = wanted > 1 && !index.rules.pinyin && /^[a-z]+$/.test(word) && word.length < index.rules.short_word &&
        index.rules.short_words.indexOf(word) < 0;
      var m = unknown ? {} : unitMatches(index, unit[1]), value = has(m, doc) ? m[doc] : 0;
      total += value;
      if (value >= index.rules.firm) hits += unit[0];
    });
    var share = Math.min(hits, wanted) / wanted;
    return total * share * share;
  }

  /* whether the first result is a confident match: the line comes with the index (search.py's CONFIDENT) */
  function confident(index, text, ranked) {
    return ranked.length > 0 && strength(index, text, ranked[0][0]) >= index.rules.confident;
  }

  function search(index, text, limit) {
    return rank(index, text, limit).map(function (r) { return index.docs[r[0]]; });
  }

  /* ---- the index in pieces (generator/web/searchchunks.py): a manifest, then only the chunks of terms, the word list
     and the blocks of documents that a query touches. Each piece is a script that registers its data in
     window.handbookSearch under its own name (fetch() is refused from file://). plan() and answer() mirror
     searchchunks.py's plan() and load_for(). ---- */
  var scripts = {};
  function loadScript(url, key) {
    if (!scripts[url]) {
      scripts[url] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = url;
        s.onload = function () { resolve(window.handbookSearch[key]); };
        s.onerror = function (e) { delete scripts[url]; reject(e); };  /* try again on the next keystroke */
        document.head.appendChild(s);
      });
    }
    return scripts[url];
  }

  /* a manifest → an index holding nothing yet, whose pieces load from `folder` */
  function openIndex(manifest, folder) {
    var syllables = Object.create(null);
    manifest.rules.syllables.forEach(function (s) { syllables[s] = true; });
    return {manifest: manifest, folder: folder, rules: Object.assign({}, manifest.rules, {words: []}), syllables: syllables,
            terms: Object.create(null), keys: [], reading: Object.create(null), wordStems: [], docs: [],
            loaded: Object.create(null), chunkKeys: Object.create(null)};
  }

  /* a term → the position of its chunk: the last whose first bucket is not after it */
  function chunkOf(manifest, term) {
    var chunks = manifest.chunks, lo = 0, hi = chunks.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (chunks[mid][0] <= term) lo = mid + 1; else hi = mid; }
    return lo - 1;
  }

  /* a term a query matches → its chunk and, if it matches as a prefix, every chunk of the terms it begins */
  function chunksFor(manifest, term, prefix) {
    var chunks = manifest.chunks, i = chunkOf(manifest, term), names = [chunks[i][1]];
    while (prefix && i + 1 < chunks.length && chunks[i + 1][0].indexOf(term) === 0) names.push(chunks[++i][1]);
    return names;
  }

  function merge(index, name, data) {  /* a loaded piece → the index (chunks' terms stay in key order) */
    if (index.loaded[name]) return;
    index.loaded[name] = true;
    if (data.terms) {
      index.chunkKeys[name] = Object.keys(data.terms).sort();
      index.chunkKeys[name].forEach(function (t) { index.terms[t] = data.terms[t]; });
      index.keys = [].concat.apply([], index.manifest.chunks.map(function (c) { return index.chunkKeys[c[1]] || []; }));
      Object.keys(data.readings).forEach(function (syllable) {
        Array.from(data.readings[syllable]).forEach(function (c) { index.reading[c] = syllable; });
      });
    }
    if (data.words) { index.rules.words = data.words; index.wordStems = data.words.map(stem); }
    if (data.docs) data.docs.forEach(function (doc, i) { index.docs[data.start + i] = doc; });
  }

  function loadPiece(index, name) {
    return loadScript(index.folder + name + ".js", name).then(function (data) { merge(index, name, data); });
  }

  /* a query → the pieces it touches that are not loaded: the query side run on what is loaded names the chunk of every
     term it looks up and matches (and of the terms a prefix begins), and the word list if it reads it once no chunk is
     missing (until a word's chunk is loaded, it cannot tell that the word begins no term) */
  function plan(index, text) {
    var manifest = index.manifest, wanted = Object.create(null), view = Object.create(index);
    function need(name) { if (!index.loaded[name]) wanted[name] = true; }
    view.terms = new Proxy(index.terms, {getOwnPropertyDescriptor: function (terms, term) {
      need(manifest.chunks[chunkOf(manifest, term)][1]);
      return Reflect.getOwnPropertyDescriptor(terms, term);
    }});
    view.rules = Object.assign({}, index.rules);
    if (!index.loaded[manifest.words]) view.rules.words = {forEach: function () { need(manifest.words); }};
    queryUnits(view, text).forEach(function (unit) {
      unit[1].forEach(function (alt) { chunksFor(manifest, alt[0], alt[2]).forEach(need); });
    });
    var names = Object.keys(wanted);
    return names.length > 1 ? names.filter(function (name) { return name !== manifest.words; }) : names;
  }

  function ready(index, text) {  /* → the index, once it holds all that the query touches (planned again after loading) */
    var wanted = plan(index, text);
    if (!wanted.length) return Promise.resolve(index);
    return Promise.all(wanted.map(function (name) { return loadPiece(index, name); }))
      .then(function () { return ready(index, text); });
  }

  function answer(index, text, limit) {  /* → the ranked results, once the documents they show are loaded */
    return ready(index, text).then(function () {
      var ranked = rank(index, text, limit), manifest = index.manifest;
      var blocks = unique(ranked.map(function (r) { return manifest.docs[Math.floor(r[0] / manifest.block)]; }));
      return Promise.all(blocks.map(function (name) { return loadPiece(index, name); })).then(function () { return ranked; });
    });
  }

  var indexes = {};
  function indexAt(url, lang) {  /* the manifest's URL → the language's index, opened once */
    if (!indexes[url]) {
      indexes[url] = loadScript(url, lang).then(function (manifest) { return openIndex(manifest, url.replace(/[^/]*$/, "")); });
      indexes[url].catch(function () { delete indexes[url]; });
    }
    return indexes[url];
  }
  function loadIndex(form) { return indexAt(form.dataset.base + form.dataset.index, form.dataset.lang); }

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
    /* no confident match: say so, and offer the finder, the audience pages and the help lines (a second live region,
       so the whole offer is read out) */
    var none = document.createElement("div");
    none.className = "hb-results__none"; none.setAttribute("data-no-answer", ""); none.setAttribute("role", "status");
    none.setAttribute("aria-live", "polite"); none.hidden = true;
    var weak = document.createElement("p");
    weak.className = "hb-results__weak"; weak.setAttribute("data-weak", ""); weak.textContent = strings.weak; weak.hidden = true;
    var list = document.createElement("ol");
    panel.appendChild(status); panel.appendChild(none); panel.appendChild(weak); panel.appendChild(list);
    form.appendChild(panel);
    /* a combobox: the input shows and hides a panel of results (aria-expanded is not allowed on a plain searchbox) */
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id);
    var timer = null;

    function offer(query) {  /* the no-answer block: what was not found, and where to turn instead */
      none.textContent = "";
      var message = document.createElement("p"), lead = document.createElement("p"), ways = document.createElement("ul");
      message.className = "hb-results__none-message"; message.textContent = strings.no_answer.replace("{query}", query);
      lead.textContent = strings.no_answer_lead;
      strings.help.links.forEach(function (link) {
        var a = document.createElement("a"); a.href = href(source.dataset.base, link.href); a.textContent = link.text;
        var li = document.createElement("li"); li.appendChild(a); ways.appendChild(li);
      });
      strings.help.lines.forEach(function (text, i) {
        var a = document.createElement("a"); a.href = "tel:" + strings.help.phones[i]; a.textContent = text;
        var li = document.createElement("li"); li.appendChild(a); ways.appendChild(li);
      });
      none.appendChild(message); none.appendChild(lead); none.appendChild(ways);
    }

    function show(ranked, query, index) {
      var results = ranked.map(function (r) { return index.docs[r[0]]; });
      var sure = !query || confident(index, query, ranked);
      if (!sure) offer(query);
      none.hidden = sure; weak.hidden = sure || !results.length;
      form.toggleAttribute("data-answered", sure && results.length > 0);
      /* a result the keyboard is on keeps the keyboard when the list is redrawn (a later keystroke's results) */
      var focusedAt = Array.prototype.indexOf.call(list.querySelectorAll("a"), document.activeElement);
      list.textContent = "";
      results.forEach(function (doc) {
        var li = document.createElement("li"), a = document.createElement("a");
        a.href = href(source.dataset.base, doc[0]);
        var title = document.createElement("strong"); title.textContent = doc[1];
        var summary = document.createElement("span"); summary.textContent = doc[2];
        a.appendChild(title); a.appendChild(summary); li.appendChild(a); list.appendChild(li);
      });
      if (focusedAt >= 0) {
        var again = list.querySelectorAll("a");
        (again.length ? again[Math.min(focusedAt, again.length - 1)] : input).focus();
      }
      status.textContent = sure && query ? counted(strings, results.length) : "";  /* nothing found is no answer */
      status.hidden = !sure;
      panel.hidden = !query;
      input.setAttribute("aria-expanded", query ? "true" : "false");
    }

    function run() {
      var query = input.value.trim();
      if (!query) { show([], "", null); return; }
      status.textContent = strings.loading; status.hidden = false;
      loadIndex(source).then(function (index) {
        return answer(index, query, 10).then(function (ranked) { if (input.value.trim() === query) show(ranked, query, index); });
      }).catch(function () { /* offline: the next keystroke tries again */ });
    }

    input.addEventListener("focus", function () { loadIndex(source); });
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 60); });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var first = list.querySelector("a");  /* Enter opens a confident first result, never a weak one */
      if (first && form.hasAttribute("data-answered")) location.href = first.href; else run();
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

  /* for the tests and the bench: an index (a fresh one holds nothing yet), loading what a query needs, and the query
     side on what is loaded */
  window.handbookIndex = function (url, lang, fresh) {
    return fresh ? loadScript(url, lang).then(function (m) { return openIndex(m, url.replace(/[^/]*$/, "")); }) : indexAt(url, lang);
  };
  window.handbookAnswer = function (index, text, limit) { return answer(index, text, limit || 10); };
  window.handbookLoaded = function (index) { return Object.keys(index.loaded); };
  window.handbookQuery = function (index, text, limit) { return search(index, text, limit || 10); };
  window.handbookRank = function (index, text, limit) { return rank(index, text, limit || 10); };
  window.handbookUnits = function (index, text) { return queryUnits(index, text); };
  window.handbookConfident = function (index, text) { return confident(index, text, rank(index, text, 10)); };
})();
