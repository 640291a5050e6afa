/* The finder page's own script, written into the page after the finder (generator/web/assets.py: INLINED). It shows the
   questions in place of the audience links before the first paint, so nothing moves; once the page is painted it asks
   for the finder's script, named by its data-hb-loads (finder.<lang>.<hash>.js: the data, then finder.js), so the
   first paint waits for no file. Without that file (refused, or offline without it) the audience links come back. */
(function () {
  "use strict";
  var me = document.currentScript;
  var finder = document.querySelector("[data-hb-finder]");
  if (!finder || !me) return;
  var nojs = finder.querySelector("[data-finder-nojs]");
  var form = finder.querySelector("form");
  nojs.hidden = true;
  form.hidden = false;
  function load() {
    var s = document.createElement("script");
    s.src = me.dataset.hbLoads;
    s.onerror = function () {
      form.hidden = true;
      nojs.hidden = false;
    };
    document.body.appendChild(s);
  }
  if (window.requestAnimationFrame) {
    requestAnimationFrame(function () { setTimeout(load, 0); });  /* after the frame is painted */
  } else {
    load();
  }
})();
