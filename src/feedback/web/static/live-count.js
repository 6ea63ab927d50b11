// Keeps a class session's completed count current: reloads the page while the session is
// open (the page carries data-refresh-seconds). Nothing else; no request of its own.
(function () {
  var element = document.querySelector("[data-refresh-seconds]");
  if (!element) return;
  var seconds = parseInt(element.getAttribute("data-refresh-seconds"), 10) || 15;
  window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
})();
