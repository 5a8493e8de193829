// Intake screen-pop: clicking a customer or a unit found for the caller fills the intake form
// (the autocomplete boxes get the chosen id and its label, like a choice made in them).
(function () {
  "use strict";

  function setChoice(form, name, id, label) {
    var hidden = form.querySelector("input[type=hidden][name='" + name + "']");
    if (!hidden) { return; }
    hidden.value = id || "";
    var box = hidden.closest(".autocomplete");
    var visible = box && box.querySelector(".autocomplete-input");
    if (visible) { visible.value = id ? (label || "") : ""; }
    hidden.dispatchEvent(new Event("change", {bubbles: true}));
  }

  function setText(form, name, value) {
    var input = form.elements.namedItem(name);
    if (input && value) { input.value = value; }
  }

  document.addEventListener("click", function (event) {
    var row = event.target.closest(".pop-row");
    var form = document.getElementById("intake-form");
    if (!row || !form) { return; }
    var data = row.dataset;
    setChoice(form, "customer", data.fillCustomer, data.fillCustomerLabel);
    setChoice(form, "equipment", data.fillEquipment, data.fillEquipmentLabel);
    setChoice(form, "site", data.fillSite, data.fillSiteLabel);
    if (data.fillProvider) {
      setChoice(form, "handling_organisation", data.fillProvider, data.fillProviderLabel);
    }
    if (data.fillEquipment) {
      // A unit of the archive brings its own model and serial.
      setChoice(form, "product_model", "", "");
      form.elements.namedItem("reported_serial").value = "";
    }
    setText(form, "contact_name", data.fillContactName);
    setText(form, "contact_phone", data.fillContactPhone);
    setText(form, "address", data.fillAddress);
    if (data.fillProof) {
      form.elements.namedItem("has_purchase_proof").checked = data.fillProof === "true";
    }
    document.querySelectorAll(".pop-row.chosen").forEach(function (other) {
      other.classList.remove("chosen");
    });
    row.classList.add("chosen");
    var symptom = form.elements.namedItem("symptom");
    if (symptom) { symptom.focus(); }
  });
})();
