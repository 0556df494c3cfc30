// The reporter's form: narrow the checklist's items to those whose text or help text holds what is typed.
// Case and accents do not matter; the chosen item always stays visible; a section with no match is hidden.
// Loaded right after the search box and not deferred: it shows the box at once (before the items below it are laid
// out, so nothing shifts) and wires it up when the page is parsed.
(function () {
  "use strict";

  (function () {
    var box = document.currentScript && document.currentScript.previousElementSibling;
    if (!box || !box.classList.contains("item-search")) { return; }
    box.hidden = false;
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", function () { wire(box); });
    } else {
      wire(box);
    }
  }());

  function wire(box) {
    var input = box.querySelector("input");
    var status = box.querySelector("[role=status]");
    var form = box.closest("fieldset");
    var choices = Array.prototype.slice.call(form.querySelectorAll(".choice"));

    function plain(text) {
      return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
    }

    var texts = choices.map(function (choice) { return plain(choice.textContent); });

    function narrow() {
      var query = plain(input.value);
      var shown = 0;
      choices.forEach(function (choice, i) {
        var radio = choice.querySelector("input");
        var match = query === "" || texts[i].indexOf(query) !== -1 || (radio && radio.checked);
        choice.hidden = !match;
        if (match) { shown += 1; }
      });
      form.querySelectorAll("fieldset.section").forEach(function (section) {
        section.hidden = !section.querySelector(".choice:not([hidden])");
      });
      status.textContent = query === "" ? "" :
        shown === 0 ? box.dataset.none : box.dataset.some.replace("{count}", String(shown));
    }

    input.addEventListener("input", narrow);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }  // Enter in the search must not send the report
    });
  }
}());
