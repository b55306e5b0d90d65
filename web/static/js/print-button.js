// Min Plan: the print button works only with a script, so it is shown only then.
document.querySelectorAll('#print-plan').forEach((button) => {
  button.hidden = false;
  button.addEventListener('click', () => window.print());
});
