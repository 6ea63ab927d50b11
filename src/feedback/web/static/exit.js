/* "Exit this page": the button, or Shift pressed three times within five seconds, first
   blanks the page, then replaces it and its history entry with a neutral site, so Back
   does not bring it back. A Shift press counts only if no other key came with it or since
   the last one (a capital letter never counts). Without JavaScript the link still leaves,
   straight to the first site. */
(function () {
  "use strict";
  var link = document.getElementById("exit-this-page");
  if (!link) { return; }
  var sites = (link.getAttribute("data-exit-sites") || "").split(" ").filter(Boolean);
  var WINDOW_MS = 5000;
  var presses = [];
  var shiftDown = false;
  var otherKey = false;
  var target = null;

  // Through /leave, which also tells the browser to clear this site's cookies, cache and
  // storage (Clear-Site-Data) before it redirects to the chosen neutral site.
  function leave() {
    if (target) { return; }
    target = "/leave?site=" + (sites.length ? Math.floor(Math.random() * sites.length) : 0);
    var body = document.body;
    while (body.firstChild) { body.removeChild(body.firstChild); }
    body.hidden = true;
    window.location.replace(target);
  }

  link.addEventListener("click", function (event) {
    event.preventDefault();
    leave();
  });

  window.addEventListener("keydown", function (event) {
    if (event.key === "Shift") {
      if (!event.repeat) { shiftDown = true; otherKey = false; }
      return;
    }
    otherKey = true;
    presses = [];
  }, true);

  window.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") { return; }
    var clean = shiftDown && !otherKey;
    shiftDown = false;
    if (!clean) { presses = []; return; }
    var now = Date.now();
    presses.push(now);
    presses = presses.filter(function (at) { return now - at <= WINDOW_MS; });
    if (presses.length >= 3) { leave(); }
  }, true);

  // Should a browser ever restore this page from its back/forward cache, leave again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && target) { window.location.replace(target); }
  });
}());
