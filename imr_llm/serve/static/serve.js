// Progressive enhancement only: every feature works without this script.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var error = document.getElementById("error");
  if (error) { error.focus(); }
  document.querySelectorAll(".serve-print").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  var form = document.querySelector("form[data-max-bytes]");
  if (!form) { return; }
  form.addEventListener("submit", function (event) {
    var file = form.querySelector("input[type=file]");
    var limit = Number(form.dataset.maxBytes);
    if (file && file.files.length && file.files[0].size > limit) {
      event.preventDefault();
      var box = document.getElementById("error");
      if (!box) {
        box = document.createElement("div");
        box.id = "error";
        box.className = "error";
        box.setAttribute("role", "alert");
        box.tabIndex = -1;
        form.parentNode.insertBefore(box, form.parentNode.firstChild);
      }
      box.textContent = form.dataset.tooLarge;
      box.focus();
    }
  });
});
