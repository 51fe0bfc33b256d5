// Evidentia's pages work without scripts; this only moves focus to a form's first field in
// error, so that keyboard and screen-reader users land where they must act.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const invalid = document.querySelector("[aria-invalid='true']");
  if (invalid) invalid.focus();
});
