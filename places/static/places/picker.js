// The village map in a form (places/templates/places/_picker.html): with JavaScript a click fills the
// longitude and latitude fields instead of sending the form. Same projection as places/svg.py.
(function () {
  "use strict";
  var PAD = 8;
  function round6(v) { return (Math.round(v * 1e6) / 1e6).toFixed(6); }
  function setup(img) {
    img.addEventListener("click", function (event) {
      event.preventDefault();
      if (event.detail === 0) {  // Enter or Space on the image: no place was pointed at; go to the squares
        var first = img.parentNode.querySelector(".place-picker-cells button");
        if (first) { first.focus(); }
        return;
      }
      var rect = img.getBoundingClientRect();
      var x = (event.clientX - rect.left) * (img.width / rect.width);
      var y = (event.clientY - rect.top) * (img.height / rect.height);
      var k = parseFloat(img.dataset.k), scale = parseFloat(img.dataset.scale);
      var lon = parseFloat(img.dataset.minLon) + (x - PAD) / (k * scale);
      var lat = parseFloat(img.dataset.maxLat) - (y - PAD) / scale;
      var lonField = document.getElementById(img.dataset.lonField);
      var latField = document.getElementById(img.dataset.latField);
      if (!lonField || !latField) { return; }
      lonField.value = round6(lon);
      latField.value = round6(lat);
      img.src = img.src.split("?")[0] + "?lon=" + lonField.value + "&lat=" + latField.value;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input.place-picker-image").forEach(setup);
  });
})();
