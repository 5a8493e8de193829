// The customer's signature on the service voucher: draw with a finger, stylus or mouse on the
// canvas (pointer events, so touch and mouse behave the same); "clear" starts again. On submit
// the drawing goes into the hidden "signature" field as a PNG data URL, or stays empty when
// nothing was drawn (the server then asks for a signature). No external libraries.
(function () {
  "use strict";

  function setup(pad) {
    var form = pad.closest("form");
    var canvas = pad.querySelector("canvas");
    var hidden = form.querySelector("input[name=signature]");
    var clear = pad.querySelector("[data-signature-clear]");
    var context = canvas.getContext("2d");
    var drawn = false;
    var last = null;

    function resize() {
      // Match the backing store to the displayed size and the screen's pixel density, keeping
      // what was drawn (rotating a phone resizes the canvas).
      var ratio = window.devicePixelRatio || 1;
      var width = Math.round(canvas.clientWidth * ratio);
      var height = Math.round(canvas.clientHeight * ratio);
      if (canvas.width === width && canvas.height === height) { return; }
      var previous = drawn ? canvas.toDataURL("image/png") : null;
      canvas.width = width;
      canvas.height = height;
      context.lineCap = "round";
      context.lineJoin = "round";
      context.strokeStyle = "#102a43";
      context.lineWidth = 2.5 * ratio;
      if (previous) { paint(previous); }
    }

    function paint(dataUrl) {
      var image = new Image();
      image.onload = function () {
        context.drawImage(image, 0, 0, canvas.width, canvas.height);
      };
      image.src = dataUrl;
      drawn = true;
      pad.classList.add("signed");
    }

    function point(event) {
      var box = canvas.getBoundingClientRect();
      var ratio = canvas.width / box.width;
      return {x: (event.clientX - box.left) * ratio, y: (event.clientY - box.top) * ratio};
    }

    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      last = point(event);
      context.beginPath();
      context.arc(last.x, last.y, context.lineWidth / 2, 0, 2 * Math.PI);
      context.fillStyle = context.strokeStyle;
      context.fill();
      drawn = true;
      pad.classList.add("signed");
    });
    canvas.addEventListener("pointermove", function (event) {
      if (last === null) { return; }
      event.preventDefault();
      var events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
      if (events.length === 0) { events = [event]; }
      events.forEach(function (each) {
        var next = point(each);
        context.beginPath();
        context.moveTo(last.x, last.y);
        context.lineTo(next.x, next.y);
        context.stroke();
        last = next;
      });
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
      canvas.addEventListener(name, function () { last = null; });
    });

    clear.addEventListener("click", function () {
      context.clearRect(0, 0, canvas.width, canvas.height);
      drawn = false;
      hidden.value = "";
      pad.classList.remove("signed");
    });

    form.addEventListener("submit", function () {
      hidden.value = drawn ? canvas.toDataURL("image/png") : "";
    });

    window.addEventListener("resize", resize);
    resize();
    // After a refused submit the page comes back with the drawing in the hidden field.
    if (hidden.value.indexOf("data:image/png;base64,") === 0) { paint(hidden.value); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-signature-pad]").forEach(setup);
  });
})();
