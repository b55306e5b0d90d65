// Asks before a form does something hard to undo: a checked radio or the pressed submit button
// with data-confirm="question" must be confirmed. Without JavaScript the form itself guards the
// choice (a required reason), so nothing depends on this.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var question = button && button.getAttribute("data-confirm");
    if (!question) {
      var checked = form.querySelector("input[type=radio][data-confirm]:checked");
      question = checked && checked.getAttribute("data-confirm");
    }
    if (button && button.name === "_action") {
      return; // adding or removing a row changes nothing yet
    }
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
