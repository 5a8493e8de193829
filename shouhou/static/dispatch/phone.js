// The technician's steps (depart, arrive, complete) carry the phone's position when the browser
// gives one: on submit, ask for it (at most a few seconds), fill the hidden fields, then send
// the form. Refused, unavailable or slow: the form goes without a position.
(function () {
  "use strict";

  var WAIT_MS = 5000;

  function setup(form) {
    var asked = false;
    form.addEventListener("submit", function (event) {
      var latitude = form.querySelector("input[name=latitude]");
      if (asked || !latitude || !navigator.geolocation) { return; }
      event.preventDefault();
      asked = true;
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; }
      var sent = false;
      function send() {
        if (sent) { return; }
        sent = true;
        if (button) { button.disabled = false; }
        form.submit();
      }
      var timer = setTimeout(send, WAIT_MS + 500);
      navigator.geolocation.getCurrentPosition(function (position) {
        clearTimeout(timer);
        latitude.value = position.coords.latitude.toFixed(6);
        form.querySelector("input[name=longitude]").value = position.coords.longitude.toFixed(6);
        var accuracy = form.querySelector("input[name=accuracy]");
        if (accuracy && position.coords.accuracy) { accuracy.value = Math.round(position.coords.accuracy); }
        send();
      }, function () {
        clearTimeout(timer);
        send();
      }, {enableHighAccuracy: true, timeout: WAIT_MS, maximumAge: 60000});
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-gps]").forEach(setup);
  });
})();
