// Progressive enhancement only: every page works without this file.
// Local times with relative tooltips, copy buttons, and the Compare button's 2-4 check.
(function () {
  "use strict";
  var rtf = window.Intl && Intl.RelativeTimeFormat ? new Intl.RelativeTimeFormat(undefined, { numeric: "auto" }) : null;
  function relative(date) {
    if (!rtf) return "";
    var seconds = (date.getTime() - Date.now()) / 1000;
    var units = [["year", 31536000], ["month", 2592000], ["day", 86400], ["hour", 3600], ["minute", 60]];
    for (var i = 0; i < units.length; i++) {
      if (Math.abs(seconds) >= units[i][1]) return rtf.format(Math.round(seconds / units[i][1]), units[i][0]);
    }
    return rtf.format(Math.round(seconds), "second");
  }
  document.querySelectorAll("time[datetime]").forEach(function (el) {
    var date = new Date(el.getAttribute("datetime"));
    if (isNaN(date.getTime())) return;
    var shape = { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" };
    if (el.hasAttribute("data-seconds")) shape.second = "2-digit";
    el.textContent = date.toLocaleString(undefined, shape);
    el.title = relative(date) + " · " + el.getAttribute("datetime");
  });
  document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
    if (!navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
        var label = button.textContent;
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = label; }, 1200);
      });
    });
  });
  var form = document.getElementById("compare-form");
  if (form) {
    var button = document.getElementById("compare-button");
    var update = function () {
      var n = form.querySelectorAll("input[name=v]:checked").length;
      button.disabled = n < 2 || n > 4;
    };
    form.addEventListener("change", update);
    update();
  }
})();
