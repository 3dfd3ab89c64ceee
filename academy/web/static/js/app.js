// Digitalakademie – small progressive enhancements (no inline script, CSP 'self').
(function () {
  "use strict";
  // Ask before a destructive action: <form data-confirm="Really …?">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    // Show progress on long work: <form data-busy="Importing …">.
    var busy = form.getAttribute("data-busy");
    if (busy) {
      var button = form.querySelector("button[type=submit]");
      var label = button ? button.textContent : "";
      if (button) {
        button.disabled = true;
        button.textContent = busy;
      }
      var status = form.querySelector("[data-busy-status]");
      if (status) { status.textContent = busy; status.hidden = false; }
      // A download leaves the page where it is: give the button back after a while.
      if (form.hasAttribute("data-busy-download")) {
        window.setTimeout(function () {
          if (button) { button.disabled = false; button.textContent = label; }
          if (status) { status.hidden = true; }
        }, 10000);
      }
    }
  }, true);
  // Copy a field's text: <button data-copy="#field-id" data-copied="Kopiert">.
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var field = document.querySelector(button.getAttribute("data-copy"));
      if (!field) { return; }
      field.select();
      var done = function () {
        var label = button.textContent;
        button.textContent = button.getAttribute("data-copied") || label;
        window.setTimeout(function () { button.textContent = label; }, 2000);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () {});
      } else if (document.execCommand("copy")) {
        done();
      }
    });
  });
  // Auto-submit select filters marked with data-autosubmit.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.requestSubmit(); });
  });
})();
