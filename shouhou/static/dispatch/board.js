// The dispatch board: drag an unassigned card (or a planned block) onto a technician's line to
// dispatch it there, through the same endpoint as the "Assign" buttons of the suggestions. The
// server decides (skills, state, stale versions); a refusal shows its reason above the board.
(function () {
  "use strict";

  function csrfToken() {
    var headers = document.body.getAttribute("hx-headers");
    try { return JSON.parse(headers)["X-CSRFToken"]; } catch (error) { return ""; }
  }

  function showError(text) {
    var box = document.querySelector(".board-error");
    if (!box) { return; }
    box.textContent = text;
    box.hidden = false;
    box.scrollIntoView({block: "nearest"});
  }

  function assign(board, workOrder, version, technician) {
    var body = new URLSearchParams();
    body.set("work_order", workOrder);
    body.set("version", version);
    body.set("technician", technician);
    body.set("back", board.dataset.back);
    fetch(board.dataset.assignUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {"X-CSRFToken": csrfToken(), "X-Requested-With": "fetch"},
      body: body
    }).then(function (response) {
      if (response.status === 204) { window.location.reload(); return null; }
      return response.text().then(showError);
    }).catch(function () { showError(board.dataset.networkError || "Network error"); });
  }

  function setup(board) {
    if (board.dataset.canAssign !== "1") { return; }
    var dragged = null;
    board.addEventListener("dragstart", function (event) {
      var item = event.target.closest("[data-work-order][draggable=true]");
      if (!item) { return; }
      dragged = item;
      item.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", item.dataset.workOrder);
    });
    board.addEventListener("dragend", function () {
      if (dragged) { dragged.classList.remove("dragging"); }
      dragged = null;
      board.querySelectorAll(".drop-target.over").forEach(function (el) { el.classList.remove("over"); });
    });
    board.querySelectorAll(".lane[data-technician] .drop-target").forEach(function (track) {
      track.addEventListener("dragover", function (event) {
        if (!dragged) { return; }
        event.preventDefault();
        track.classList.add("over");
      });
      track.addEventListener("dragleave", function () { track.classList.remove("over"); });
      track.addEventListener("drop", function (event) {
        event.preventDefault();
        track.classList.remove("over");
        if (!dragged) { return; }
        var lane = track.closest(".lane");
        assign(board, dragged.dataset.workOrder, dragged.dataset.version, lane.dataset.technician);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".board[data-assign-url]").forEach(setup);
  });
})();
