// Session form: "Add a meeting" copies the last (empty) meeting row with the next
// number (no inline script, CSP 'self'). Without JavaScript the form always offers one
// empty row, and saving shows the next one.
(function () {
  "use strict";
  var button = document.querySelector("[data-add-meeting]");
  if (!button) { return; }
  var pattern = /^meetings-(\d+)-/;

  function renamed(value, index) {
    return value.replace(pattern, "meetings-" + index + "-");
  }

  function clear(row, index, legend) {
    row.setAttribute("data-index", String(index));
    row.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach(function (el) {
      ["name", "id", "for"].forEach(function (attr) {
        if (el.hasAttribute(attr)) { el.setAttribute(attr, renamed(el.getAttribute(attr), index)); }
      });
      if (el.hasAttribute("aria-describedby")) {
        var kept = el.getAttribute("aria-describedby").split(" ").filter(function (id) {
          return id.slice(-6) !== "-error";
        }).map(function (id) { return renamed(id, index); });
        if (kept.length) { el.setAttribute("aria-describedby", kept.join(" ")); }
        else { el.removeAttribute("aria-describedby"); }
      }
      el.removeAttribute("aria-invalid");
      el.classList.remove("is-invalid");
      if (el.tagName === "SELECT") { el.selectedIndex = 0; }
      else if (el.type === "checkbox") { el.checked = false; }
      else if ("value" in el && el.tagName !== "LABEL") { el.value = ""; }
    });
    row.querySelectorAll(".invalid-feedback").forEach(function (el) { el.remove(); });
    var caption = row.querySelector("legend");
    if (caption) { caption.textContent = legend; }
    var remove = row.querySelector("input[type=checkbox][name$='-remove']");
    if (remove) { remove.closest(".form-check").remove(); }
  }

  button.hidden = false;
  button.addEventListener("click", function () {
    var rows = document.querySelectorAll("[data-meeting-row][data-index]");
    var last = rows[rows.length - 1];
    if (!last) { return; }
    var index = Number(last.getAttribute("data-index")) + 1;
    var row = last.cloneNode(true);
    clear(row, index, button.getAttribute("data-legend").replace("__n__", String(index + 2)));
    last.after(row);
    var first = row.querySelector("input[type=datetime-local]");
    if (first) { first.focus(); }
  });
})();
