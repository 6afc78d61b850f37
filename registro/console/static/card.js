// Model card tab and edit form: progressive enhancement only, every action also works without this file.
//  - status dropdown: a pointer choice saves at once; choosing Archived first asks for the confirmation
//  - compare page: the differences-only switch applies at once
//  - edit form: live character counters, a metric's editor follows its type picker, focus after Add/Remove
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.querySelectorAll("form[data-card-status]").forEach(function (form) {
    var select = form.querySelector("select[name=ModelCardStatus]");
    var save = form.querySelector("[data-status-save]");
    var confirmBox = form.querySelector("[data-archive-confirm]");
    var current = form.getAttribute("data-current");
    // A choice made with the pointer saves at once. Arrow keys on a closed select also fire "change", so
    // keyboard users save with the button (WCAG 3.2.2: no change of context on input alone).
    var byPointer = false;
    select.addEventListener("pointerdown", function () { byPointer = true; });
    select.addEventListener("keydown", function () { byPointer = false; });
    var archiving = function () { return select.value === "Archived" && current !== "Archived"; };
    var update = function () {
      var asking = archiving();
      if (confirmBox) confirmBox.hidden = !asking;
      if (save) save.textContent = asking ? "Archive" : "Save status";
    };
    select.addEventListener("change", function () {
      update();
      if (archiving()) {
        var box = confirmBox && confirmBox.querySelector("input[type=checkbox]");
        if (box) box.focus();
      } else if (byPointer && select.value !== current) {
        form.submit();
      }
    });
    update();
  });

  // Compare page: "Show differences only" applies on change (its Apply button is the no-JS way).
  document.querySelectorAll("input[data-autosubmit]").forEach(function (box) {
    box.addEventListener("change", function () { box.form.submit(); });
  });

  var form = document.getElementById("card-form");
  if (!form) return;

  var format = function (n) { return n.toLocaleString("en-US"); };
  form.addEventListener("input", function (event) {
    var field = event.target;
    if (!field.id || !field.hasAttribute("maxlength")) return;
    var counter = document.getElementById("cnt-" + field.id);
    if (!counter) return;
    var most = parseInt(field.getAttribute("maxlength"), 10);
    var length = field.value.length;
    counter.textContent = format(length) + " / " + format(most) + " characters";
    counter.classList.toggle("over", length > most);
  });

  // A metric's editor depends on its type: re-render the form (the same "Change type" submit as without JS).
  form.querySelectorAll("select[data-refresh]").forEach(function (select) {
    select.addEventListener("change", function () {
      var button = document.getElementById(select.getAttribute("data-refresh"));
      if (!button) return;
      if (form.requestSubmit) form.requestSubmit(button); else button.click();
    });
  });

  // Without JavaScript a button's formaction "#anchor" keeps the reader's place; with it, the script moves
  // focus to the new row instead (a fragment navigation would take the focus away again).
  form.querySelectorAll("button[formaction*='#']").forEach(function (button) {
    button.setAttribute("formaction", button.getAttribute("formaction").split("#")[0]);
  });

  var focus = form.getAttribute("data-focus");
  if (focus) {
    var target = document.getElementById(focus);
    if (target) {
      target.focus({ preventScroll: true });
      target.scrollIntoView({ block: "center" });
    }
  } else {
    var summary = document.getElementById("error-summary");
    if (summary) { summary.setAttribute("tabindex", "-1"); summary.focus(); }
  }
})();
