/* The situation finder (finder/ pages): a household's answers in the URL fragment → services in three groups, each with
   why it is listed (the answers it rests on) or what is left to check, best fit first.
   judge() is generator/data/eligibility.py's judge() in the browser; tests/web/test_finder_browser.py runs every persona
   through both and compares verdicts, reasons, words and order. Nothing is stored or sent: the answers live only in
   the address (#age=70&status=dibao&child=9.primary.d2), replaced as they change (one Back leaves the page), so
   bookmarks, sharing and printing work and the host never sees them. The data comes just before this script, in the
   same file (finder.<lang>.<hash>.js, written by generator/web/finder.py): the page's own small script, finder-load.js,
   shows the questions before the first paint and asks for the file once the page is painted (a script, not fetch(),
   which is refused from file://). */
(function () {
  "use strict";

  /* ---- the evaluator: a service's eligibility and the answers → verdict, reasons, rank (see eligibility.py) ---- */
  var KEYS = ["age", "sex", "residence", "status", "disability", "study", "work", "child", "family-planning",
              "pregnant", "veteran"];
  function has(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }
  function within(range, n) {
    return (range.min === undefined || n >= range.min) && (range.max === undefined || n <= range.max);
  }

  /* a child rule and one child → true | false | null (a stage or certificate not given) */
  function judgeChild(wanted, child) {
    var fits = Object.keys(wanted).map(function (k) {
      if (!has(child, k)) return null;
      return k === "age" ? within(wanted.age, child.age) : wanted[k].indexOf(child[k]) >= 0;
    });
    if (fits.indexOf(false) >= 0) return false;
    return fits.indexOf(null) >= 0 ? null : true;
  }

  /* a child rule and the household's children → [fit, the child that meets it] */
  function judgeChildren(wanted, children) {
    var fits = children.map(function (c) { return judgeChild(wanted, c); });
    for (var i = 0; i < children.length; i++) {
      if (fits[i] === true) {
        var shown = {};
        ["age"].concat(Object.keys(wanted)).forEach(function (k) { if (has(children[i], k)) shown[k] = children[i][k]; });
        return [true, shown];
      }
    }
    return [fits.indexOf(null) >= 0 ? null : false, null];
  }

  /* one criterion → [true | false | null, the answer it rests on when met] */
  function judgeCriterion(key, wanted, answers) {
    if (key === "other" || wanted === "ask" || !has(answers, key)) return [null, null];
    var given = answers[key];
    if (key === "child") return judgeChildren(wanted, given);
    if (key === "age") return [within(wanted, given), given];
    if (key === "status") {
      var matched = wanted.filter(function (s) { return given.indexOf(s) >= 0; });
      return [matched.length > 0, matched];
    }
    if (key === "disability" || key === "work" || key === "family-planning" || key === "study") {
      return [wanted.indexOf(given) >= 0, given];
    }
    return [given === wanted, given];
  }

  /* one rule set → {fit, because, questions, conditions, basis (the source's words it encodes)} */
  function judgeRules(rules, answers) {
    var out = { fit: true, score: 0, because: [], questions: [], conditions: [], basis: rules.basis || "" };
    var failed = false;
    KEYS.concat(["other"]).forEach(function (key) {
      if (!has(rules, key)) return;
      var r = judgeCriterion(key, rules[key], answers);
      if (r[0] === false) failed = true;
      else if (r[0] === true) {
        out.because.push([key, r[1]]);
        out.score += key === "child" ? Object.keys(rules[key]).length : 1;
      }
      else {
        out.fit = null;
        if (key === "other" || rules[key] === "ask") out.conditions.push(rules[key]); else out.questions.push(key);
      }
    });
    return failed ? { fit: false, score: 0, because: [], questions: [], conditions: [], basis: "" } : out;
  }

  function openRank(j) { return [j.questions.length ? 1 : 0, -j.score, j.questions.length]; }
  function compareRanks(a, b) {  /* as Python compares tuples */
    for (var i = 0; i < Math.min(a.length, b.length); i++) {
      if (a[i] !== b[i]) return a[i] - b[i];
    }
    return a.length - b.length;
  }

  function judge(eligibility, answers) {
    if (eligibility.everyone) return { verdict: "everyone", because: [], questions: [], conditions: [], rank: [0], basis: "" };
    var judged = (eligibility.any || []).map(function (rules) { return judgeRules(rules, answers); });
    var met = judged.filter(function (j) { return j.fit === true; });
    if (met.length) {
      var best = met[0];
      met.forEach(function (j) { if (j.score > best.score) best = j; });
      return { verdict: "likely", because: best.because, questions: [], conditions: [], rank: [-best.score],
               basis: best.basis };
    }
    var open = judged.filter(function (j) { return j.fit === null; });
    if (!open.length) return { verdict: null, because: [], questions: [], conditions: [], rank: [], basis: "" };
    var first = open[0];
    open.forEach(function (j) { if (compareRanks(openRank(j), openRank(first)) < 0) first = j; });
    var questions = KEYS.filter(function (k) { return open.some(function (j) { return j.questions.indexOf(k) >= 0; }); });
    var conditions = [];
    open.forEach(function (j) {
      j.conditions.forEach(function (c) {
        var seen = conditions.some(function (x) { return JSON.stringify(x) === JSON.stringify(c); });
        if (!seen) conditions.push(c);
      });
    });
    return { verdict: "maybe", because: [], questions: questions, conditions: conditions, rank: openRank(first),
             basis: "" };
  }

  function classify(eligibility, answers) { return judge(eligibility, answers).verdict; }

  /* services' data and answers → [{service, result}] in the order the finder lists them (by fit, then number) */
  function sortResults(services, answers) {
    return services.map(function (s) { return { service: s, result: judge(s, answers) }; })
      .sort(function (a, b) { return compareRanks(a.result.rank, b.result.rank) || a.service.number - b.service.number; });
  }

  /* ---- answers ⇄ the URL fragment (keys documented in README) ---- */
  var STAGES = ["none", "preschool", "primary", "junior", "senior", "vocational", "university"];
  var YES_NO = { pregnant: true, veteran: true };
  var CHILD = /^(\d{1,2})(?:\.([a-z]+))?(?:\.d([0-4]))?$/;

  function parseChild(text) {
    var m = CHILD.exec(text);
    if (!m || parseInt(m[1], 10) > 25 || (m[2] && STAGES.indexOf(m[2]) < 0)) return null;
    var child = { age: parseInt(m[1], 10) };
    if (m[2]) child.study = m[2];
    if (m[3]) child.disability = parseInt(m[3], 10);
    return child;
  }

  /* an old link's household `school` list, tied to the children where it can be (else unanswered for them) */
  function tieSchool(answers, school) {
    if (!answers.child || !answers.child.length) return;
    if (school === "none") answers.child.forEach(function (c) { if (!has(c, "study")) c.study = "none"; });
    else if (answers.child.length === 1 && school.split(",").length === 1 && STAGES.indexOf(school) > 0 &&
             !has(answers.child[0], "study")) answers.child[0].study = school;
  }

  function parseAnswers(fragment) {
    var answers = {}, school = null;
    fragment.replace(/^#/, "").split("&").forEach(function (pair) {
      var at = pair.indexOf("="), key, raw;
      try {
        key = decodeURIComponent(at < 0 ? pair : pair.slice(0, at));
        raw = at < 0 ? "" : decodeURIComponent(pair.slice(at + 1));
      } catch (e) { return; }  /* a broken escape in a shared link: that answer is left out */
      if (key === "school") { school = raw; return; }
      if (KEYS.indexOf(key) < 0 || raw === "") return;
      if (key === "age") { if (/^\d{1,3}$/.test(raw)) answers.age = parseInt(raw, 10); }
      else if (key === "disability") {
        if (raw === "none") answers.disability = 0; else if (/^[1-4]$/.test(raw)) answers.disability = parseInt(raw, 10);
      }
      else if (YES_NO[key]) { if (raw === "yes" || raw === "no") answers[key] = raw === "yes"; }
      else if (key === "status") {
        answers.status = raw === "none" ? [] : raw.split(",").filter(function (x) { return x !== ""; });
      }
      else if (key === "child") {
        answers.child = raw === "none" ? [] : raw.split(",").map(parseChild).filter(function (c) { return c; });
      }
      else if (key === "study") { if (STAGES.indexOf(raw) >= 0) answers.study = raw; }
      else answers[key] = raw;
    });
    if (school) tieSchool(answers, school);
    return answers;
  }

  function formatChild(c) {
    return c.age + (c.study !== undefined ? "." + c.study : "") + (c.disability !== undefined ? ".d" + c.disability : "");
  }

  function formatAnswers(answers) {
    return KEYS.filter(function (k) { return answers[k] !== undefined; }).map(function (k) {
      var v = answers[k];
      if (k === "disability") v = v === 0 ? "none" : String(v);
      else if (YES_NO[k]) v = v ? "yes" : "no";
      else if (k === "status") v = v.length ? v.join(",") : "none";
      else if (k === "child") v = v.length ? v.map(formatChild).join(",") : "none";
      return k + "=" + encodeURIComponent(String(v)).replace(/%2C/g, ",");
    }).join("&");
  }

  /* ---- a result in words (generator/present/views.py's FinderWords does the same in Python) ---- */
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, k) { return has(values, k) ? String(values[k]) : all; });
  }

  function words(strings) {
    /* an answer's words as they read inside a "because" line (views.py's said_*: lower case in English) */
    function label(key, value) { return strings["said_" + key + "_" + value]; }
    function childWords(c) {
      var parts = [fill(strings.child_age_words, { n: c.age })];
      if (c.study !== undefined) parts.push(label("study", c.study));
      if (c.disability !== undefined) parts.push(label("child-disability", String(c.disability)));
      return parts.join(strings.child_separator);
    }
    function answerWords(key, value) {
      if (key === "age") return fill(strings.why_age, { value: value });
      if (key === "pregnant" || key === "veteran") return strings["why_" + key];
      var text = key === "child" ? childWords(value)
        : key === "status" ? value.map(function (v) { return label(key, v); }).join(strings.list_separator)
        : label(key, String(value));
      return fill(strings["why_" + key], { value: text });
    }
    return {
      childWords: childWords,
      /* with the source's words the rule set encodes, where it has them */
      because: function (result) {
        var reasons = result.because.map(function (b) { return answerWords(b[0], b[1]); }).join(strings.reason_separator);
        return result.basis ? fill(strings.because_basis, { reasons: reasons, basis: result.basis })
          : fill(strings.because, { reasons: reasons });
      },
      /* what is left to check → [[text, question key or null], ...] (a question key makes a link) */
      checkParts: function (result) {
        var parts = result.questions.map(function (k) { return [strings["ask_" + k], k]; });
        result.conditions.forEach(function (c) {
          /* the quote without its own full stop: the line ends with one */
          parts.push([c === "ask" ? strings.check_ask : fill(strings.quote, { text: c.replace(/[.。]$/, "") }), null]);
        });
        return parts;
      },
      check: function (result) {
        return fill(strings.check, { items: this.checkParts(result).map(function (p) { return p[0]; })
          .join(strings.reason_separator) });
      }
    };
  }

  window.handbookFinder = window.handbookFinder || {};
  window.handbookFinder.judge = judge;
  window.handbookFinder.classify = classify;
  window.handbookFinder.sortResults = sortResults;
  window.handbookFinder.parseAnswers = parseAnswers;
  window.handbookFinder.formatAnswers = formatAnswers;
  window.handbookFinder.words = words;

  /* ---- the page ---- */
  var finder = document.querySelector("[data-hb-finder]");
  if (!finder) return;
  var data = (window.handbookFinderData || {})[finder.dataset.lang];
  var form = finder.querySelector("form");
  if (!data || !form) {  /* without the data the audience links stay, or come back */
    finder.querySelector("[data-finder-nojs]").hidden = false;
    if (form) form.hidden = true;
    return;
  }
  var strings = data.strings;
  var say = words(strings);
  var plurals = new Intl.PluralRules(document.documentElement.lang);
  var SHOWN = parseInt(finder.dataset.shown, 10);  /* "may apply" results shown before "show the rest" */
  var showAll = false;

  function counted(key, n) {  /* "1 service", "3 services", "3项" */
    return (strings[key + "_" + plurals.select(n)] || strings[key]).replace("{count}", n);
  }
  function checked(set) {
    return Array.prototype.slice.call(set.querySelectorAll("input:checked")).map(function (i) { return i.value; });
  }
  function childRows() { return Array.prototype.slice.call(form.querySelectorAll("[data-child-row]")); }

  /* the children's rows → children (a row without an age is not a child) */
  function readChildren(set) {
    if (checked(set).indexOf("none") >= 0) return [];
    var children = childRows().map(function (row) {
      var age = row.querySelector("[data-child=age]").value, c = { age: parseInt(age, 10) };
      if (age === "") return null;
      var study = row.querySelector("[data-child=study]").value, grade = row.querySelector("[data-child=disability]").value;
      if (study !== "") c.study = study;
      if (grade !== "") c.disability = parseInt(grade, 10);
      return c;
    }).filter(function (c) { return c; });
    return children.length ? children : undefined;
  }

  /* the form's state → answers */
  function readForm() {
    var answers = {};
    var age = form.elements.age.value.trim();
    if (/^\d{1,3}$/.test(age)) answers.age = parseInt(age, 10);
    form.querySelectorAll("fieldset[data-key]").forEach(function (set) {
      var key = set.dataset.key, values = checked(set);
      if (key === "age") return;
      if (key === "child") { var c = readChildren(set); if (c) answers.child = c; return; }
      if (key === "status") { if (values.length) answers.status = values.indexOf("none") >= 0 ? [] : values; return; }
      if (!values.length || values[0] === "") return;
      var v = values[0];
      answers[key] = key === "disability" ? (v === "none" ? 0 : parseInt(v, 10)) : YES_NO[key] ? v === "yes" : v;
    });
    return answers;
  }

  function addChildRow() {
    var rows = childRows(), row = rows[rows.length - 1].cloneNode(true), n = rows.length + 1;
    row.querySelectorAll("select").forEach(function (s) { s.value = ""; s.id = s.id.replace(/\d+$/, String(n)); });
    row.querySelectorAll("label").forEach(function (l) { l.htmlFor = l.htmlFor.replace(/\d+$/, String(n)); });
    row.querySelector("legend").textContent = strings.child_n.replace("{n}", n);
    rows[rows.length - 1].after(row);
  }

  function fillChildren(children) {
    while (children && childRows().length < children.length) addChildRow();
    childRows().forEach(function (row, i) {
      var c = children && children[i];
      row.querySelector("[data-child=age]").value = c ? String(c.age) : "";
      row.querySelector("[data-child=study]").value = c && c.study !== undefined ? c.study : "";
      row.querySelector("[data-child=disability]").value = c && c.disability !== undefined ? String(c.disability) : "";
    });
  }

  /* answers → the form's state */
  function fillForm(answers) {
    form.elements.age.value = answers.age === undefined ? "" : String(answers.age);
    form.querySelectorAll("fieldset[data-key]").forEach(function (set) {
      var key = set.dataset.key, v = answers[key];
      if (key === "age") return;
      if (key === "child") fillChildren(v);
      var wanted = v === undefined ? [""] : key === "status" ? (v.length ? v : ["none"]) : key === "child"
        ? (v.length ? [] : ["none"]) : key === "disability" ? [v === 0 ? "none" : String(v)]
        : YES_NO[key] ? [v ? "yes" : "no"] : [String(v)];
      set.querySelectorAll("input").forEach(function (i) { i.checked = wanted.indexOf(i.value) >= 0; });
    });
  }

  function href(url) {
    return location.protocol === "file:" && /\/$/.test(url) ? url + "index.html" : url;
  }
  function element(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /* a "may apply" result's line: what is left to check, each unanswered question a link to it */
  function checkLine(result) {
    var p = element("p", "hb-result__check"), parts = say.checkParts(result);
    p.dataset.check = say.check(result);
    var template = strings.check.split("{items}");
    p.appendChild(document.createTextNode(template[0]));
    parts.forEach(function (part, i) {
      if (i) p.appendChild(document.createTextNode(strings.reason_separator));
      if (part[1]) {
        var a = element("a", "", part[0]);
        a.href = "#hb-q-" + part[1];
        a.dataset.question = part[1];
        p.appendChild(a);
      } else p.appendChild(document.createTextNode(part[0]));
    });
    p.appendChild(document.createTextNode(template[1] || ""));
    return p;
  }

  /* one listed service: name (a link), what you get, why or what to check, departments and help line */
  function resultItem(s, result) {
    var li = element("li"), a = element("a");
    li.dataset.number = s.number; li.dataset.group = result.verdict;
    a.href = href(s.href);
    a.appendChild(element("strong", "", strings.service_label.replace("{number}", s.number) + " " + s.name));
    li.appendChild(a);
    li.appendChild(element("span", "hb-result__summary", s.summary));
    if (result.verdict === "likely") {
      var why = element("p", "hb-result__why", say.because(result));
      li.dataset.why = why.textContent;
      li.appendChild(why);
    } else if (result.verdict === "maybe") {
      li.appendChild(checkLine(result));
      li.dataset.check = li.lastChild.dataset.check;
    }
    var meta = element("p", "hb-result__meta", fill(strings.departments, { names: s.departments.join(strings.list_separator) }));
    s.help.forEach(function (line) {
      meta.appendChild(document.createTextNode(strings.reason_separator + fill(strings.help, { name: line.name }) + " "));
      var tel = element("a", "", line.phone);
      tel.href = "tel:" + line.phone;
      meta.appendChild(tel);
    });
    li.appendChild(meta);
    return li;
  }

  function showResults(answers) {
    var groups = { likely: [], maybe: [], everyone: [] };
    var answered = Object.keys(answers).length > 0, open = {};
    sortResults(data.services, answers).forEach(function (r) {
      var g = r.result.verdict;
      if (g === "everyone" || (g && answered)) groups[g].push(r);
      r.result.questions.forEach(function (k) { if (answered) open[k] = true; });
    });
    Object.keys(groups).forEach(function (g) {
      var section = finder.querySelector('[data-results="' + g + '"]');
      var list = section.querySelector("ol");
      list.textContent = "";
      groups[g].forEach(function (r, i) {
        var li = resultItem(r.service, r.result);
        if (g === "maybe" && i >= SHOWN) li.className = "hb-more";
        list.appendChild(li);
      });
      list.classList.toggle("hb-group__list--all", g !== "maybe" || showAll);
      section.querySelector("[data-count]").textContent = counted("count", groups[g].length);
      section.hidden = g !== "everyone" && !answered;
    });
    var rest = finder.querySelector("[data-show-rest]");
    rest.hidden = showAll || groups.maybe.length <= SHOWN;
    rest.textContent = fill(strings.show_rest, { count: counted("count", groups.maybe.length - SHOWN) });
    showOpenQuestions(KEYS.filter(function (k) { return open[k]; }));
    finder.querySelector("[data-finder-hint]").hidden = answered;
    if (qrLoading) qrLoading.then(addQR);
    finder.querySelector("[role=status]").textContent = answered
      ? strings.summary.replace("{likely}", counted("count", groups.likely.length))
        .replace("{maybe}", counted("count", groups.maybe.length)) : strings.unanswered;
    showAnswersInWords();
  }

  /* how many unanswered questions could still change the list, each a link to it */
  function showOpenQuestions(keys) {
    var p = finder.querySelector("[data-open-questions]");
    p.textContent = "";
    p.hidden = !keys.length;
    p.dataset.openQuestions = String(keys.length);
    p.appendChild(document.createTextNode(fill(keys.length === 1 && strings.open_questions_one || strings.open_questions,
                                                { count: keys.length }) + " "));
    keys.forEach(function (k, i) {
      if (i) p.appendChild(document.createTextNode(strings.reason_separator));
      var a = element("a", "", strings["ask_" + k]);
      a.href = "#hb-q-" + k;
      p.appendChild(a);
    });
  }

  /* for printing: each answered question and its answer, in words */
  function showAnswersInWords() {
    var list = finder.querySelector("[data-answers]"), answers = readForm();
    list.textContent = "";
    form.querySelectorAll("fieldset[data-key]").forEach(function (set) {
      var key = set.dataset.key, text;
      if (key === "age") text = answers.age === undefined ? "" : String(answers.age);
      else if (key === "child") {
        text = answers.child === undefined ? "" : answers.child.length ? answers.child.map(function (c) {
          return say.childWords(c);
        }).join(strings.reason_separator) : strings.choice_child_none;
      } else {
        text = Array.prototype.slice.call(set.querySelectorAll("input:checked")).filter(function (i) { return i.value !== ""; })
          .map(function (i) { return i.parentNode.textContent.trim(); }).join(strings.list_separator);
      }
      if (!text) return;
      list.appendChild(element("dt", "", set.querySelector("legend").textContent.trim()));
      list.appendChild(element("dd", "", text));
    });
    list.hidden = !list.children.length;
  }

  /* the address holds the answers, replaced (never added to the history: one Back leaves the finder), and the
     language switch carries them to the other language's finder */
  function update(fromForm) {
    var answers = fromForm ? readForm() : parseAnswers(location.hash);
    if (!fromForm) fillForm(answers);
    var fragment = formatAnswers(answers);
    if (fragment !== location.hash.replace(/^#/, "")) {
      history.replaceState(null, "", fragment ? "#" + fragment : location.pathname + location.search);
    }
    document.querySelectorAll("a.hb-lang").forEach(function (a) {
      a.href = a.href.split("#")[0] + (fragment ? "#" + fragment : "");
    });
    showResults(answers);
  }

  /* "none of these" and the other choices of a list exclude each other; so do "no children" and a child's row */
  form.addEventListener("change", function (e) {
    var input = e.target, set = input.closest("fieldset[data-key]");
    if (input.type === "checkbox" && input.checked && set) {
      set.querySelectorAll("input[type=checkbox]").forEach(function (other) {
        if (other !== input && (input.value === "none" || other.value === "none")) other.checked = false;
      });
      if (set.dataset.key === "child" && input.value === "none") fillChildren(undefined);
    }
    if (input.tagName === "SELECT" && input.value !== "") {
      form.querySelectorAll('fieldset[data-key="child"] input[value=none]').forEach(function (i) { i.checked = false; });
    }
    update(true);
  });
  form.elements.age.addEventListener("input", function (e) { e.stopPropagation(); update(true); });
  form.addEventListener("submit", function (e) { e.preventDefault(); update(true); });
  form.addEventListener("reset", function () { setTimeout(function () { fillChildren(undefined); update(true); }, 0); });
  finder.querySelector("[data-add-child]").addEventListener("click", function () {
    addChildRow();
    childRows()[childRows().length - 1].querySelector("select").focus();
  });
  finder.querySelector("[data-show-rest]").addEventListener("click", function () {
    showAll = true;
    finder.querySelector('[data-results="maybe"] ol').classList.add("hb-group__list--all");
    this.hidden = true;
    var first = finder.querySelector('[data-results="maybe"] li.hb-more a');
    if (first) first.focus();
  });
  /* a link to a question (what to check) goes to it without touching the address, which holds the answers */
  finder.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a[data-question]");
    if (!a) return;
    e.preventDefault();
    var question = document.getElementById("hb-q-" + a.dataset.question);
    question.scrollIntoView({ block: "start" });
    question.querySelector("input, select").focus({ preventScroll: true });
  });
  window.addEventListener("hashchange", function () {
    if (location.hash.indexOf("=") >= 0 || location.hash === "") update(false);  /* not a jump to a heading */
  });

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
  /* answers in the address fill the form; without them the form is read: it may hold answers given while this script
     was on its way */
  update(location.hash.indexOf("=") < 0);
})();
